import { expose, type Remote, releaseProxy } from 'comlink';
import type { Tidelog } from '../runtime.js';
import type { SyncOptions } from '../sync/host.js';
import { registerErrorSending } from './error-transfer.js';
import { holdLifeLock } from './locks.js';
import { createSession, type Push } from './session.js';

/** What `postMessage` carries to ask a dedicated worker for a new connection. */
export const CONNECT_MESSAGE = 'tidelog:connect';

let lifeLock: Promise<string | undefined> | undefined;

/**
 * The lock this worker holds until it dies, taken once: each page waits for it and so
 * learns that its worker is gone (a `WORKER_LOST` error instead of calls that hang).
 */
const workerLifeLock = () => (lifeLock ??= holdLifeLock('tidelog:worker:'));

/**
 * Serve a session of `runtime` on one port (a SharedWorker connection, a MessageChannel
 * end). When the port closes, the session ends and its subscriptions are released.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * servePort(runtimePromise, port1);
 */
export function servePort(runtime: Promise<Tidelog>, port: MessagePort): void {
  registerErrorSending();
  const session = createSession(runtime, {
    // Close after comlink has posted the reply to `disconnect` (it does so in a microtask).
    onEnd: () => setTimeout(() => port.close(), 0),
    releasePush: (push) => (push as unknown as Remote<(m: Push) => void>)[releaseProxy](),
    lifeLock: workerLifeLock(),
  });
  // Node's MessagePort (and newer browsers) report when the other end is gone.
  port.addEventListener('close', () => void session.disconnect());
  expose(session, port);
}

interface WorkerScope {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
}

/** What the worker's runtime is created with (the same shape `connectTidelog`'s `createRuntime` gets). */
export interface RuntimeInit {
  /** Sync options to pass on to `createTidelog({ sync })`; absent when this runtime must not sync. */
  sync?: SyncOptions;
  /**
   * True for a runtime that must not sync but shares its store with one that does (an
   * in-page tab that is not the origin's syncing tab): its commands stay pending, for the
   * syncing tab to push, rather than being confirmed locally.
   */
  pending?: boolean;
}

export interface ServeOptions {
  /**
   * Sync this runtime with a server. A SharedWorker is one per origin and name, and in the
   * dedicated-Worker fallback only the leader tab runs a worker: either way the origin has
   * one sync loop, in the worker.
   */
  sync?: SyncOptions;
}

/**
 * Serve a Tidelog runtime from a worker: in a SharedWorker every tab that connects gets a
 * session; in a dedicated Worker every `tidelog:connect` message brings a port for one.
 * The runtime is created once, on first use, with `options.sync` handed to
 * `createRuntime`.
 *
 * @example
 * // worker.ts
 * serveTidelog(
 *   ({ sync }) => createTidelog({ aggregates: [Counter], store: () => openIdbEventStore({ name: 'app' }), sync }),
 *   { sync: { url: 'https://sync.example.com', space: 'team-1' } },
 * );
 */
export function serveTidelog(
  createRuntime: (init: RuntimeInit) => Tidelog | Promise<Tidelog>,
  options: ServeOptions = {},
): { runtime: Promise<Tidelog> } {
  let runtime: Promise<Tidelog> | undefined;
  const init: RuntimeInit = options.sync ? { sync: options.sync } : {};
  const lazy = {
    get runtime() {
      runtime ??= Promise.resolve().then(() => createRuntime(init));
      return runtime;
    },
  };
  // Taken before the first page connects, so no page can get it while this worker lives.
  void workerLifeLock();
  const scope = globalThis as unknown as WorkerScope;
  scope.addEventListener('connect', (event) => {
    const port = event.ports[0];
    if (port) servePort(lazy.runtime, port);
  });
  scope.addEventListener('message', (event) => {
    const port = event.ports[0];
    if (event.data === CONNECT_MESSAGE && port) servePort(lazy.runtime, port);
  });
  return lazy;
}
