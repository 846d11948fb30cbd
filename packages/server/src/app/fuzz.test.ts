import { uuidv7 } from '@tidelog/core';
import { ERROR_STATUS } from '@tidelog/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import type { ServerEventStore } from '../store/types.js';
import { tokenAuth } from './auth.js';
import { createSyncServer } from './create-sync-server.js';
import { events } from './test-support.js';

/**
 * 10,000 random and malformed requests against one in-process app: each must get the
 * 4xx its generator predicts, with a coded error body; afterwards the server still works
 * and the store holds exactly what it held before (no push reached it at all).
 */

interface Fuzzed {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
}

const GOOD = { authorization: 'Bearer all' };
const JSON_TYPE = { 'content-type': 'application/json' };
const PUSH = '/v1/spaces/team-1/push';

const validEvent = (streamId = 's', version = 1) => ({
  id: uuidv7(),
  streamId,
  version,
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { n: 1 },
  meta: { timestamp: '2025-01-31T12:00:00.000Z', clientId: 'c' },
});

/** Bad values per field; each makes a push invalid. Strings starting with `raw:` are spliced in as JSON text. */
const BAD: Record<string, unknown[]> = {
  id: [
    '',
    'x',
    42,
    null,
    true,
    [],
    {},
    '0190F5B8-8D5A-7C3E-9A1B-2C3D4E5F6A7B',
    '0190f5b88d5a7c3e9a1b2c3d4e5f6a7b',
  ],
  streamId: ['', 'a b', 'x'.repeat(201), 'é', 7, null, '\n', '*'],
  version: [0, -1, 1.5, '1', null, 2 ** 31, 1e300, [], 'raw:1e400'],
  type: ['', 'x'.repeat(201), 5, null, 'a\u0000b', {}, 'A\ud800B', '\udfff', 'raw:"x\\ud83d"'],
  schemaVersion: [0, -3, 0.5, '2', null, 'raw:-0.0001'],
  data: [
    null,
    [],
    'x',
    5,
    true,
    'raw:{"__proto__":{"admin":true}}',
    'raw:{"a":{"constructor":{"prototype":{}}}}',
    'raw:{"n":1e999}',
    `raw:${'{"d":'.repeat(100)}1${'}'.repeat(100)}`,
    { note: 'lone \ud800 surrogate' },
    'raw:{"\\udc00":1}',
  ],
  meta: [
    null,
    [],
    {},
    'raw:{"timestamp":"2025-01-31T12:00:00Z","clientId":"c","__proto__":{}}',
    { timestamp: 'yesterday', clientId: 'c' },
    { timestamp: '2025-02-30T00:00:00Z', clientId: 'c' },
    { timestamp: '2025-01-31T12:00:00Z', clientId: '' },
    { timestamp: '2025-01-31T12:00:00Z', clientId: 'c\ud800' },
    { timestamp: '2025-01-31T12:00:00Z', clientId: 'c', causationId: '\udbff' },
  ],
};

