import { expose, type Remote, releaseProxy } from 'comlink';
import type { Tidelog } from '../runtime.js';
import { registerErrorTransfer } from './error-transfer.js';
import { createSession, type Push } from './session.js';

/** What `postMessage` carries to ask a dedicated worker for a new connection. */
export const CONNECT_MESSAGE = 'tidelog:connect';

/**
 * Serve a session of `runtime` on one port (a SharedWorker connection, a MessageChannel
 * end). When the port closes, the session ends and its subscriptions are released.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * servePort(runtimePromise, port1);
 */
export function servePort(runtime: Promise<Tidelog>, port: MessagePort): void {
  registerErrorTransfer();
  const session = createSession(runtime, {
    // Close after comlink has posted the reply to `disconnect` (it does so in a microtask).
    onEnd: () => setTimeout(() => port.close(), 0),
    releasePush: (push) => (push as unknown as Remote<(m: Push) => void>)[releaseProxy](),
  });
  // Node's MessagePort (and newer browsers) report when the other end is gone.
  port.addEventListener('close', () => void session.disconnect());
  expose(session, port);
}

interface WorkerScope {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
}

/**
 * Serve a Tidelog runtime from a worker: in a SharedWorker every tab that connects gets a
 * session; in a dedicated Worker every `tidelog:connect` message brings a port for one.
 * The runtime is created once, on first use.
 *
 * @example
 * // worker.ts
 * serveTidelog(() => createTidelog({ aggregates: [Counter], store: () => openIdbEventStore({ name: 'app' }) }));
 */
export function serveTidelog(createRuntime: () => Tidelog | Promise<Tidelog>): { runtime: Promise<Tidelog> } {
  let runtime: Promise<Tidelog> | undefined;
  const lazy = {
    get runtime() {
      runtime ??= Promise.resolve().then(createRuntime);
      return runtime;
    },
  };
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
