import { DEFAULT_LIMITS, isStreamName, parseSubscribeQuery, validationErrorBody } from '@tidelog/protocol';
import { type Context, Hono } from 'hono';
import { createSyncServer, type SyncServer } from '../../app/create-sync-server.js';
import { errorResponse } from '../../app/errors.js';
import { type EdgeEnv, heartbeatFromEnv } from './env.js';
import { LiveCount } from './live-count.js';
import { liveEventStream } from './live-stream.js';
import type { DurableObjectStateLike } from './storage-types.js';
import { createDurableObjectServerStore, type DurableObjectServerStore } from './store.js';

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no', // let proxies pass each message on at once
};

/**
 * The Durable Object of one space: its log in the object's SQLite storage, served by the
 * same `createSyncServer` routes, validation, limits and error codes as the Node server.
 * Workerd runs one instance per space and delivers its requests one storage call at a
 * time, and every store call is synchronous, so pushes are serialized without a lock.
 * Requests reach it only through the Worker (`createEdgeWorker`), which has already
 * checked the token and the space: this object does not authenticate again.
 *
 * Live subscriptions are Server-Sent Events written by hand (see `liveEventStream`), not
 * Hono's `streamSSE`, so a client that goes away is released; `live` counts them, and
 * `GET /v1/spaces/:space/metrics` shows this object's counters (Prometheus text).
 *
 * @example
 * // the Worker's module (wrangler.toml: class_name = "TidelogSpace", new_sqlite_classes)
 * export { TidelogSpace } from '@tidelog/server/cloudflare';
 */
export class TidelogSpace {
  /** The space's store (the object's SQLite storage). */
  readonly store: DurableObjectServerStore;
  /** Open live subscriptions of this object. */
  readonly live = new LiveCount();
  readonly #app: SyncServer;
  readonly #router = new Hono();
  readonly #heartbeatMs: number;

  constructor(ctx: DurableObjectStateLike, env: EdgeEnv) {
    this.store = createDurableObjectServerStore(ctx.storage);
    this.#heartbeatMs = heartbeatFromEnv(env);
    // Open auth: the Worker in front answers 401 and 403 before a request gets here.
    this.#app = createSyncServer({ store: this.store, heartbeatMs: this.#heartbeatMs });
    this.#router.get('/v1/spaces/:space/subscribe', (c) => this.#subscribe(c));
    // The counters of this space's object (requests, open subscriptions), for its operators.
    this.#router.get('/v1/spaces/:space/metrics', () => this.#app.fetch(new Request('http://space/metrics')));
    this.#router.all('*', (c) => this.#app.fetch(c.req.raw));
  }

  /**
   * Serve one request of this space (the Worker forwards it unchanged).
   *
   * @example
   * const res = await env.SPACES.get(env.SPACES.idFromName('team-1')).fetch(request);
   */
  fetch(request: Request): Response | Promise<Response> {
    return this.#router.fetch(request);
  }

  #subscribe(c: Context): Response {
    const space = c.req.param('space') ?? '';
    if (!isStreamName(space)) {
      return errorResponse(c, 'INVALID_REQUEST', 'the space must be 1-200 characters of [A-Za-z0-9._:@/-]', {
        issues: [{ path: 'space', message: 'must be 1-200 characters of [A-Za-z0-9._:@/-]' }],
      });
    }
    const query = parseSubscribeQuery({
      after: c.req.query('after'),
      lastEventId: c.req.header('last-event-id'),
    });
    if (!query.ok) return c.json(validationErrorBody(query), 400);
    // A HEAD request gets the headers only: no subscription is started for a body nobody reads.
    if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS });
    const release = this.live.open();
    const { metrics } = this.#app;
    metrics.sseSubscribers++;
    const body = liveEventStream({
      store: this.store,
      space,
      after: query.value.after,
      limit: DEFAULT_LIMITS.defaultPullLimit,
      heartbeatMs: this.#heartbeatMs,
      onEnd: () => {
        metrics.sseSubscribers--;
        release();
      },
    });
    return new Response(body, { headers: SSE_HEADERS });
  }
}