/** JSON text of `value` where `raw:` strings become raw JSON. */
function jsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === 'string' && v.startsWith('raw:')) {
      raws.push(v.slice(4));
      return `\u0000RAW${raws.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}

const post = (
  kind: string,
  path: string,
  body: string,
  status: number,
  headers: Record<string, string> = {},
): Fuzzed => ({
  kind,
  method: 'POST',
  path,
  headers: { ...GOOD, ...JSON_TYPE, ...headers },
  body,
  status,
});
const get = (kind: string, path: string, status: number, headers: Record<string, string> = {}): Fuzzed => ({
  kind,
  method: 'GET',
  path,
  headers: { ...GOOD, ...headers },
  status,
});

const notJson = fc
  .oneof(
    fc.string(),
    fc.constantFrom('{', '{"clientId":', '[1,', 'undefined', "{'a':1}", '{"a":1,}', 'NaN', '', ' '),
  )
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });

const badJson = notJson.map((body) => post('bad JSON', PUSH, body, 400));

const wrongShape = fc
  .jsonValue()
  .filter(
    (v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'clientId' in v && 'events' in v),
  )
  .map((v) => post('wrong shape', PUSH, JSON.stringify(v), 400));

const mutated = fc
  .tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.constantFrom(...Object.keys(BAD), 'clientId'),
    fc.nat(),
    fc.nat(),
    fc.anything(),
  )
  .map(([count, field, which, at, noise]) => {
    const list = Array.from({ length: count }, (_, i) => validEvent('s', i + 1)) as Record<string, unknown>[];
    const body: Record<string, unknown> = {
      clientId: 'c',
      events: list,
      noise: JSON.parse(JSON.stringify(noise) ?? 'null'),
    };
    if (field === 'clientId') body.clientId = ['', null, 5, 'x'.repeat(201)][which % 4];
    else list[at % count]![field] = BAD[field]![which % BAD[field]!.length];
    return post(`bad ${field}`, PUSH, jsonText(body), 400);
  });

const versionGap = fc
  .integer({ min: 2, max: 50 })
  .map((gap) =>
    post(
      'version gap',
      PUSH,
      JSON.stringify({ clientId: 'c', events: [validEvent('s', 1), validEvent('s', 1 + gap)] }),
      400,
    ),
  );

const duplicateId = fc.constant(null).map(() => {
  const a = validEvent('s', 1);
  return post(
    'duplicate id',
    PUSH,
    JSON.stringify({ clientId: 'c', events: [a, { ...validEvent('s', 2), id: a.id }] }),
    400,
  );
});

const tooMany = fc
  .integer({ min: 1001, max: 1500 })
  .map((n) =>
    post('too many events', PUSH, JSON.stringify({ clientId: 'c', events: Array(n).fill(0) }), 413),
  );

const tooBig = fc
  .integer({ min: 1, max: 4096 })
  .map((extra) =>
    post(
      'too many bytes',
      PUSH,
      JSON.stringify({ clientId: 'c', events: [], pad: 'x'.repeat(1024 * 1024 + extra) }),
      413,
    ),
  );

const wrongType = fc
  .constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=latin1',
    'json',
    'application/jsonx',
    'text/json',
    '',
  )
  .chain((type) => fc.constantFrom(PUSH, '/v1/spaces/team-1/streams/s').map((path) => ({ type, path })))
  .map(({ type, path }) => {
    const req = post(
      'wrong content type',
      path,
      JSON.stringify({ clientId: 'c', events: [validEvent()] }),
      415,
    );
    if (type === '') delete req.headers['content-type'];
    else req.headers['content-type'] = type;
    return req;
  });

const badCount = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !/^[0-9]+$/.test(s)),
  fc.integer({ max: -1 }).map(String),
  fc.constantFrom('1e3', '1.0', '+1', ' 1', '0x10', '99999999999999999999'),
);
const badQuery = fc.oneof(
  badCount.map((v) => get('bad after', `/v1/spaces/team-1/pull?after=${encodeURIComponent(v)}`, 400)),
  fc
    .oneof(
      badCount.filter((v) => v !== '99999999999999999999'),
      fc.constant('0'),
    )
    .map((v) => get('bad limit', `/v1/spaces/team-1/pull?limit=${encodeURIComponent(v)}`, 400)),
  badCount.map((v) =>
    get('bad subscribe after', `/v1/spaces/team-1/subscribe?after=${encodeURIComponent(v)}`, 400),
  ),
  badCount
    // Header values lose surrounding whitespace on the way: ' 1' would arrive as a valid '1'.
    .filter((v) => v.trim() !== '' && !/^[0-9]+$/.test(v.trim()) && /^[\x20-\x7e]*$/.test(v))
    .map((v) => get('bad Last-Event-ID', '/v1/spaces/team-1/subscribe', 400, { 'last-event-id': v })),
  badCount.map((v) => get('bad from', `/v1/spaces/team-1/streams/s?from=${encodeURIComponent(v)}`, 400)),
);

const badName = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.string({ minLength: 201, maxLength: 260 }),
    fc.constantFrom('a b', 'ü', '..', 'a%b', '*', '<x>'),
  )
  .filter((s) => s.length > 200 || !/^[A-Za-z0-9._:@/-]+$/.test(s))
  .filter((s) => s !== '.' && s !== '..');
const oddNames = fc.oneof(
  badName.map((s) => get('odd space', `/v1/spaces/${encodeURIComponent(s)}/pull`, 400)),
  badName.map((s) =>
    post(
      'odd space push',
      `/v1/spaces/${encodeURIComponent(s)}/push`,
      JSON.stringify({ clientId: 'c', events: [] }),
      400,
    ),
  ),
  badName.map((s) => get('odd stream', `/v1/spaces/team-1/streams/${encodeURIComponent(s)}`, 400)),
  badName.map((s) =>
    post(
      'odd stream append',
      `/v1/spaces/team-1/streams/${encodeURIComponent(s)}`,
      JSON.stringify({ events: [{ type: 'E', data: {} }] }),
      400,
    ),
  ),
  badName.map((s) => ({
    ...get('odd space, narrow token', `/v1/spaces/${encodeURIComponent(s)}/pull`, 403),
    headers: { authorization: 'Bearer narrow' },
  })),
);

const token = fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,40}$/).filter((t) => t !== 'all' && t !== 'narrow');
const routes = [
  ['POST', PUSH],
  ['GET', '/v1/spaces/team-1/pull'],
  ['GET', '/v1/spaces/team-1/subscribe'],
  ['GET', '/v1/spaces/team-1/streams/s'],
  ['POST', '/v1/spaces/team-1/streams/s'],
] as const;
const auth = fc.oneof(
  fc.tuple(fc.constantFrom(...routes), fc.option(token)).map(([[method, path], t]) => ({
    kind: 'unauthenticated',
    method,
    path,
    headers: t === null ? JSON_TYPE : { ...JSON_TYPE, authorization: `Bearer ${t}` },
    body: method === 'POST' ? '{' : undefined,
    status: 401,
  })),
  fc
    .tuple(fc.constantFrom(...routes), fc.stringMatching(/^[a-z0-9-]{1,12}$/))
    .map(([[method, path], space]) => ({
      kind: 'forbidden',
      method,
      path: path.replace('team-1', `x-${space}`),
      headers: { ...JSON_TYPE, authorization: 'Bearer narrow' },
      body: method === 'POST' ? 'not even json' : undefined,
      status: 403,
    })),
);

const unknownRoutes = fc.oneof(
  fc
    .webPath()
    .map((p) => (p.startsWith('/') ? p : `/${p}`))
    .filter((p) => {
      if (p.startsWith('//') || !URL.canParse(p, 'http://x')) return false; // not a path of this host
      const path = new URL(p, 'http://x').pathname;
      return !path.startsWith('/v1/spaces/') && path !== '/healthz' && path !== '/metrics';
    })
    .map((p) => get('unknown route', p, 404)),
  fc
    .tuple(
      fc.constantFrom('PUT', 'DELETE', 'PATCH'),
      fc.constantFrom(...routes.map((r) => r[1]), '/healthz', '/metrics'),
    )
    .map(([method, path]) => ({ ...get('wrong method', path, 405), method })),
);

const appendBodies = fc
  .oneof(
    fc.constantFrom(
      { events: [] },
      { expectedVersion: 'latest', events: [{ type: 'E', data: {} }] },
      { expectedVersion: -1, events: [{ type: 'E', data: {} }] },
      { events: [{ type: 'E', data: [] }] },
      { events: [{ type: '', data: {} }] },
      { events: [{ id: 'nope', type: 'E', data: {} }] },
      { events: 'all of them' },
    ),
    fc.jsonValue().filter((v) => !(typeof v === 'object' && v !== null && 'events' in v)),
  )
  .map((body) => post('bad append', '/v1/spaces/team-1/streams/s', JSON.stringify(body), 400));

const request = fc.oneof(
  { arbitrary: badJson, weight: 3 },
  { arbitrary: wrongShape, weight: 3 },
  { arbitrary: mutated, weight: 6 },
  { arbitrary: versionGap, weight: 1 },
  { arbitrary: duplicateId, weight: 1 },
  { arbitrary: tooMany, weight: 1 },
  { arbitrary: tooBig, weight: 1 },
  { arbitrary: wrongType, weight: 2 },
  { arbitrary: badQuery, weight: 3 },
  { arbitrary: oddNames, weight: 3 },
  { arbitrary: auth, weight: 3 },
  { arbitrary: unknownRoutes, weight: 2 },
  { arbitrary: appendBodies, weight: 2 },
);

describe('fuzz: 10,000 random and malformed requests', () => {
  it('each gets its 4xx with a coded error body; the server lives on; the store is unchanged', async () => {
    const inner = createMemoryServerStore({ serverId: 'fuzz' });
    let pushes = 0;
    const store: ServerEventStore = {
      ...inner,
      push: (space, pushed) => {
        pushes++;
        return inner.push(space, pushed);
      },
    };
    const seed = events('seed', 3);
    await inner.push('team-1', seed);
    const before = await inner.pull('team-1', { after: 0, limit: 100 });
    // No rate limit: 10,000 requests of one token are the point here (rates: rate-limit.test.ts).
    const app = createSyncServer({
      store,
      auth: tokenAuth({ all: ['*'], narrow: ['team-1'] }),
      rateLimit: false,
    });
    const seen = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await app.request(r.path, { method: r.method, headers: r.headers, body: r.body });
        if (res.status !== r.status) await res.body?.cancel(); // an unexpected SSE stream would never end
        const text = res.status === r.status ? await res.text() : '';
        const context = `${r.kind}: ${r.method} ${r.path.slice(0, 80)} ${JSON.stringify(r.headers)} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, context).toBe(r.status);
        const body = JSON.parse(text) as { error: { code: string; message: string } };
        expect(ERROR_STATUS[body.error.code as keyof typeof ERROR_STATUS], context).toBe(r.status);
        expect(typeof body.error.message === 'string' && body.error.message.length > 0, context).toBe(true);
        seen.set(r.kind, (seen.get(r.kind) ?? 0) + 1);
      }),
      { numRuns: 10_000 },
    );

    expect(pushes).toBe(0);
    expect(await inner.pull('team-1', { after: 0, limit: 100 })).toEqual(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(seen.size).toBeGreaterThanOrEqual(25); // every generator was exercised
    const ok = await app.request(PUSH, {
      method: 'POST',
      headers: { ...GOOD, ...JSON_TYPE },
      body: JSON.stringify({ clientId: 'c', events: [validEvent('after-fuzz')] }),
    });
    expect(ok.status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
  }, 120_000);
});

