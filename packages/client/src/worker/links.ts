import { proxy, wrap } from 'comlink';
import type { Tidelog } from '../runtime.js';
import type { Link } from './remote-client.js';
import { createSession, type TidelogSession } from './session.js';

/**
 * A link to a session served with comlink on a port (SharedWorker, dedicated Worker,
 * MessageChannel).
 *
 * @example
 * const link = portLink(new SharedWorker(url, { type: 'module' }).port);
 */
export function portLink(port: MessagePort): Link {
  port.start();
  return {
    // The session's methods all return promises already, so the remote has the same shape.
    session: wrap<TidelogSession>(port) as unknown as TidelogSession,
    wrapPush: (push) => proxy(push),
    close: () => port.close(),
    // Where the platform reports a closed port (Node, newer browsers), the other side is gone.
    watchLost: (onLost) => port.addEventListener('close', onLost),
  };
}

/**
 * A link to a session on a runtime in this same realm (the in-page fallback): no
 * serialization, same API. The page owns that runtime, so closing the link closes it
 * (flushing checkpoints and closing the store), as `close()` does in-process.
 *
 * @example
 * const link = localLink(createTidelog({ aggregates: [Counter], store: new MemoryEventStore() }));
 */
export function localLink(runtime: Promise<Tidelog>): Link {
  return {
    session: createSession(runtime),
    wrapPush: (push) => push,
    close: async () => (await runtime).close(),
  };
}
