import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../../app/context.js';
import { errorFromThrown, errorResponse } from '../../app/errors.js';
import { spaceAccess } from '../../app/space-access.js';
import { authFromEnv, type EdgeEnv, heartbeatFromEnv } from './env.js';

type WorkerEnv = { Bindings: EdgeEnv; Variables: AppEnv['Variables'] };

/** A Worker's module default export: what workerd calls for each request. */
export interface EdgeWorker {
  fetch(request: Request, env: EdgeEnv): Promise<Response>;
}

/**
 * The Worker in front of the spaces' Durable Objects: `/healthz` answered here; every
 * `/v1/spaces/:space/…` request authenticated here (401, 403, then 400 for a bad space
 * name, as on Node) and forwarded unchanged to the Durable Object named after its space,
 * so a request that is refused never wakes an object. Auth comes from the environment
 * (see `authFromEnv`); so does CORS: `TIDELOG_CORS_ORIGIN` (`"*"` for any origin) turns it on.
 *
 * @example
 * // the Worker's module
 * import { createEdgeWorker } from '@tidelog/server/cloudflare';
 * export { TidelogSpace } from '@tidelog/server/cloudflare';
 * export default createEdgeWorker();
 */
export function createEdgeWorker(): EdgeWorker {
  const app = new Hono<WorkerEnv>();
  // The env of one deployment does not change between requests: build its guard once.
  let guard:
    | { tokens: string | undefined; open: string | undefined; middleware: MiddlewareHandler<WorkerEnv> }
    | undefined;
  const guardFor = (env: EdgeEnv): MiddlewareHandler<WorkerEnv> => {
    if (guard && guard.tokens === env.TIDELOG_TOKENS && guard.open === env.TIDELOG_OPEN)
      return guard.middleware;
    // Check every setting here, so a mistake is a 500 that names it (logged), not a space
    // object that fails to start (which would read as a 503 to retry).
    heartbeatFromEnv(env);
    const resolved = authFromEnv(env);
    const middleware: MiddlewareHandler<WorkerEnv> =
      'refused' in resolved
        ? async (c) => errorResponse(c, 'UNAUTHORIZED', resolved.refused)
        : (spaceAccess(resolved.auth) as unknown as MiddlewareHandler<WorkerEnv>);
    guard = { tokens: env.TIDELOG_TOKENS, open: env.TIDELOG_OPEN, middleware };
    return middleware;
  };

  let corsGuard: { origin: string; middleware: MiddlewareHandler } | undefined;
  app.use('*', (c, next) => {
    const origin = c.env.TIDELOG_CORS_ORIGIN;
    if (origin === undefined || origin === '') return next();
    if (corsGuard?.origin !== origin) {
      corsGuard = { origin, middleware: cors({ origin, exposeHeaders: ['X-Request-Id'] }) };
    }
    return corsGuard.middleware(c, next);
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.use('/v1/spaces/:space/*', (c, next) => guardFor(c.env)(c, next));
  app.all('/v1/spaces/:space/*', (c) => forward(c));
  app.notFound((c) =>
    errorResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`),
  );
  app.onError((error, c) => {
    if (!(error instanceof Error && error.name === 'EdgeConfigError'))
      return errorFromThrown(c, error).response;
    console.error(`tidelog: ${error.message}`);
    return errorResponse(c, 'INTERNAL', 'the server is misconfigured (see its log)');
  });
  return { fetch: (request, env) => Promise.resolve(app.fetch(request, env)) };
}

/** Hand the request to its space's Durable Object; an object that cannot take it is a 503. */
async function forward(c: Context<WorkerEnv>): Promise<Response> {
  const spaces = c.env.SPACES;
  try {
    return await spaces.get(spaces.idFromName(c.get('space'))).fetch(c.req.raw);
  } catch (error) {
    // Overloaded, being reset or moved: the request may be retried (a push is idempotent by id).
    console.error('tidelog: a space object failed', error);
    c.header('Retry-After', '1');
    // By status, so the answer is the protocol's 503 code whatever that code is named.
    return errorFromThrown(c, new HTTPException(503, { message: 'the space is unavailable, retry shortly' }))
      .response;
  }
}
