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
