import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sseReader } from '../../app/sse-reader.js';
import type { TidelogSpace } from './space-object.js';
import { events, freshSpace, push, send, TOKENS } from './test-edge-client.js';

/** Run `fn` inside the Durable Object of `space`. */
function inSpace<R>(space: string, fn: (object: TidelogSpace) => R | Promise<R>): Promise<R> {
  return runInDurableObject(env.SPACES.get(env.SPACES.idFromName(space)), fn);
}

const positions = (data: string | undefined) =>
  (JSON.parse(data ?? '{}') as { events: { position: number }[] }).events.map((e) => e.position);

describe('the edge Worker: live subscriptions (SSE) from a Durable Object, in workerd', () => {
  it('streams stored events, then live ones, as `events` messages with the last position as id', async () => {
    const space = freshSpace();
    await push(space, events('a', 2));
    const res = await send('GET', `/v1/spaces/${space}/subscribe`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const sse = sseReader(res);
    const stored = await sse.nextMessage();
    expect({ event: stored?.event, id: stored?.id, positions: positions(stored?.data) }).toEqual({
      event: 'events',
      id: '2',
      positions: [1, 2],
    });
    await push(space, events('b', 1));
    const live = await sse.nextMessage();
    expect({ id: live?.id, positions: positions(live?.data) }).toEqual({ id: '3', positions: [3] });
    await sse.cancel();
  });

  it('starts after `after`, and Last-Event-ID wins over it', async () => {
    const space = freshSpace();
    await push(space, events('a', 4));
    const after = sseReader(await send('GET', `/v1/spaces/${space}/subscribe?after=2`));
    expect(positions((await after.nextMessage())?.data)).toEqual([3, 4]);
    await after.cancel();
    const resumed = sseReader(
      await send('GET', `/v1/spaces/${space}/subscribe?after=1`, { headers: { 'last-event-id': '3' } }),
    );
    expect(positions((await resumed.nextMessage())?.data)).toEqual([4]);
    await resumed.cancel();
  });

  it('sends heartbeat comments', async () => {
    const sse = sseReader(await send('GET', `/v1/spaces/${freshSpace()}/subscribe`));
    const comments: string[] = [];
    while (!comments.includes('heartbeat')) comments.push(...((await sse.next())?.comments ?? []));
    expect(comments[0]).toBe('connected');
    await sse.cancel();
  });

  it('releases a subscriber whose client goes away: the count goes back', async () => {
    const space = freshSpace();
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const sse = sseReader(await send('GET', `/v1/spaces/${space}/subscribe`));
      await sse.next(); // the `connected` comment: the subscription is open
      clients.push(sse);
    }
    expect(await inSpace(space, (object) => object.live.count)).toBe(3);
    await clients[0]!.cancel();
    await inSpace(space, (object) => object.live.reaches(2));
    await Promise.all(clients.slice(1).map((sse) => sse.cancel()));
    await inSpace(space, (object) => object.live.reaches(0));
    // Pushes after that wake nobody and still succeed.
    expect((await push(space, events('a', 1))).status).toBe(200);
    expect(await inSpace(space, (object) => object.live.count)).toBe(0);
  });

  it("shows the space object's open subscriptions at /v1/spaces/:space/metrics", async () => {
    const space = freshSpace();
    const sse = sseReader(await send('GET', `/v1/spaces/${space}/subscribe`));
    await sse.next();
    const metrics = await send('GET', `/v1/spaces/${space}/metrics`);
    expect(await metrics.text()).toMatch(/^tidelog_sse_subscribers 1$/m);
    await sse.cancel();
    await inSpace(space, (object) => object.live.reaches(0));
    expect(await (await send('GET', `/v1/spaces/${space}/metrics`)).text()).toMatch(
      /^tidelog_sse_subscribers 0$/m,
    );
    expect((await send('GET', `/v1/spaces/${space}/metrics`, { token: null })).status).toBe(401);
  });

  it('starts no subscription for a HEAD request', async () => {
    const space = freshSpace();
    const res = await send('HEAD', `/v1/spaces/${space}/subscribe`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await inSpace(space, (object) => object.live.count)).toBe(0);
  });

  it('answers 401, 403 and 400 as JSON before streaming', async () => {
    const space = freshSpace();
    expect((await send('GET', `/v1/spaces/${space}/subscribe`, { token: null })).status).toBe(401);
    expect((await send('GET', '/v1/spaces/space-b/subscribe', { token: TOKENS.a })).status).toBe(403);
    const bad = await send('GET', `/v1/spaces/${space}/subscribe?after=x`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });
});
