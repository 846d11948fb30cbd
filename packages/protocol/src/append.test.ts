import { describe, expect, it } from 'vitest';
import { validateStreamAppendRequest } from './append.js';
import { testId } from './test-support.js';

const event = (overrides: Record<string, unknown> = {}) => ({ type: 'Opened', data: { a: 1 }, ...overrides });

describe('validateStreamAppendRequest', () => {
  it.each([
    [0, 0],
    [7, 7],
    ['any', 'any'],
    ['no_stream', 'no_stream'],
    ['stream_exists', 'stream_exists'],
    [undefined, 'any'],
  ])('accepts expectedVersion %j', (expectedVersion, expected) => {
    const result = validateStreamAppendRequest({ expectedVersion, events: [event()] });
    expect(result).toEqual({
      ok: true,
      value: { expectedVersion: expected, events: [{ type: 'Opened', data: { a: 1 }, meta: {} }] },
    });
  });

  it.each([-1, 1.5, 'latest', null, '3', 2 ** 31])('refuses expectedVersion %j', (expectedVersion) => {
    const result = validateStreamAppendRequest({ expectedVersion, events: [event()] });
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_REQUEST',
      issues: [{ path: 'expectedVersion' }],
    });
  });

  it('keeps given ids, schema versions and partial meta; drops fields the server sets', () => {
    const id = testId();
    const meta = { correlationId: 'corr-1', app: true };
    const result = validateStreamAppendRequest({
      events: [event({ id, schemaVersion: 2, meta, streamId: 'x', version: 9, position: 3 })],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        expectedVersion: 'any',
        events: [{ id, type: 'Opened', data: { a: 1 }, schemaVersion: 2, meta }],
      },
    });
  });

  it.each([
    ['events', { events: [] }],
    ['events', {}],
    ['events[0]', { events: [7] }],
    ['events[0].id', { events: [event({ id: 'x' })] }],
    ['events[0].type', { events: [event({ type: undefined })] }],
    ['events[0].data', { events: [event({ data: [1] })] }],
    ['events[0].schemaVersion', { events: [event({ schemaVersion: 0 })] }],
    ['events[0].meta.timestamp', { events: [event({ meta: { timestamp: 'yesterday' } })] }],
    ['events[0].meta.clientId', { events: [event({ meta: { clientId: '' } })] }],
    ['events[0].meta', { events: [event({ meta: 'm' })] }],
  ])('refuses a bad %s', (path, body) => {
    const result = validateStreamAppendRequest(body);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(!result.ok && result.issues.map((i) => i.path)).toContain(path);
  });

  it('refuses duplicate ids and too many events', () => {
    const id = testId();
    expect(validateStreamAppendRequest({ events: [event({ id }), event({ id })] })).toMatchObject({
      ok: false,
      issues: [{ path: 'events[1].id', message: 'duplicates the id of events[0]' }],
    });
    const events = Array.from({ length: 3 }, () => event());
    expect(validateStreamAppendRequest({ events }, { maxEventsPerPush: 2 })).toMatchObject({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});
