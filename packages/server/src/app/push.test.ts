import { validatePushRequest } from '@tidelog/protocol';
import { describe, expect, it } from 'vitest';
import { tokenAuth } from './auth.js';
import { event, events, harness } from './test-support.js';

describe('POST /v1/spaces/:space/push', () => {
  it('accepts stream groups, assigns positions and answers with serverId and head', async () => {
    const h = harness();
    const res = await h.push('team-1', [...events('cart-1', 2), ...events('cart-2', 1)]);
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: {
        accepted: [
          { streamId: 'cart-1', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 },
          { streamId: 'cart-2', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 },
        ],
        duplicates: [],
        conflicts: [],
        head: 3,
        serverId: 'server-1',
      },
    });
    expect((await h.store.pull('team-1', { after: 0, limit: 10 })).events.map((e) => e.position)).toEqual([
      1, 2, 3,
    ]);
  });

  it('reports a conflict for a group not starting at the current version + 1, other streams independent', async () => {
    const h = harness();
    await h.push('team-1', events('cart-1', 2));
    const res = await h.push('team-1', [...events('cart-1', 1, 2), ...events('cart-2', 1)]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accepted: [{ streamId: 'cart-2', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 }],
      conflicts: [{ streamId: 'cart-1', expectedVersion: 1, actualVersion: 2 }],
      head: 3,
    });
  });

  it('acknowledges a re-push after a lost response as duplicates, storing nothing twice', async () => {
    const h = harness();
    const pushed = events('cart-1', 2);
    await h.push('team-1', pushed);
    const res = await h.push('team-1', [...pushed, event('cart-1', 3)]);
    expect(res.body).toMatchObject({
      accepted: [{ streamId: 'cart-1', fromVersion: 3, toVersion: 3, fromPosition: 3, toPosition: 3 }],
      duplicates: [
        { id: pushed[0]!.id, position: 1 },
        { id: pushed[1]!.id, position: 2 },
      ],
      conflicts: [],
      head: 3,
    });
    expect(await h.store.head('team-1')).toBe(3);
  });

  it('reports an id already stored at another stream or version as a conflict with that id', async () => {
    const h = harness();
    const [first] = events('cart-1', 1);
    await h.push('team-1', [first!]);
    const res = await h.push('team-1', [{ ...first!, streamId: 'cart-9' }]);
    expect(res.body).toMatchObject({ accepted: [], conflicts: [{ streamId: 'cart-9', id: first!.id }] });
  });

  it('answers an empty push with the head', async () => {
    const h = harness();
    await h.push('team-1', events('cart-1', 4));
    const res = await h.push('team-1', []);
    expect(res.body).toEqual({ accepted: [], duplicates: [], conflicts: [], head: 4, serverId: 'server-1' });
  });

  it('keeps spaces apart', async () => {
    const h = harness();
    await h.push('team-1', events('cart-1', 2));
    const res = await h.push('team-2', events('cart-1', 1));
    expect(res.body).toMatchObject({ accepted: [{ fromPosition: 1 }], head: 1 });
  });

  describe('rejections change nothing', () => {
    const cases: [string, (h: ReturnType<typeof harness>) => Promise<Response>, number, string][] = [
      [
        'malformed JSON',
        (h) => h.send('POST', '/v1/spaces/team-1/push', { body: '{"clientId": "c", "events": [' }),
        400,
        'INVALID_REQUEST',
      ],
      ['a JSON array', (h) => h.send('POST', '/v1/spaces/team-1/push', { body: [] }), 400, 'INVALID_REQUEST'],
      [
        'one bad event among good ones',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', {
            body: { clientId: 'c', events: [...events('a', 3), event('b', 1, { type: '' })] },
          }),
        400,
        'INVALID_REQUEST',
      ],
      [
        'versions with a gap',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', {
            body: { clientId: 'c', events: [event('a', 1), event('a', 3)] },
          }),
        400,
        'INVALID_REQUEST',
      ],
      [
        'a duplicate id',
        (h) => {
          const [a1, a2] = events('a', 2);
          return h.send('POST', '/v1/spaces/team-1/push', {
            body: { clientId: 'c', events: [a1, { ...a2!, id: a1!.id }] },
          });
        },
        400,
        'INVALID_REQUEST',
      ],
      [
        'more than 1,000 events',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', { body: { clientId: 'c', events: events('a', 1001) } }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'more than 1 MiB',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', {
            body: { clientId: 'c', events: [event('a', 1, { data: { big: 'x'.repeat(1024 * 1024) } })] },
          }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'a text/plain body',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', {
            body: JSON.stringify({ clientId: 'c', events: events('a', 1) }),
            headers: { 'content-type': 'text/plain' },
          }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'no content type',
        (h) =>
          Promise.resolve(
            h.app.request('/v1/spaces/team-1/push', {
              method: 'POST',
              body: new Blob([JSON.stringify({ clientId: 'c', events: [] })]),
            }),
          ),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a latin1 charset',
        (h) =>
          h.send('POST', '/v1/spaces/team-1/push', {
            body: { clientId: 'c', events: [] },
            headers: { 'content-type': 'application/json; charset=latin1' },
          }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a bad space name',
        (h) => h.send('POST', '/v1/spaces/a%20b/push', { body: { clientId: 'c', events: events('a', 1) } }),
        400,
        'INVALID_REQUEST',
      ],
    ];
    it.each(cases)('%s', async (_, request, status, code) => {
      const h = harness();
      await h.push('team-1', events('seed', 2));
      const res = await request(h);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      expect(await h.store.head('team-1')).toBe(2);
      expect((await h.store.pull('team-1', { after: 0, limit: 10 })).events.map((e) => e.streamId)).toEqual([
        'seed',
        'seed',
      ]);
    });
  });

  it('lists every validation issue with its path', async () => {
    const h = harness();
    const res = await h.json('POST', '/v1/spaces/team-1/push', {
      body: {
        clientId: 'c',
        events: [event('a', 1), event('a', 2, { meta: { timestamp: 'now', clientId: 'c' } })],
      },
    });
    expect(res).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringContaining('events[1].meta.timestamp'),
          details: { issues: [{ path: 'events[1].meta.timestamp', message: expect.any(String) }] },
        },
      },
    });
  });

  it('accepts application/*+json and a utf-8 charset', async () => {
    const h = harness();
    const body = { clientId: 'c', events: events('a', 1) };
    const a = await h.send('POST', '/v1/spaces/t/push', {
      body,
      headers: { 'content-type': 'application/vnd.tidelog+json' },
    });
    const b = await h.send('POST', '/v1/spaces/t/push', {
      body: { clientId: 'c', events: events('b', 1) },
      headers: { 'content-type': 'Application/JSON; Charset=UTF-8' },
    });
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it('checks in the order 401, 403, then 400/413/415', async () => {
    const h = harness({ auth: tokenAuth({ t1: ['team-1'] }) });
    const tooBig = JSON.stringify({ clientId: 'c', events: events('a', 1001) });
    const send = (space: string, headers: Record<string, string>, body = tooBig) =>
      h.send('POST', `/v1/spaces/${space}/push`, { body, headers });
    // No token: 401 even with a bad content type, a bad space and a body too large.
    expect((await send('bad%20space', { 'content-type': 'text/plain' })).status).toBe(401);
    expect((await send('team-1', { authorization: 'Bearer nope' })).status).toBe(401);
    // Token without the space: 403 before any body check, even for a malformed space name.
    expect((await send('team-2', { authorization: 'Bearer t1', 'content-type': 'text/plain' })).status).toBe(
      403,
    );
    expect((await send('bad%20space', { authorization: 'Bearer t1' })).status).toBe(403);
    // Granted: now the body checks.
    expect((await send('team-1', { authorization: 'Bearer t1', 'content-type': 'text/plain' })).status).toBe(
      415,
    );
    expect((await send('team-1', { authorization: 'Bearer t1' })).status).toBe(413);
    expect((await send('team-1', { authorization: 'Bearer t1' }, '{')).status).toBe(400);
    expect(await h.store.head('team-1')).toBe(0);
  });

  it('honours configured limits', async () => {
    const h = harness({ limits: { maxEventsPerPush: 2, maxPushBytes: 4096 } });
    expect((await h.push('t', events('a', 3))).status).toBe(413);
    expect((await h.push('t', [event('a', 1, { data: { s: 'x'.repeat(5000) } })])).status).toBe(413);
    expect((await h.push('t', events('a', 2))).status).toBe(200);
  });

  it('refuses a streamed body over the byte limit without a Content-Length', async () => {
    const h = harness({ limits: { maxPushBytes: 1000 } });
    const chunk = new TextEncoder().encode('x'.repeat(600));
    const res = await pushStreamed(h, [chunk, chunk]);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('reads a streamed body within the limit, chunk by chunk, and stores it', async () => {
    const h = harness({ limits: { maxPushBytes: 4096 } });
    const text = JSON.stringify({ clientId: 'device-1', events: events('a', 2) });
    const bytes = new TextEncoder().encode(text);
    // Split inside a multi-byte-free JSON text at odd places.
    const res = await pushStreamed(h, [bytes.subarray(0, 7), bytes.subarray(7, 300), bytes.subarray(300)]);
    expect(res.status).toBe(200);
    expect(await h.store.head('t')).toBe(2);
  });

  it('refuses by Content-Length alone, before reading the body', async () => {
    const h = harness({ limits: { maxPushBytes: 1000 } });
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.close();
        },
      },
      { highWaterMark: 0 }, // pull only when read
    );
    const res = await h.app.request('/v1/spaces/t/push', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-length': '1001' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBe(false);
  });

  it('gives the push validator the exact text the body was parsed from', async () => {
    const seen: unknown[] = [];
    const h = harness({
      pushValidator: (input, limits, source) => {
        seen.push(source?.json);
        return validatePushRequest(input, limits, source);
      },
    });
    const text = JSON.stringify({ clientId: 'device-1', events: events('a', 1) });
    const res = await h.send('POST', '/v1/spaces/t/push', { body: text });
    expect(res.status).toBe(200);
    expect(seen).toEqual([text]);
  });

  it('refuses a name with an escaped control character or a raw DEL', async () => {
    const h = harness();
    for (const type of ['Item\nAdded', 'Item\u007fAdded']) {
      const res = await h.json('POST', '/v1/spaces/t/push', {
        body: JSON.stringify({ clientId: 'device-1', events: [event('a', 1, { type })] }),
      });
      expect(res.status).toBe(400);
    }
    expect(await h.store.head('t')).toBe(0);
  });
});

/** Push a body sent as a stream of these chunks (no Content-Length). */
function pushStreamed(h: ReturnType<typeof harness>, chunks: Uint8Array[]): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return Promise.resolve(
    h.app.request('/v1/spaces/t/push', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit),
  );
}
