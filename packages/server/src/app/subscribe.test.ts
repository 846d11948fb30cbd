import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import { tokenAuth } from './auth.js';
import { events, harness, nextMessage, sseReader, watchSpy } from './test-support.js';

type Data = { events: { position: number; streamId: string; version: number }[] };
const data = (block: { data?: string } | undefined) => JSON.parse(block?.data ?? 'null') as Data;

describe('GET /v1/spaces/:space/subscribe', () => {
  it('streams stored events, then live ones, as `events` messages with the last position as id', async () => {
    const h = harness();
    await h.push('t', events('a', 2));
    const res = await h.send('GET', '/v1/spaces/t/subscribe');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const sse = sseReader(res);
    const first = await nextMessage(sse);
    expect(first).toMatchObject({ event: 'events', id: '2' });
    expect(data(first).events.map((e) => e.position)).toEqual([1, 2]);
    await h.push('t', events('b', 1));
    const live = await nextMessage(sse);
    expect(live).toMatchObject({ event: 'events', id: '3' });
    expect(data(live).events).toMatchObject([{ position: 3, streamId: 'b', version: 1 }]);
    await sse.cancel();
  });

  it('starts after `after`, and Last-Event-ID wins over it', async () => {
    const h = harness();
    await h.push('t', events('a', 5));
    const fromAfter = sseReader(await h.send('GET', '/v1/spaces/t/subscribe?after=3'));
    expect(data(await nextMessage(fromAfter)).events.map((e) => e.position)).toEqual([4, 5]);
    await fromAfter.cancel();
    const resumed = sseReader(
      await h.send('GET', '/v1/spaces/t/subscribe?after=1', { headers: { 'last-event-id': '4' } }),
    );
    const message = await nextMessage(resumed);
    expect(message?.id).toBe('5');
    expect(data(message).events.map((e) => e.position)).toEqual([5]);
    await resumed.cancel();
  });

  it('splits a large backlog into messages of at most the default pull limit', async () => {
    const h = harness({ limits: { defaultPullLimit: 2 } });
    await h.push('t', events('a', 5));
    const sse = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await nextMessage(sse))?.id);
    expect(ids).toEqual(['2', '4', '5']);
    await sse.cancel();
  });

  it('sends heartbeat comments at the configured interval', async () => {
    const h = harness({ heartbeatMs: 20 });
    const sse = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    expect((await sse.next())?.comments).toEqual(['connected']);
    expect((await sse.next())?.comments).toEqual(['heartbeat']);
    expect((await sse.next())?.comments).toEqual(['heartbeat']);
    await sse.cancel();
  });

  it('stops watching and counts the subscriber out when the client disconnects', async () => {
    const spy = watchSpy(createMemoryServerStore({ serverId: 's' }));
    const h = harness({ store: spy.store });
    const sse = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    await spy.started(1);
    expect(h.app.metrics.sseSubscribers).toBe(1);
    await sse.cancel();
    await spy.ended(1);
    expect(h.app.metrics.sseSubscribers).toBe(0);
    expect(spy.active).toBe(0);
  });

  it('ends every stream on close()', async () => {
    const spy = watchSpy(createMemoryServerStore({ serverId: 's' }));
    const h = harness({ store: spy.store });
    const a = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    const b = sseReader(await h.send('GET', '/v1/spaces/u/subscribe'));
    await spy.started(2);
    await h.app.close();
    expect(spy.active).toBe(0);
    expect(h.app.metrics.sseSubscribers).toBe(0);
    // Both bodies end (after the comment that was already sent).
    for (const sse of [a, b]) {
      let block = await sse.next();
      while (block !== undefined) block = await sse.next();
      expect(block).toBeUndefined();
    }
  });

  it('does not mix spaces', async () => {
    const h = harness();
    const sse = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    await h.push('other', events('x', 1));
    await h.push('t', events('a', 1));
    expect(data(await nextMessage(sse)).events).toMatchObject([{ streamId: 'a', position: 1 }]);
    await sse.cancel();
  });

  it.each([
    ['after=-1', {}, 'after'],
    ['after=x', {}, 'after'],
    ['', { 'last-event-id': 'abc' }, 'Last-Event-ID'],
  ])('answers 400 before streaming for ?%s %j', async (query, headers, path) => {
    const h = harness();
    const res = await h.json<{ error: { code: string; details: { issues: { path: string }[] } } }>(
      'GET',
      `/v1/spaces/t/subscribe?${query}`,
      { headers },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]!.path).toBe(path);
  });

  it('answers 401 and 403 as JSON before streaming; accepts access_token for EventSource', async () => {
    const h = harness({ auth: tokenAuth({ secret: ['t'] }) });
    expect((await h.json('GET', '/v1/spaces/t/subscribe')).status).toBe(401);
    expect((await h.json('GET', '/v1/spaces/u/subscribe?access_token=secret')).status).toBe(403);
    const res = await h.send('GET', '/v1/spaces/t/subscribe?access_token=secret');
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});

describe('subscribe on a closed store', () => {
  it('answers 503 UNAVAILABLE instead of opening an empty stream', async () => {
    const store = createMemoryServerStore({ serverId: 's' });
    await store.close();
    const res = await harness({ store }).json<{ error: { code: string } }>('GET', '/v1/spaces/t/subscribe');
    expect([res.status, res.body.error.code]).toEqual([503, 'UNAVAILABLE']);
  });
});
