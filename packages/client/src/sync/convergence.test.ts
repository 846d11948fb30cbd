import 'fake-indexeddb/auto';
import { join } from 'node:path';
import { validatePushRequest } from '@tidelog/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDevice, createTestServer, type TestServer } from '../testing/index.js';
import { Account, type AccountRuntime, openRuntime, serverFold, syncAll, tempDir } from './sync-fixtures.js';

// Devices with their own fake-indexeddb, the real sync server in-process on a SQLite file.
const SPACE = 'bank';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function sqliteServer(options: Parameters<typeof createTestServer>[0] = {}): Promise<TestServer> {
  const dir = tempDir();
  const server = await createTestServer({ sqlite: join(dir.path, 'sync.sqlite'), ...options });
  cleanup.push(dir.remove, () => server.close());
  return server;
}

async function device(server: TestServer, extra: Partial<Parameters<typeof createTestDevice>[0]> = {}) {
  const d = createTestDevice({ server, space: SPACE, ...extra });
  const runtime = await openRuntime(d);
  cleanup.push(() => runtime.close());
  return { device: d, runtime };
}

async function expectServerState(server: TestServer, runtimes: AccountRuntime[], streamId: string) {
  const expected = serverFold(await server.events(SPACE), streamId);
  for (const runtime of runtimes) {
    const { state, version } = await runtime.load(Account, streamId);
    expect({ state, version }).toEqual(expected);
    expect(runtime.sync.status).toMatchObject({ pending: 0, cursor: (await server.events(SPACE)).length });
  }
  return expected;
}

