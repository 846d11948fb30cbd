import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestLink, createTestServer, type TestLink, type TestServer } from '../testing/index.js';
import { ManualTimers } from '../timers.js';
import { createSyncEngine, type SyncEngine, type SyncInternals } from './engine.js';
import type { SyncOptions, SyncStatus } from './host.js';
import type { NetworkWatch } from './network.js';
import { TestHost } from './test-host.js';

const SPACE = 'team-1';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function serve(options: Parameters<typeof createTestServer>[0] = {}): Promise<TestServer> {
  const server = await createTestServer(options);
  open.push(server);
  return server;
}

interface Setup {
  host: TestHost;
  link: TestLink;
  engine: SyncEngine;
  timers: ManualTimers;
}

function start(
  server: TestServer,
  options: Partial<SyncOptions> = {},
  internals: SyncInternals = {},
  host = new TestHost(),
): Setup {
  const link = createTestLink(server.fetch);
  const timers = new ManualTimers();
  const engine = createSyncEngine(
    host,
    { url: server.url, space: SPACE, fetch: link.fetch, live: false, ...options },
    { timers, random: () => 0.5, ...internals },
  );
  open.push(engine);
  return { host, link, engine, timers };
}

/** Resolves with the first status (now or later) that satisfies `test`. */
function until(engine: SyncEngine, test: (status: SyncStatus) => boolean): Promise<SyncStatus> {
  return new Promise((resolve) => {
    if (test(engine.getSnapshot())) return resolve(engine.getSnapshot());
    const off = engine.subscribe((status) => {
      if (!test(status)) return;
      off();
      resolve(status);
    });
  });
}

const pushes = (link: TestLink) => link.log.filter((r) => r.path.endsWith('/push'));

