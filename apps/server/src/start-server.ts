import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  createSyncServer,
  jsonLogger,
  type Logger,
  type ServerEventStore,
  type SyncServer,
  tokenAuth,
} from '@tidelog/server';
import type { ServerConfig } from './config.js';
import { mountDemo } from './demo-site.js';

/** A running server: its address, its parts, and a graceful stop. */
export interface RunningServer {
  url: string;
  port: number;
  app: SyncServer;
  store: ServerEventStore;
  /**
   * Stop accepting connections, answer 503 on kept-alive ones, end SSE streams, wait for
   * requests in flight (pushes), then close the store. Idempotent.
   */
  close(): Promise<void>;
}

/** How long `close()` lets open connections drain before cutting them. */
const DRAIN_MS = 10_000;

/**
 * Serve the sync API (and the demo app) on Node with `@hono/node-server`.
 *
 * @example
 * const server = await startServer(config, { store, log: jsonLogger() });
 * console.log(server.url); // http://127.0.0.1:8787
 * await server.close();
 */
export async function startServer(
  config: Pick<ServerConfig, 'port' | 'host' | 'tokens' | 'corsOrigin' | 'demoDir' | 'heartbeatMs'>,
  { store, log = jsonLogger() }: { store: ServerEventStore; log?: Logger },
): Promise<RunningServer> {
  const app = createSyncServer({
    store,
    logger: log,
    heartbeatMs: config.heartbeatMs,
    drainTimeoutMs: DRAIN_MS,
    ...(config.tokens ? { auth: tokenAuth(config.tokens) } : {}),
    ...(config.corsOrigin ? { cors: { origin: config.corsOrigin, exposeHeaders: ['X-Request-Id'] } } : {}),
  });
  const site = mountDemo(app, config.demoDir);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log({ level: 'info', msg: 'listening', url, demo: site === 'demo' ? config.demoDir : 'not built' });
  if (!config.tokens) {
    log({
      level: 'warn',
      msg: 'TIDELOG_TOKENS is not set: the server runs OPEN, every client may read and write every space',
    });
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const started = performance.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // 503 from now on, SSE streams ended, in-flight pushes done (or the drain time spent:
      // a client stalled mid-body must not hold the shutdown up).
      await app.close();
      if ('closeIdleConnections' in server) server.closeIdleConnections(); // SSE sockets now idle
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) => {
          // One drain time in all, shared with app.close().
          timer = setTimeout(() => resolve(false), Math.max(0, DRAIN_MS - (performance.now() - started)));
        }),
      ]);
      clearTimeout(timer);
      if (!drained) {
        log({ level: 'warn', msg: 'connections still open after the drain time: closing them' });
        if ('closeAllConnections' in server) server.closeAllConnections();
        await closed;
      }
      await store.close();
    })();
    return closing;
  };
  return { url, port, app, store, close };
}
