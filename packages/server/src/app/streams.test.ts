import { isUuid, uuidv7 } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { events, harness } from './test-support.js';

type Read = {
  events: {
    id: string;
    version: number;
    position: number;
    type: string;
    schemaVersion: number;
    meta: Record<string, unknown>;
  }[];
  version: number;
};
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

const append = (h: ReturnType<typeof harness>, streamId: string, body: unknown, space = 't') =>
  h.json<Record<string, unknown>>('POST', `/v1/spaces/${space}/streams/${encodeURIComponent(streamId)}`, {
    body,
  });

describe('GET /v1/spaces/:space/streams/:streamId', () => {
  it('answers a stream nobody wrote to with version 0 and no events', async () => {
    const h = harness();
    const res = await h.json('GET', '/v1/spaces/t/streams/nope');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { events: [], version: 0, hasMore: false },
    });
  });

  it('reads from a version (default 1) and gives the current version', async () => {
    const h = harness();
    await h.push('t', [...events('other', 1), ...events('cart-1', 4)]);
    const all = (await h.json<Read>('GET', '/v1/spaces/t/streams/cart-1')).body;
    expect(all.events.map((e) => [e.version, e.position])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(all.version).toBe(4);
    const tail = (await h.json<Read>('GET', '/v1/spaces/t/streams/cart-1?from=3')).body;
    expect(tail).toMatchObject({ version: 4, events: [{ version: 3 }, { version: 4 }] });
    expect((await h.json<Read>('GET', '/v1/spaces/t/streams/cart-1?from=9')).body).toEqual({
      events: [],
      version: 4,
      hasMore: false,
    });
  });

  it('takes stream ids and spaces containing a slash, percent-encoded', async () => {
    const h = harness();
    await h.push('org/team', events('cart/1', 2));
    const res = await h.json<Read>('GET', '/v1/spaces/org%2Fteam/streams/cart%2F1');
    expect(res.body.version).toBe(2);
  });

  it.each([
    ['/v1/spaces/t/streams/a%20b', 'streamId'],
    ['/v1/spaces/t/streams/a?from=-1', 'from'],
    ['/v1/spaces/t/streams/a?from=x', 'from'],
  ])('answers 400 to %s', async (path, field) => {
    const res = await harness().json<ErrorBody & { error: { details: { issues: { path: string }[] } } }>(
      'GET',
      path,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]!.path).toBe(field);
  });
});