describe('sync engine: push and pull', () => {
  it('pushes pending commands in outbox order, then confirms them through a pull', async () => {
    const server = await serve();
    const { host, engine } = start(server);
    const a = await host.command('s-1', 2);
    const b = await host.command('s-2', 1);
    const c = await host.command('s-1', 1);
    const status = await engine.now();
    expect(status).toMatchObject({ state: 'idle', pending: 0, cursor: 4, head: 4 });
    const log = await server.events(SPACE);
    // The server orders a push stream by stream; within a stream, outbox order holds.
    const ids = (streamId: string) => log.filter((e) => e.streamId === streamId).map((e) => e.id);
    expect(ids('s-1')).toEqual([...a.eventIds, ...c.eventIds]);
    expect(ids('s-2')).toEqual(b.eventIds);
    expect(await host.store.readOutbox()).toEqual([]);
    expect(host.pages.at(-1)?.sync).toEqual({ cursor: 4, serverId: await server.store.serverId() });
  });

  it('cuts pushes at the server limits, never splitting a command', async () => {
    const server = await serve({ limits: { maxEventsPerPush: 10 } });
    const { host, engine, link } = start(server, {}, { limits: { maxEventsPerPush: 10 } });
    await engine.now();
    for (let i = 0; i < 7; i++) await host.command(`s-${i}`, 3); // 21 events: 3 + 3 + 1 commands
    await engine.now();
    expect(pushes(link).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await server.events(SPACE)).toHaveLength(21);
  });

  it('pulls in pages as large as the server allows, each stored with its cursor', async () => {
    const server = await serve({ limits: { maxPullLimit: 4, defaultPullLimit: 4 } });
    const writer = start(server);
    for (let i = 0; i < 5; i++) await writer.host.command('s-1', 2);
    await writer.engine.now();
    const reader = start(server, {}, { limits: { maxPullLimit: 4 } });
    await reader.engine.now();
    expect(reader.host.pages.map((p) => p.sync.cursor)).toEqual([4, 8, 10]);
    const pulls = reader.link.log.filter((r) => r.path.includes('/pull')).map((r) => r.path);
    expect(pulls.slice(0, 3)).toEqual([
      '/v1/spaces/team-1/pull?after=0&limit=4',
      '/v1/spaces/team-1/pull?after=4&limit=4',
      '/v1/spaces/team-1/pull?after=8&limit=4',
    ]);
  });

  it('pins the server id on first contact, even with an empty space', async () => {
    const server = await serve();
    const { host, engine } = start(server);
    await engine.now();
    expect(await host.store.getMeta('sync')).toEqual({ cursor: 0, serverId: await server.store.serverId() });
  });

  it('re-pushes after a response lost after the commit: duplicates, stored once', async () => {
    const server = await serve();
    const { host, engine, link } = start(server);
    await engine.now();
    link.failNext('drop-response');
    await host.command('s-1', 2); // the loop pushes it at once; the answer is lost
    const failed = await until(engine, (s) => s.state === 'offline');
    expect(failed).toMatchObject({ state: 'offline', pending: 1, lastError: { code: 'SYNC_UNREACHABLE' } });
    expect(await server.events(SPACE)).toHaveLength(2);
    await expect(engine.now()).resolves.toMatchObject({ state: 'idle', pending: 0, cursor: 2 });
    expect(await server.events(SPACE)).toHaveLength(2);
    expect(pushes(link).map((r) => r.outcome)).toEqual(['drop-response', 'passed']);
    expect(engine.status.lastError).toBeUndefined();
  });

  it('pushes a command made after a round that sent everything without reading the outbox back', async () => {
    const server = await serve();
    const { host, engine, link } = start(server);
    await host.command('s-1', 1);
    await engine.now(); // this round reads the outbox; then the loop knows it is empty
    const reads = vi.spyOn(host.store, 'readPending');
    await host.command('s-1', 2); // reads the stream's pending events itself, once
    await vi.waitFor(async () => expect(await server.events(SPACE)).toHaveLength(3));
    expect(reads).toHaveBeenCalledTimes(1);
    // A pull that only confirms this device's commands keeps what the loop knows.
    await expect(engine.now()).resolves.toMatchObject({ pending: 0, cursor: 3 });
    reads.mockClear();
    const last = await host.command('s-2', 1);
    await vi.waitFor(async () => expect(await server.events(SPACE)).toHaveLength(4));
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await server.events(SPACE)).at(-1)?.id).toBe(last.eventIds[0]);
    expect(pushes(link).every((r) => r.outcome === 'passed')).toBe(true);
  });

  it('now() reads the outbox again: a command another writer stored is pushed with it', async () => {
    const server = await serve();
    const { host, engine } = start(server);
    await engine.now(); // the loop knows the outbox is empty
    // Another tab's runtime on the same store (the in-page fallback): this loop is not told.
    await host.store.appendPending('s-9', [{ type: 'Added', data: {} }], {
      command: { ...(await host.command('s-1', 1)), commandId: 'other-tab', streamId: 's-9', eventIds: [] },
    });
    await expect(engine.now()).resolves.toMatchObject({ pending: 0, cursor: 2 });
    expect((await server.events(SPACE)).map((e) => e.streamId).sort()).toEqual(['s-1', 's-9']);
  });

  it('reads the outbox again after a push that failed, and sends what it held once', async () => {
    const server = await serve();
    const { host, engine, link } = start(server);
    await engine.now();
    link.failNext('drop-request');
    await host.command('s-1', 1);
    await until(engine, (s) => s.state === 'offline');
    const reads = vi.spyOn(host.store, 'readPending');
    await expect(engine.now()).resolves.toMatchObject({ state: 'idle', pending: 0, cursor: 1 });
    expect(reads).toHaveBeenCalled();
    expect(await server.events(SPACE)).toHaveLength(1);
  });

  it('rejects now() when the server cannot be reached', async () => {
    const server = await serve();
    const { engine, link } = start(server);
    await engine.now();
    link.offline();
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE' });
    link.failNext('unavailable');
    link.online();
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE', status: 503 });
    await expect(engine.now()).resolves.toMatchObject({ state: 'idle' });
  });

  it('pulls after a conflict and hands the foreign events to the host', async () => {
    const server = await serve();
    const other = start(server);
    await other.host.command('s-1', 1);
    await other.engine.now();
    const { host, engine } = start(server);
    const mine = await host.command('s-1', 1); // decided on version 0: conflicts with the other device's event
    await expect(engine.now()).resolves.toMatchObject({ pending: 0, cursor: 2 });
    expect(host.displaced.map((e) => e.commandId)).toEqual([mine.commandId]);
    // The host decided it again on version 1; now() waited for that and pushed it.
    expect((await server.events(SPACE)).map((e) => [e.id, e.version])).toEqual([
      [expect.any(String), 1],
      [mine.eventIds[0], 2],
    ]);
  });
});

