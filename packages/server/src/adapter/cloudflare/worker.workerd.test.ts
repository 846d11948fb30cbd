import { abortAllDurableObjects, env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { event, events, freshSpace, json, push, send, TOKENS } from './test-edge-client.js';

type Page = { events: { position: number; id: string; streamId: string }[]; head: number; hasMore: boolean };

describe('the edge Worker: protocol v1 through the Worker and a Durable Object, in workerd', () => {
  it('answers /healthz without a token', async () => {
    const res = await json('GET', '/healthz', { token: null });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { ok: true } });
  });

  it('checks 401, then 403, then 400 for the space, before any space object is used', async () => {
    const space = freshSpace();
    const missing = await json('GET', `/v1/spaces/${space}/pull`, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await json('GET', `/v1/spaces/${space}/pull`, { token: 'nope' })).status).toBe(401);
    const forbidden = await json('GET', '/v1/spaces/space-b/pull', { token: TOKENS.a });
    expect({
      status: forbidden.status,
      code: (forbidden.body as { error: { code: string } }).error.code,
    }).toEqual({ status: 403, code: 'FORBIDDEN' });
    // Unauthenticated beats a bad space name; a bad name is a 400 only for a token that may use it.
    expect((await json('GET', '/v1/spaces/bad%20space/pull', { token: null })).status).toBe(401);
    const bad = await json('GET', '/v1/spaces/bad%20space/pull');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('pushes and pulls: positions, duplicates on a re-push, conflicts, one stable serverId', async () => {
    const space = freshSpace();
    const first = events('cart-1', 2);
    const res = await push(space, [...first, ...events('cart-2', 1)]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accepted: [
        { streamId: 'cart-1', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 },
        { streamId: 'cart-2', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 },
      ],
      duplicates: [],
      conflicts: [],
      head: 3,
    });
    const serverId = (res.body as { serverId: string }).serverId;
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await push(space, [...first, event('cart-1', 3), ...events('cart-2', 1)]);
    expect(again.body).toMatchObject({
      accepted: [{ streamId: 'cart-1', fromVersion: 3, toVersion: 3, fromPosition: 4, toPosition: 4 }],
      duplicates: [
        { id: first[0]!.id, position: 1 },
        { id: first[1]!.id, position: 2 },
      ],
      conflicts: [{ streamId: 'cart-2', expectedVersion: 0, actualVersion: 1 }],
      head: 4,
      serverId,
    });
    const page = await json<Page & { serverId: string }>('GET', `/v1/spaces/${space}/pull?after=1&limit=2`);
    expect(page.body.events.map((e) => e.position)).toEqual([2, 3]);
    expect(page.body).toMatchObject({ head: 4, hasMore: true, serverId });
    const empty = await json('GET', `/v1/spaces/${freshSpace()}/pull`);
    expect(empty.body).toMatchObject({ events: [], head: 0, hasMore: false });
  });

  it.each([
    ['a limit below 1', 'limit=0'],
    ['a negative cursor', 'after=-1'],
    ['a cursor that is not an integer', 'after=1.5'],
  ])('answers 400 INVALID_REQUEST to a pull with %s', async (_name, query) => {
    const res = await json('GET', `/v1/spaces/${freshSpace()}/pull?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it.each([
    ['malformed JSON', { body: '{"clientId": "c", "events": [' }, 400, 'INVALID_REQUEST'],
    [
      'versions with a gap',
      { body: { clientId: 'c', events: [event('a', 1), event('a', 3)] } },
      400,
      'INVALID_REQUEST',
    ],
    [
      'more than 1,000 events',
      { body: { clientId: 'c', events: events('a', 1001) } },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'more than 1 MiB',
      { body: { clientId: 'c', events: [event('a', 1, { data: { big: 'x'.repeat(1024 * 1024) } })] } },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a text/plain body',
      {
        body: JSON.stringify({ clientId: 'c', events: events('a', 1) }),
        headers: { 'content-type': 'text/plain' },
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ] as const)('refuses a push with %s and stores nothing', async (_name, options, status, code) => {
    const space = freshSpace();
    const res = await json('POST', `/v1/spaces/${space}/push`, options as Parameters<typeof json>[2]);
    expect({ status: res.status, code: (res.body as { error: { code: string } }).error.code }).toEqual({
      status,
      code,
    });
    expect((await json<Page>('GET', `/v1/spaces/${space}/pull`)).body.head).toBe(0);
  });

  it('reads and appends streams: versions, minted ids, 409 VERSION_CONFLICT', async () => {
    const space = freshSpace();
    const path = `/v1/spaces/${space}/streams/${encodeURIComponent('order/1')}`;
    expect((await json('GET', path)).body).toMatchObject({ events: [], version: 0 });
    const appended = await json('POST', path, {
      body: { expectedVersion: 'no_stream', events: [{ type: 'Placed', data: { total: 3 } }] },
    });
    expect(appended).toMatchObject({
      status: 200,
      body: { fromVersion: 1, toVersion: 1, fromPosition: 1, toPosition: 1 },
    });
    const conflict = await json('POST', path, {
      body: { expectedVersion: 0, events: [{ type: 'Placed', data: {} }] },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'VERSION_CONFLICT' } });
    const read = await json<{ events: { type: string; streamId: string; id: string }[]; version: number }>(
      'GET',
      path,
    );
    expect(read.body.version).toBe(1);
    expect(read.body.events).toEqual([expect.objectContaining({ streamId: 'order/1', type: 'Placed' })]);
    expect(read.body.events[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflights and adds CORS headers, refusals included, for TIDELOG_CORS_ORIGIN', async () => {
    const preflight = await send('OPTIONS', `/v1/spaces/${freshSpace()}/push`, {
      token: null,
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const refused = await send('GET', `/v1/spaces/${freshSpace()}/pull`, {
      token: null,
      headers: { origin: 'https://app.example' },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('routes a space whose name holds a slash or a colon (percent-encoded) to one object of its own', async () => {
    const space = `${freshSpace()}/team:a`;
    const path = `/v1/spaces/${encodeURIComponent(space)}`;
    expect((await push(space, events('a', 2))).body).toMatchObject({ head: 2 });
    const page = await json<Page>('GET', `${path}/pull`);
    expect(page.body.events.map((e) => e.position)).toEqual([1, 2]);
    // The part before the slash is another space, empty.
    const prefix = space.slice(0, space.indexOf('/'));
    expect((await json<Page>('GET', `/v1/spaces/${prefix}/pull`)).body.head).toBe(0);
  });

  it('answers 404 to an unknown route and 405 to a wrong method, as JSON', async () => {
    const unknown = await json('GET', '/v2/nothing');
    expect({ status: unknown.status, body: unknown.body }).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    const wrong = await json('GET', `/v1/spaces/${freshSpace()}/push`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('keeps pushes of one stream serialized: of 20 concurrent version-1 pushes exactly one wins', async () => {
    const space = freshSpace();
    const results = await Promise.all(Array.from({ length: 20 }, () => push(space, [event('race', 1)])));
    const accepted = results.filter((r) => (r.body as { accepted: unknown[] }).accepted.length === 1);
    expect(accepted).toHaveLength(1);
    const mixed = await Promise.all(Array.from({ length: 20 }, (_, i) => push(space, [event(`s${i}`, 1)])));
    expect(mixed.every((r) => r.status === 200)).toBe(true);
    const page = await json<Page>('GET', `/v1/spaces/${space}/pull?limit=100`);
    expect(page.body.events.map((e) => e.position)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('keeps a space across a restart of its Durable Object: events, serverId, next positions', async () => {
    const space = freshSpace();
    const pushed = events('cart', 2);
    await push(space, pushed);
    const before = await json('GET', `/v1/spaces/${space}/pull`);
    const stub = () => env.SPACES.get(env.SPACES.idFromName(space)); // a stub breaks when its object aborts
    const marked = (object: object) => Reflect.get(object, 'restartMarker') === true;
    await runInDurableObject(stub(), (object: object) => Reflect.set(object, 'restartMarker', true));
    expect(await runInDurableObject(stub(), marked)).toBe(true);
    await abortAllDurableObjects();
    expect(await runInDurableObject(stub(), marked)).toBe(false); // a new instance, built from storage
    const after = await json('GET', `/v1/spaces/${space}/pull`);
    expect(after.body).toEqual(before.body);
    const next = await push(space, [...pushed, event('cart', 3)]);
    expect(next.body).toMatchObject({
      accepted: [{ fromVersion: 3, fromPosition: 3 }],
      duplicates: [{ position: 1 }, { position: 2 }],
      serverId: (before.body as { serverId: string }).serverId,
    });
  });
});
