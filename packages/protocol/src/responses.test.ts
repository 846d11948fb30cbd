import { describe, expect, it } from 'vitest';
import { errorBody, validationErrorBody } from './error-codes.js';
import {
  validateErrorBody,
  validateEventsMessage,
  validatePullResponse,
  validatePushResponse,
  validateStreamAppendResponse,
  validateStreamReadResponse,
} from './responses.js';
import { pushedEvent, streamEvents } from './test-support.js';

const positioned = (count: number) => streamEvents('s', count).map((e, i) => ({ ...e, position: i + 1 }));

describe('response validators', () => {
  it('accept what the server sends', () => {
    expect(
      validatePushResponse({
        accepted: [{ streamId: 's', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 }],
        duplicates: [{ id: pushedEvent().id, position: 3 }],
        conflicts: [{ streamId: 't', expectedVersion: 0, actualVersion: 4, id: pushedEvent().id }],
        head: 3,
        serverId: 'srv-1',
      }).ok,
    ).toBe(true);
    expect(validatePullResponse({ events: positioned(3), head: 3, hasMore: false, serverId: 'x' }).ok).toBe(
      true,
    );
    expect(validateEventsMessage(JSON.stringify({ events: positioned(2) })).ok).toBe(true);
    expect(validateStreamReadResponse({ events: positioned(2), version: 2, hasMore: false }).ok).toBe(true);
    expect(validateStreamReadResponse({ events: positioned(2), version: 2 }).ok).toBe(false);
    expect(validateStreamReadResponse({ events: [], version: 0, hasMore: false }).ok).toBe(true);
    expect(
      validateStreamAppendResponse({ fromVersion: 1, toVersion: 1, fromPosition: 4, toPosition: 4 }).ok,
    ).toBe(true);
    expect(validateErrorBody(errorBody('FORBIDDEN', 'no')).ok).toBe(true);
  });

  it('refuse missing positions, unordered events and wrong field types with paths', () => {
    const [a, b] = positioned(2);
    expect(validatePullResponse({ events: [b, a], head: 2, hasMore: 'no', serverId: '' })).toMatchObject({
      ok: false,
      issues: [{ path: 'events[1].position' }, { path: 'hasMore' }, { path: 'serverId' }],
    });
    expect(validateEventsMessage({ events: [pushedEvent()] })).toMatchObject({
      ok: false,
      issues: [{ path: 'events[0].position', message: 'is required' }],
    });
    expect(validateEventsMessage('{not json')).toMatchObject({ ok: false, issues: [{ path: '' }] });
    expect(
      validatePushResponse({ accepted: [], duplicates: [], conflicts: [], head: -1, serverId: 'x' }),
    ).toMatchObject({ ok: false, issues: [{ path: 'head' }] });
    expect(validateErrorBody({ error: { message: 'x' } })).toMatchObject({
      ok: false,
      issues: [{ path: 'error.code', message: 'is required' }],
    });
  });
});

describe('small response bodies, checked without a schema library', () => {
  it('report every bad field of a push response with its path', () => {
    const result = validatePushResponse({
      accepted: [{ streamId: 'a b', fromVersion: 0, toVersion: 1, fromPosition: 1 }],
      duplicates: ['x', { id: 'ABC', position: 1 }],
      conflicts: [{ streamId: 's', expectedVersion: -1, actualVersion: 1.5, id: 7 }],
      head: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'accepted[0].streamId: must be 1-200 characters of [A-Za-z0-9._:@/-]',
      'accepted[0].fromVersion: must be an integer from 1 to 2147483647',
      'accepted[0].toPosition: is required',
      'duplicates[0]: must be an object',
      'duplicates[1].id: must be a lowercase UUID such as "0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b"',
      'conflicts[0].expectedVersion: must be a non-negative integer',
      'conflicts[0].actualVersion: must be a non-negative integer',
      'conflicts[0].id: must be a lowercase UUID such as "0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b"',
      'serverId: is required',
    ]);
  });

  it('return fresh values without unknown fields', () => {
    const body = {
      accepted: [],
      duplicates: [],
      conflicts: [{ streamId: 's', expectedVersion: 0, actualVersion: 2, extra: true }],
      head: 2,
      serverId: 'srv',
      debug: { secret: 1 },
    };
    expect(validatePushResponse(body)).toEqual({
      ok: true,
      value: {
        accepted: [],
        duplicates: [],
        conflicts: [{ streamId: 's', expectedVersion: 0, actualVersion: 2 }],
        head: 2,
        serverId: 'srv',
      },
    });
    expect(validateErrorBody({ error: { code: 'X', message: 'm', details: { a: 1 }, stack: 's' } })).toEqual({
      ok: true,
      value: { error: { code: 'X', message: 'm', details: { a: 1 } } },
    });
  });

  it('refuse what is not an object, and never throw on a hostile body', () => {
    expect(validateStreamAppendResponse([])).toMatchObject({ ok: false, issues: [{ path: '' }] });
    expect(validateErrorBody({ error: 'nope' })).toMatchObject({
      ok: false,
      issues: [{ path: 'error', message: 'must be an object' }],
    });
    const hostile = Object.defineProperty({}, 'accepted', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(validatePushResponse(hostile)).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });
});

describe('validationErrorBody', () => {
  it('names the first issue in the message and lists all in details', () => {
    const body = validationErrorBody({
      code: 'INVALID_REQUEST',
      issues: [
        { path: 'events[3].meta.timestamp', message: 'must be an ISO-8601 UTC timestamp' },
        { path: 'clientId', message: 'is required' },
      ],
    });
    expect(body).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: 'events[3].meta.timestamp: must be an ISO-8601 UTC timestamp (and 1 more)',
        details: {
          issues: [
            { path: 'events[3].meta.timestamp', message: 'must be an ISO-8601 UTC timestamp' },
            { path: 'clientId', message: 'is required' },
          ],
        },
      },
    });
  });
});