describe('sync engine: refusals', () => {
  it('moves a command the server refuses with 400 to rejected and pushes the rest', async () => {
    const server = await serve();
    const { host, engine } = start(server);
    const good1 = await host.command('s-1', 1);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 70; i++) deep = { deep };
    const bad = await host.command('s-bad', 1, deep as never);
    const good2 = await host.command('s-2', 1);
    const status = await engine.now();
    expect(host.rejections).toEqual([
      {
        commandIds: [bad.commandId],
        error: expect.objectContaining({ name: 'InvalidRequestError', code: 'INVALID_REQUEST' }),
      },
    ]);
    expect((await server.events(SPACE)).map((e) => e.id)).toEqual([...good1.eventIds, ...good2.eventIds]);
    expect(status).toMatchObject({ pending: 0, rejected: 1 });
  });

  it('moves a command larger than a push to rejected with 413', async () => {
    const server = await serve({ limits: { maxEventsPerPush: 5 } });
    const { host, engine } = start(server, {}, { limits: { maxEventsPerPush: 5 } });
    const big = await host.command('s-big', 6);
    await host.command('s-1', 2);
    await engine.now();
    expect(host.rejections.map((r) => [r.commandIds, r.error.code])).toEqual([
      [[big.commandId], 'PAYLOAD_TOO_LARGE'],
    ]);
    expect(await server.events(SPACE)).toHaveLength(2);
  });

  it('stops on 401 until resumed, then asks getToken again', async () => {
    const server = await serve({ tokens: { good: ['*'] } });
    const tokens = ['bad', 'good'];
    const asked: string[] = [];
    const { host, engine, link, timers } = start(server, {
      getToken: () => {
        const token = tokens.shift() ?? 'good';
        asked.push(token);
        return token;
      },
    });
    await host.command('s-1', 1);
    await expect(engine.now()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(engine.status).toMatchObject({ state: 'error', lastError: { code: 'UNAUTHORIZED' } });
    const requests = link.log.length;
    await host.command('s-1', 1);
    timers.advance(60_000);
    await expect(engine.now()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(link.log).toHaveLength(requests); // nothing retried on its own, nothing for now()
    expect(timers.pending).toBe(0);
    engine.resume();
    await until(engine, (s) => s.pending === 0 && s.state === 'idle');
    expect(asked).toEqual(['bad', 'good']);
    expect(await server.events(SPACE)).toHaveLength(2);
  });

  it('stops on 403 with FORBIDDEN in status', async () => {
    const server = await serve({ tokens: { other: ['team-2'] } });
    const { engine } = start(server, { token: 'other' });
    await expect(engine.now()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(engine.status).toMatchObject({
      state: 'error',
      lastError: { code: 'FORBIDDEN', name: 'ForbiddenError' },
    });
  });

  it('a 401 on the live stream while a round is in flight stops that round too', async () => {
    const server = await serve();
    const link = createTestLink(server.fetch);
    // Hold the live stream's subscribe request and the next push until the test answers them.
    let answerSubscribe: ((response: Response) => void) | undefined;
    let pushSeen!: () => void;
    const pushing = new Promise<void>((resolve) => {
      pushSeen = resolve;
    });
    let releasePush!: () => void;
    const released = new Promise<void>((resolve) => {
      releasePush = resolve;
    });
    let pushDone: Promise<unknown> | undefined;
    const held: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/subscribe')) {
        return new Promise<Response>((resolve) => {
          answerSubscribe = resolve;
        });
      }
      if (url.includes('/push')) {
        pushSeen();
        pushDone = released.then(() => link.fetch(input, init));
        return pushDone as Promise<Response>;
      }
      return link.fetch(input, init);
    };
    const { host, engine } = start(server, { live: true, fetch: held });
    await engine.now(); // pins the server id; then the idle loop opens the live stream
    await vi.waitFor(() => expect(answerSubscribe).toBeDefined());
    await host.command('s-1', 1); // a round starts and its push is held
    await pushing;
    answerSubscribe?.(
      Response.json({ error: { code: 'UNAUTHORIZED', message: 'the token expired' } }, { status: 401 }),
    );
    await until(engine, (s) => s.state === 'error');
    releasePush();
    await pushDone?.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50)); // what the round would still do
    expect(engine.status).toMatchObject({ state: 'error', lastError: { code: 'UNAUTHORIZED' } });
    expect(await server.events(SPACE)).toEqual([]); // the halted round sent nothing more
    expect(engine.status.pending).toBe(1);
  });
});