describe('sync end to end (fake-indexeddb devices, SQLite server)', { timeout: 30_000 }, () => {
  it('offline edits on two devices to one stream converge on the server fold', async () => {
    const server = await sqliteServer();
    const a = await device(server);
    const b = await device(server);
    a.device.link.offline();
    b.device.link.offline();
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 10 });
    await a.runtime.execute(Account, 'acc-1', 'withdraw', { amount: 3 });
    await b.runtime.execute(Account, 'acc-1', 'deposit', { amount: 5 });
    await b.runtime.execute(Account, 'acc-1', 'deposit', { amount: 1 });
    a.device.link.online();
    b.device.link.online();
    await syncAll([a.runtime, b.runtime]);
    const expected = await expectServerState(server, [a.runtime, b.runtime], 'acc-1');
    expect(expected).toEqual({ state: { balance: 13, entries: 4 }, version: 4 });
  });

  it('a command whose rule no longer holds after the rebase lands in rejected', async () => {
    const server = await sqliteServer();
    const a = await device(server);
    const b = await device(server);
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 10 });
    await syncAll([a.runtime, b.runtime]);
    a.device.link.offline();
    b.device.link.offline();
    await a.runtime.execute(Account, 'acc-1', 'withdraw', { amount: 8 });
    const late = await b.runtime.execute(Account, 'acc-1', 'withdraw', { amount: 7 });
    a.device.link.online();
    await a.runtime.sync.now();
    b.device.link.online();
    await syncAll([a.runtime, b.runtime]);
    await expectServerState(server, [a.runtime, b.runtime], 'acc-1');
    const rejected = await b.runtime.rejected();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      entry: { command: 'withdraw', payload: { amount: 7 }, commandId: late.events[0]?.meta.commandId },
      error: { code: 'INSUFFICIENT_FUNDS' },
    });
    expect((await b.runtime.load(Account, 'acc-1')).state.balance).toBe(2);
  });

  it('401 stops the loop until resume(), which asks getToken again', async () => {
    const server = await sqliteServer({ tokens: { good: [SPACE] } });
    const tokens = ['stale', 'good'];
    const b = await device(server, { getToken: () => tokens.shift() ?? 'good' });
    await b.runtime.execute(Account, 'acc-1', 'deposit', { amount: 1 });
    await expect(b.runtime.sync.now()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(b.runtime.sync.status).toMatchObject({
      state: 'error',
      pending: 1,
      lastError: { code: 'UNAUTHORIZED' },
    });
    b.runtime.sync.resume();
    await expect(b.runtime.sync.now()).resolves.toMatchObject({ pending: 0, cursor: 1 });
  });

  it('a 400 for a command moves it to rejected and the queue goes on', async () => {
    // A server with a stricter validator (it checks event data): amounts over 1000 are refused.
    const server = await sqliteServer({
      pushValidator: (input, limits, source) => {
        const result = validatePushRequest(input, limits, source);
        if (!result.ok) return result;
        const i = result.value.events.findIndex((e) => Number(e.data.amount) > 1000);
        if (i < 0) return result;
        return {
          ok: false,
          code: 'INVALID_REQUEST',
          issues: [{ path: `events[${i}].data.amount`, message: 'must be at most 1000' }],
        };
      },
    });
    const a = await device(server);
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 5 });
    const big = await a.runtime.execute(Account, 'acc-2', 'deposit', { amount: 5000 });
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 6 });
    await a.runtime.sync.now();
    await a.runtime.settled();
    const rejected = await a.runtime.rejected();
    expect(rejected).toMatchObject([
      {
        entry: { commandId: big.events[0]?.meta.commandId },
        error: { code: 'INVALID_REQUEST', details: { status: 400 } },
      },
    ]);
    expect((await server.events(SPACE)).map((e) => e.data.amount)).toEqual([5, 6]);
    expect((await a.runtime.load(Account, 'acc-2')).version).toBe(0);
    expect(a.runtime.sync.status).toMatchObject({ pending: 0, rejected: 1 });
  });

  it('a server reset stops in state reset; resume() pulls afresh and pushes again', async () => {
    const server = await sqliteServer();
    const a = await device(server, { live: false });
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 10 });
    await a.runtime.sync.now();
    await server.reset();
    await expect(a.runtime.sync.now()).rejects.toMatchObject({ code: 'SYNC_RESET' });
    expect(a.runtime.sync.status.state).toBe('reset');
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 2 }); // kept, not pushed
    await expect(a.runtime.sync.now()).rejects.toMatchObject({ code: 'SYNC_RESET' });
    expect(await server.events(SPACE)).toEqual([]);
    a.runtime.sync.resume();
    await syncAll([a.runtime]);
    // The new server has only what was pending here; the old server's deposit is gone.
    const expected = await expectServerState(server, [a.runtime], 'acc-1');
    expect(expected).toEqual({ state: { balance: 2, entries: 1 }, version: 1 });
  });

  it('a push that reached a reset server before the reset was seen is not applied twice', async () => {
    const server = await sqliteServer();
    const a = await device(server, { live: false });
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 10 });
    await a.runtime.sync.now();
    await server.reset();
    a.runtime.sync.pause();
    await a.runtime.execute(Account, 'acc-2', 'deposit', { amount: 2 }); // a new stream: accepted there
    a.runtime.sync.resume();
    // The push lands on the new server; its answer carries the new id: the loop stops there.
    await expect(a.runtime.sync.now()).rejects.toMatchObject({ code: 'SYNC_RESET' });
    expect(await server.events(SPACE)).toHaveLength(1);
    a.runtime.sync.resume();
    await syncAll([a.runtime]);
    expect(await expectServerState(server, [a.runtime], 'acc-2')).toEqual({
      state: { balance: 2, entries: 1 },
      version: 1,
    });
    expect(await expectServerState(server, [a.runtime], 'acc-1')).toMatchObject({ version: 0 });
    expect(await a.runtime.rejected()).toEqual([]);
  });

  it('a restart keeps the outbox and the cursor, and the live stream brings the other device', async () => {
    const server = await sqliteServer();
    const a = await device(server);
    const b = await device(server);
    a.device.link.offline();
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 4 });
    await b.runtime.sync.now();
    await a.runtime.close();
    expect(a.device.link.liveStreams).toBe(0);
    a.device.link.online();
    const again = await openRuntime(a.device);
    cleanup.push(() => again.close());
    expect(await again.sync.now()).toMatchObject({ pending: 0, cursor: 1 });
    await b.runtime.sync.now();
    const live = new Promise<void>((resolve) => {
      const off = b.runtime.subscribe(Account, 'acc-1', ({ state }) => {
        if (state.balance !== 5) return;
        off();
        resolve();
      });
    });
    await again.execute(Account, 'acc-1', 'deposit', { amount: 1 });
    await again.sync.now();
    await live;
    await syncAll([again, b.runtime]);
    await expectServerState(server, [again, b.runtime], 'acc-1');
  });
});
