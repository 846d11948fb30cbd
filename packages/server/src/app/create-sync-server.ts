import { resolveLimits, validatePushRequest } from '@tidelog/protocol';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import { type AuthFunction, openAuth } from './auth.js';
import { jsonBody } from './body.js';
import { type AppEnv, addLogFields, type RouteDeps } from './context.js';
import { errorFromThrown, errorResponse } from './errors.js';
import { Lifecycle } from './lifecycle.js';
import { silentLogger } from './logger.js';
import { SyncMetrics } from './metrics.js';
import type { SyncServerConfig, SyncServerOptions } from './options.js';
import { TokenBuckets } from './rate-limit.js';
import { pullRoute } from './routes/pull.js';
import { pushRoute } from './routes/push.js';
import { streamAppendRoute } from './routes/stream-append.js';
import { streamReadRoute } from './routes/stream-read.js';
import { subscribeRoute } from './routes/subscribe.js';
import { spaceAccess } from './space-access.js';
import { SsePages } from './sse-pages.js';

/** The Hono app of the sync server, plus what its host needs to run and stop it. */
export type SyncServer = Hono<AppEnv> & {
  /**
   * Graceful shutdown: from now on answer 503 to `/v1` requests (and `/healthz`), end
   * every SSE stream, and resolve once the requests in flight (pushes above all) are done,
   * or at the drain deadline (`drainTimeoutMs`), whichever comes first: then close the
   * connections still open. The store stays open: close it after this resolves.
   */
  close(): Promise<void>;
  /** The counters behind `/metrics`. */
  readonly metrics: SyncMetrics;
};

const ROUTES = {
  push: '/v1/spaces/:space/push',
  pull: '/v1/spaces/:space/pull',
  subscribe: '/v1/spaces/:space/subscribe',
  stream: '/v1/spaces/:space/streams/:streamId',
} as const;

/** The route pattern a request matched, for bounded metric labels. */
function routeLabel(c: Context<AppEnv>): string {
  // The last matched route that is not a `*` middleware; a plain loop, once per request.
  const routes = matchedRoutes(c as unknown as Context);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]!.path;
    if (!path.endsWith('*')) return path;
  }
  return 'unmatched';
}

/**
 * Create the sync server (docs/protocol.md) as a Hono app that only talks
 * `Request => Response`: run it on Node with `@hono/node-server`, or in any runtime Hono
 * supports. Routes: push, pull, subscribe (SSE), stream read/append under
 * `/v1/spaces/:space`, plus `/healthz` and `/metrics` (both open).
 *
 * @example
 * const app = createSyncServer({ store: createMemoryServerStore(), auth: tokenAuth({ secret: ['*'] }) });
 * const res = await app.request('/v1/spaces/team-1/pull', { headers: { authorization: 'Bearer secret' } });
 */
export function createSyncServer(options: SyncServerOptions): SyncServer {
  const config: SyncServerConfig = {
    store: options.store,
    limits: resolveLimits(options.limits),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    producerClientId: options.producerClientId ?? 'server',
    now: options.now ?? (() => new Date()),
    pushValidator: options.pushValidator ?? validatePushRequest,
  };
  for (const key of ['heartbeatMs', 'drainTimeoutMs'] as const) {
    if (!Number.isFinite(config[key]) || config[key] <= 0)
      throw new RangeError(`${key} must be a positive number`);
  }
  const auth: AuthFunction = options.auth ?? openAuth;
  const logger = options.logger ?? silentLogger;
  const metrics = new SyncMetrics();
  const lifecycle = new Lifecycle();
  let serverIdPromise: Promise<string> | undefined;
  const serverId = () => {
    serverIdPromise ??= config.store.serverId().catch((error: unknown) => {
      serverIdPromise = undefined; // do not cache a failure
      throw error;
    });
    return serverIdPromise;
  };
  const ssePages = new SsePages(config.store, {
    limit: config.limits.defaultPullLimit,
    maxBytes: config.limits.maxPageBytes,
  });
  const deps: RouteDeps = { config, metrics, lifecycle, logger, serverId, ssePages };
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    const log: Record<string, unknown> = {};
    c.set('log', log);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeLabel(c);
    const status = c.res.status;
    metrics.observeRequest(c.req.method, route, status, seconds);
    // The default logger drops every record: do not build one per request for it.
    if (logger === silentLogger) return;
    logger({
      level: status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      durationMs: Math.round(seconds * 1e6) / 1e3,
      ...log,
    });
  });
  if (options.cors) {
    app.use(
      '*',
      cors(options.cors === true ? { origin: '*', exposeHeaders: ['X-Request-Id'] } : options.cors),
    );
  }

  // Answered from memory, never a store round trip: a probe must stay fast under load.
  app.get('/healthz', (c) => {
    if (lifecycle.closing) return c.json({ ok: false, reason: 'the server is shutting down' }, 503);
    const health = config.store.health?.() ?? { ok: true };
    return health.ok ? c.json({ ok: true }) : c.json({ ok: false, reason: health.reason }, 503);
  });
  app.get('/metrics', (c) =>
    c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );

  app.use('/v1/*', async (c, next) => {
    if (lifecycle.closing) return errorResponse(c, 'UNAVAILABLE', 'the server is shutting down');
    return lifecycle.track(next());
  });
  const rates = options.rateLimit === false ? undefined : new TokenBuckets(options.rateLimit);
  app.use(
    '/v1/spaces/:space/*',
    spaceAccess(auth, rates, () => config.now().getTime()),
  );

  const body = jsonBody(config.limits.maxPushBytes);
  app.post(ROUTES.push, ...body, pushRoute(deps));
  app.get(ROUTES.pull, pullRoute(deps));
  app.get(ROUTES.subscribe, subscribeRoute(deps));
  app.get(ROUTES.stream, streamReadRoute(deps));
  app.post(ROUTES.stream, ...body, streamAppendRoute(deps));
  for (const path of [...Object.values(ROUTES), '/healthz', '/metrics']) {
    app.all(path, (c) => {
      c.header('Allow', path === ROUTES.push ? 'POST' : path === ROUTES.stream ? 'GET, POST' : 'GET');
      return errorResponse(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`);
    });
  }

  app.notFound((c) =>
    errorResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`),
  );
  app.onError((error, c) => {
    const { response, internal } = errorFromThrown(c, error);
    if (internal) logger({ level: 'error', msg: 'request failed', requestId: c.get('requestId'), error });
    addLogFields(c, { code: response.status });
    return response;
  });

  const close = async () => {
    const drained = await lifecycle.close(config.drainTimeoutMs);
    if (!drained) logger({ level: 'warn', msg: 'requests still in flight at the drain deadline' });
  };
  return Object.assign(app, { close, metrics });
}