describe('POST /v1/spaces/:space/streams/:streamId', () => {
  it('appends as the next versions, minting ids and filling meta in', async () => {
    const now = new Date('2025-02-01T10:00:00.000Z');
    const h = harness({ now: () => now, producerClientId: 'billing' });
    await h.push('t', events('x', 2));
    const res = await append(h, 'order-1', {
      expectedVersion: 'no_stream',
      events: [
        { type: 'Placed', data: { total: 3 } },
        { type: 'Paid', data: {}, schemaVersion: 2, meta: { correlationId: 'c-1', clientId: 'pos-7' } },
      ],
    });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { fromVersion: 1, toVersion: 2, fromPosition: 3, toPosition: 4 },
    });
    const read = (await h.json<Read>('GET', '/v1/spaces/t/streams/order-1')).body;
    expect(read.events.every((e) => isUuid(e.id) && e.id[14] === '7')).toBe(true);
    expect(read.events.map((e) => [e.type, e.schemaVersion, e.meta])).toEqual([
      ['Placed', 1, { timestamp: '2025-02-01T10:00:00.000Z', clientId: 'billing' }],
      ['Paid', 2, { correlationId: 'c-1', clientId: 'pos-7', timestamp: '2025-02-01T10:00:00.000Z' }],
    ]);
  });

  it.each([
    ['an exact version', 2, 200],
    ['a wrong exact version', 1, 409],
    ['"any"', 'any', 200],
    ['"stream_exists"', 'stream_exists', 200],
    ['"no_stream" on an existing stream', 'no_stream', 409],
    ['0 on an existing stream', 0, 409],
  ])('with %s on a stream at version 2', async (_, expectedVersion, status) => {
    const h = harness();
    await h.push('t', events('s', 2));
    const res = await append(h, 's', { expectedVersion, events: [{ type: 'E', data: {} }] });
    expect(res.status).toBe(status);
    expect((await h.json<Read>('GET', '/v1/spaces/t/streams/s')).body.version).toBe(status === 200 ? 3 : 2);
  });

  it('answers 409 VERSION_CONFLICT with streamId, expectedVersion and actualVersion', async () => {
    const h = harness();
    await h.push('t', events('s', 2));
    const res = await append(h, 's', { expectedVersion: 5, events: [{ type: 'E', data: {} }] });
    expect(res.body).toEqual({
      error: {
        code: 'VERSION_CONFLICT',
        message: expect.any(String),
        details: { streamId: 's', expectedVersion: 5, actualVersion: 2 },
      },
    });
    const missing = await append(h, 'new', {
      expectedVersion: 'stream_exists',
      events: [{ type: 'E', data: {} }],
    });
    expect((missing.body as ErrorBody).error.details).toEqual({
      streamId: 'new',
      expectedVersion: 'stream_exists',
      actualVersion: 0,
    });
  });

  it('defaults expectedVersion to "any"', async () => {
    const h = harness();
    await h.push('t', events('s', 2));
    expect((await append(h, 's', { events: [{ type: 'E', data: {} }] })).body).toMatchObject({
      fromVersion: 3,
    });
  });

  it('answers a repeated append with given ids and an exact version with the original result', async () => {
    const h = harness();
    const body = {
      expectedVersion: 0,
      events: [
        { id: uuidv7(), type: 'E', data: {} },
        { id: uuidv7(), type: 'F', data: {} },
      ],
    };
    const first = await append(h, 's', body);
    const again = await append(h, 's', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await h.json<Read>('GET', '/v1/spaces/t/streams/s')).body.version).toBe(2);
  });

  it('answers 409 DUPLICATE_EVENT for an id already stored elsewhere', async () => {
    const h = harness();
    const [stored] = events('other', 1);
    await h.push('t', [stored!]);
    const res = await append(h, 's', { events: [{ id: stored!.id, type: 'E', data: {} }] });
    expect(res.status).toBe(409);
    expect((res.body as ErrorBody).error).toMatchObject({
      code: 'DUPLICATE_EVENT',
      details: { eventId: stored!.id },
    });
    expect(await h.store.head('t')).toBe(1);
  });

  it('lets concurrent "any" appends all succeed, and concurrent exact ones conflict', async () => {
    const h = harness();
    const loose = await Promise.all(
      Array.from({ length: 8 }, () =>
        append(h, 'busy', { expectedVersion: 'any', events: [{ type: 'E', data: {} }] }),
      ),
    );
    expect(loose.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(loose.map((r) => r.body.fromVersion).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const exact = await Promise.all(
      Array.from({ length: 4 }, () =>
        append(h, 'busy', { expectedVersion: 8, events: [{ type: 'E', data: {} }] }),
      ),
    );
    expect(exact.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await h.json<Read>('GET', '/v1/spaces/t/streams/busy')).body.version).toBe(9);
  });

  it.each([
    ['no events', { events: [] }, 400, 'INVALID_REQUEST'],
    [
      'a bad expectedVersion',
      { expectedVersion: -1, events: [{ type: 'E', data: {} }] },
      400,
      'INVALID_REQUEST',
    ],
    ['a bad event', { events: [{ type: 'E', data: 'no' }] }, 400, 'INVALID_REQUEST'],
    [
      'too many events',
      { events: Array.from({ length: 1001 }, () => ({ type: 'E', data: {} })) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'too many bytes',
      { events: [{ type: 'E', data: { s: 'x'.repeat(1024 * 1024) } }] },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('refuses %s, storing nothing', async (_, body, status, code) => {
    const h = harness();
    const res = await append(h, 's', body);
    expect(res.status).toBe(status);
    expect((res.body as ErrorBody).error.code).toBe(code);
    expect(await h.store.head('t')).toBe(0);
  });

  it('answers 415 to a non-JSON body and 400 to a bad stream id', async () => {
    const h = harness();
    const text = await h.send('POST', '/v1/spaces/t/streams/s', {
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const bad = await h.send('POST', '/v1/spaces/t/streams/a%20b', {
      body: { events: [{ type: 'E', data: {} }] },
    });
    expect(bad.status).toBe(400);
  });
});
