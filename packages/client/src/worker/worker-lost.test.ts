import { ClosedError, MemoryEventStore } from '@tidelog/core';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerLostError } from '../errors.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import type { SyncStatus } from '../sync/host.js';
import { Counter } from '../test-fixtures.js';
import { registerErrorTransfer } from './error-transfer.js';
import { portLink } from './links.js';
import { TidelogClient } from './remote-client.js';
import { servePort } from './serve.js';
import { installFakeSync } from './test-fake-sync.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * A runtime served on a MessagePort as a worker serves it, whose `load` waits on a barrier
 * that is never opened: a call the worker will never answer once it is gone.
 */
async function served() {
  const runtime = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
  installFakeSync(runtime as Tidelog);
  let loadStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    loadStarted = resolve;
  });
  Object.assign(runtime, {
    load: () => {
      loadStarted();
      return new Promise(() => undefined);
    },
  });
  const { port1: workerPort, port2: pagePort } = new MessageChannel();
  cleanups.push(
    () => workerPort.close(),
    () => pagePort.close(),
  );
  servePort(Promise.resolve(runtime as Tidelog), workerPort);
  const client = new TidelogClient<typeof Counter>(portLink(pagePort), 'shared-worker');
  await client.ready;
  return { client, workerPort, loadStarted: started };
}

/** The worker dies: its end of the channel goes away, as its ports do when it is closed or crashes. */
function killWorker(workerPort: MessagePort) {
  workerPort.close();
}

const codeOf = (e: unknown) => (e as { code?: string }).code;

describe('a page whose worker dies', () => {
  registerErrorTransfer();

  it('fails the call in flight with WORKER_LOST instead of hanging', async () => {
    const { client, workerPort, loadStarted } = await served();
    const pending = client.load(Counter, 'c-1').catch((e: unknown) => e);
    await loadStarted;
    killWorker(workerPort);
    const error = await pending;
    expect(codeOf(error)).toBe('WORKER_LOST');
    expect(error).toBeInstanceOf(WorkerLostError);
    expect(error).toMatchObject({ name: 'WorkerLostError' });
  });

  it('fails every later call at once, and subscribing throws', async () => {
    const { client, workerPort } = await served();
    const lost = new Promise<WorkerLostError>((resolve) => client.onLost(resolve));
    killWorker(workerPort);
    expect((await lost).code).toBe('WORKER_LOST');
    const calls = [
      client.execute(Counter, 'c-1', 'increment', { by: 1 }),
      client.load(Counter, 'c-1'),
      client.deadLetters(),
      client.rejected(),
      client.retryRejected('x'),
      client.discardRejected(),
      client.sync.now(),
      client.settled(),
      client.liveListeners(),
    ];
    for (const call of calls) expect(codeOf(await call.catch((e: unknown) => e))).toBe('WORKER_LOST');
    expect(() => client.subscribe(Counter, 'c-1', () => undefined)).toThrow(WorkerLostError);
    expect(() => client.sync.pause()).toThrow(WorkerLostError);
  });

  it('tells sync status subscribers: state error with the WORKER_LOST error', async () => {
    const { client, workerPort } = await served();
    const statuses: SyncStatus[] = [];
    const errored = new Promise<void>((resolve) =>
      client.sync.subscribe((status) => {
        statuses.push(status);
        if (status.state === 'error') resolve();
      }),
    );
    killWorker(workerPort);
    await errored;
    expect(client.sync.getSnapshot()).toMatchObject({
      state: 'error',
      lastError: { name: 'WorkerLostError', code: 'WORKER_LOST' },
    });
    expect(statuses.at(-1)).toBe(client.sync.getSnapshot());
  });

  it('closes cleanly, and is closed after', async () => {
    const { client, workerPort } = await served();
    const lost = new Promise<unknown>((resolve) => client.onLost(resolve));
    killWorker(workerPort);
    await lost;
    await client.close();
    await expect(client.load(Counter, 'c-1')).rejects.toBeInstanceOf(ClosedError);
    await expect(client.settled()).resolves.toBeUndefined();
  });

  it('does not count its own close as a lost worker', async () => {
    const { client } = await served();
    let told = 0;
    client.onLost(() => told++);
    await client.close();
    await expect(client.load(Counter, 'c-1')).rejects.toBeInstanceOf(ClosedError);
    expect(told).toBe(0);
  });
});