describe('sync engine: retries', () => {
  it('retries 503 with backoff and full jitter, and now() skips the wait', async () => {
    const server = await serve();
    const { host, engine, link, timers } = start(server);
    await engine.now();
    link.failNext('unavailable', 3);
    const failed = () => link.log.filter((r) => r.outcome === 'unavailable').length;
    await host.command('s-1', 1);
    await until(engine, () => failed() === 1 && timers.pending === 1);
    expect(engine.status).toMatchObject({ state: 'error', lastError: { code: 'SYNC_UNREACHABLE' } });
    // Attempt 0 waits random·100 ms = 50 ms; nothing before.
    timers.advance(49);
    expect(failed()).toBe(1);
    timers.advance(1);
    await until(engine, () => failed() === 2 && timers.pending === 1);
    // Attempt 1 waits random·200 ms = 100 ms; a local change does not cut the wait short.
    await host.command('s-2', 1);
    expect(failed()).toBe(2);
    timers.advance(100);
    await until(engine, () => failed() === 3 && timers.pending === 1);
    await expect(engine.now()).resolves.toMatchObject({ pending: 0, state: 'idle' });
    expect(timers.pending).toBe(0);
  });

  it('goes offline and back with the platform signal', async () => {
    const server = await serve();
    let listener: ((online: boolean) => void) | undefined;
    let online = false;
    const network: NetworkWatch = {
      online: () => online,
      subscribe: (l) => {
        listener = l;
        return () => undefined;
      },
    };
    const { host, engine, link } = start(server, {}, { network });
    await host.command('s-1', 1);
    expect(engine.status.state).toBe('offline');
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE' });
    expect(link.log).toHaveLength(0);
    online = true;
    listener?.(true);
    await until(engine, (s) => s.pending === 0 && s.cursor === 1);
  });
});

describe('sync engine: pause, reset, close', () => {
  it('pause() keeps work stored and refuses now(); resume() syncs it', async () => {
    const server = await serve();
    const { host, engine, link } = start(server);
    engine.pause();
    await host.command('s-1', 1);
    expect(engine.status.state).toBe('paused');
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_PAUSED' });
    expect(link.log).toHaveLength(0);
    engine.resume();
    await until(engine, (s) => s.pending === 0 && s.cursor === 1);
  });

  it('stops in state reset when the server id changes; resume() starts over with it', async () => {
    const server = await serve();
    const { host, engine } = start(server);
    await host.command('s-1', 1);
    await engine.now();
    const oldId = await server.store.serverId();
    await server.reset();
    await host.command('s-2', 1);
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_RESET', expectedServerId: oldId });
    expect(engine.status.state).toBe('reset');
    await expect(engine.now()).rejects.toMatchObject({ code: 'SYNC_RESET' });
    engine.resume();
    await until(engine, (s) => s.state === 'idle' && s.pending === 0);
    expect(host.resets).toBe(1);
    expect(await host.store.getMeta('sync')).toEqual({ cursor: 1, serverId: await server.store.serverId() });
  });

  it('close() aborts what is in flight and leaves no timer and no stream behind', async () => {
    const server = await serve();
    const { host, engine, link, timers } = start(server, { live: true });
    await engine.now();
    await until(engine, (s) => s.state === 'live');
    expect(link.liveStreams).toBe(1);
    await host.command('s-1', 1);
    const held = link.hold();
    const pending = engine.now();
    await until(engine, (s) => s.state === 'pushing');
    await engine.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(engine.now()).rejects.toMatchObject({ code: 'CLOSED' });
    held.release();
    expect(timers.pending).toBe(0);
    expect(link.liveStreams).toBe(0);
  });
});

describe('sync engine: live', () => {
  it('confirms what the live stream brings, and reconnects a cut stream from the cursor', async () => {
    const server = await serve();
    const writer = start(server);
    const reader = start(server, { live: true });
    await reader.engine.now();
    await until(reader.engine, (s) => s.state === 'live');
    await writer.host.command('s-1', 2);
    await writer.engine.now();
    await until(reader.engine, (s) => s.cursor === 2);
    expect(reader.host.pages.at(-1)?.events).toHaveLength(2);
    reader.link.cutLive();
    await writer.host.command('s-1', 1);
    await writer.engine.now();
    await until(reader.engine, (s) => s.cursor === 3 && s.state === 'live');
    const subscribes = reader.link.log.filter((r) => r.path.includes('/subscribe')).map((r) => r.path);
    expect(subscribes[0]).toBe('/v1/spaces/team-1/subscribe?after=0');
    expect(subscribes.at(-1)).toMatch(/after=[23]$/);
  });

  it('opens a new stream when the open one goes silent (no heartbeat for 45 s)', async () => {
    const server = await serve();
    const reader = start(server, { live: true });
    await reader.engine.now();
    await until(reader.engine, (s) => s.state === 'live');
    const subscribes = () => reader.link.log.filter((r) => r.path.includes('/subscribe')).length;
    expect(subscribes()).toBe(1);
    expect(reader.timers.pending).toBe(1); // the watchdog
    reader.timers.advance(44_999);
    expect(subscribes()).toBe(1);
    reader.timers.advance(1);
    await until(reader.engine, () => subscribes() === 2 && reader.link.liveStreams === 1);
    await until(reader.engine, (s) => s.state === 'live');
  });
});
