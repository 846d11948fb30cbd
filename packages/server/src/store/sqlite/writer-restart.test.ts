import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSyncServer } from '../../app/create-sync-server.js';
import { pullAll, pushed } from '../conformance/index.js';
import { createSqliteServerStore } from './store.js';

// Every writer thread the store starts, so a test can kill one as a crash would.
const workers = vi.hoisted(() => [] as Worker[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class RecordedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      workers.push(this);
    }
  }
  return { ...original, Worker: RecordedWorker };
});

const dir = mkdtempSync(join(tmpdir(), 'tidelog-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Kill the store's current writer thread and wait until it has exited. */
async function kill(): Promise<void> {
  const worker = workers.at(-1)!;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await worker.terminate();
  await exited;
}

// Each writer thread starts through tsx from source: several starts take seconds on a busy machine.
describe('sqlite store: the writer thread dies', { timeout: 60_000 }, () => {
  it('restarts it; /healthz says 503 with a reason until it is back, and no push is lost or doubled', async () => {
    const filename = join(dir, 'restart.sqlite');
    const store = createSqliteServerStore({ filename });
    const app = createSyncServer({ store });
    const first = pushed('a', 1);
    await store.push('t', [first]);
    expect((await app.request('/healthz')).status).toBe(200);
    const before = workers.length;

    await kill();
    const down = await app.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false, reason: expect.stringMatching(/writer thread/) });
    expect(workers.length).toBe(before + 1); // a new thread is starting

    // Pushes go to the new thread; a re-push of what was stored is a duplicate.
    const second = pushed('a', 2);
    expect((await store.push('t', [first, second])).duplicates).toEqual([{ id: first.id, position: 1 }]);
    expect(await (await app.request('/healthz')).json()).toEqual({ ok: true });

    // Again: a second death is survived just the same.
    await kill();
    await store.push('t', [pushed('a', 3)]);
    expect((await pullAll(store, 't')).map((e) => e.position)).toEqual([1, 2, 3]);
    expect((await app.request('/healthz')).status).toBe(200);
    await app.close();
    await store.close();
  });

  it('fails the pushes the dead thread held with UNAVAILABLE, which a re-push settles', async () => {
    const filename = join(dir, 'inflight.sqlite');
    const store = createSqliteServerStore({ filename });
    await store.push('t', [pushed('warm', 1)]);
    const events = Array.from({ length: 20 }, (_, i) => pushed(`s${i}`, 1));
    const pushes = events.map((e) =>
      store.push('t', [e]).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      ),
    );
    await kill();
    const outcomes = await Promise.all(pushes);
    expect(outcomes.every((o) => o === 'ok' || o === 'UNAVAILABLE')).toBe(true);
    // Whatever the dead thread committed, pushing everything again stores each event once.
    const again = await store.push('t', events);
    expect(again.conflicts).toEqual([]);
    const all = await pullAll(store, 't');
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    await store.close();
  });

  it('gives up after threads keep dying before they are ready: pushes get UNAVAILABLE and /healthz says why', async () => {
    const filename = join(dir, 'doomed.sqlite');
    const store = createSqliteServerStore({ filename });
    const app = createSyncServer({ store });
    await store.push('t', [pushed('a', 1)]);
    // The file is gone and a directory stands in its place: no new thread can open it.
    rmSync(filename);
    rmSync(`${filename}-wal`, { force: true });
    rmSync(`${filename}-shm`, { force: true });
    mkdirSync(filename);
    await kill();
    // Each push goes to the thread of the moment; once it has given up, all fail at once.
    for (;;) {
      const outcome = await store
        .push('t', [pushed('b', 1)])
        .catch((error: Error & { code?: string }) => error);
      expect(outcome).toMatchObject({ code: 'UNAVAILABLE' });
      if ((outcome as Error).message.includes('gave up')) break;
    }
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/gave up/);
    const push = await app.request('/v1/spaces/t/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'c', events: [pushed('c', 1)] }),
    });
    expect(push.status).toBe(503);
    expect(push.headers.get('retry-after')).toBe('1');
    await app.close();
    await store.close();
  });
});