/** Valid but odd requests: each must be served (2xx/3xx/4xx, never 5xx) and leave nothing behind. */
describe('fuzz: valid but odd requests', () => {
  const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'];
  const name = fc.constantFrom(...NAMES, 'team-1', 's');
  const huge = fc.constantFrom('9007199254740991', '9007199254740992', '1'.repeat(40), '9'.repeat(400), '0');

  it('prototype names for spaces and streams, HEAD and OPTIONS on every route, huge limit/after values', async () => {
    const inner = createMemoryServerStore({ serverId: 'fuzz' });
    let watching = 0;
    const store: ServerEventStore = {
      ...inner,
      watch: (space, listener) => {
        watching++;
        const stop = inner.watch(space, listener);
        return () => {
          watching--;
          stop();
        };
      },
    };
    const app = createSyncServer({ store, auth: tokenAuth({ all: ['*'] }), rateLimit: false, cors: true });
    const pushed = new Map<string, number>(); // space → events acknowledged
    const paths = (space: string, stream: string) => [
      `/v1/spaces/${space}/push`,
      `/v1/spaces/${space}/pull`,
      `/v1/spaces/${space}/subscribe`,
      `/v1/spaces/${space}/streams/${stream}`,
      '/healthz',
      '/metrics',
    ];
    const odd = fc.oneof(
      fc.tuple(name, name).map(([space, stream]) => ({ kind: 'push' as const, space, stream })),
      fc
        .tuple(name, name, fc.constantFrom('HEAD', 'OPTIONS'), fc.nat(5))
        .map(([space, stream, method, i]) => ({
          kind: 'method' as const,
          method,
          path: paths(space, stream)[i]!,
        })),
      fc.tuple(name, huge, huge, fc.boolean()).map(([space, after, limit, stream]) => ({
        kind: 'query' as const,
        path: stream
          ? `/v1/spaces/${space}/streams/${space}?from=${after.slice(0, 9)}&limit=${limit}`
          : `/v1/spaces/${space}/pull?after=${after}&limit=${limit}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(odd, async (r) => {
        if (r.kind === 'push') {
          const version =
            (await inner.readStream(r.space, r.stream, { fromVersion: 2 ** 31 - 1 })).version + 1;
          const res = await app.request(`/v1/spaces/${r.space}/push`, {
            method: 'POST',
            headers: { ...GOOD, ...JSON_TYPE },
            body: JSON.stringify({ clientId: 'c', events: [validEvent(r.stream, version)] }),
          });
          const body = (await res.json()) as { accepted: unknown[]; conflicts: unknown[] };
          expect([res.status, body.accepted.length, body.conflicts]).toEqual([200, 1, []]);
          pushed.set(r.space, (pushed.get(r.space) ?? 0) + 1);
          return;
        }
        const method = r.kind === 'method' ? r.method : 'GET';
        const res = await app.request(r.path, { method, headers: { ...GOOD, origin: 'http://x' } });
        const text = await res.text();
        expect(res.status, `${method} ${r.path} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
        if (method === 'HEAD') expect(text).toBe('');
        if (r.kind === 'query') {
          const tooBig = /after=(9007199254740992|1{40}|9{400})(&|$)|limit=0$/.test(r.path);
          expect(res.status, r.path).toBe(tooBig ? 400 : 200);
        }
      }),
      { numRuns: 1500 },
    );
    // Nothing left behind: no subscription, and every space holds exactly what was acknowledged.
    expect(watching).toBe(0);
    expect(app.metrics.sseSubscribers).toBe(0);
    for (const [space, count] of pushed) expect(await inner.head(space), space).toBe(count);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  }, 120_000);
});
