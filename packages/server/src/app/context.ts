import type { Context } from 'hono';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';
import type { SyncServerConfig } from './options.js';
import type { SsePages } from './sse-pages.js';

/** Hono variables set by the middleware for the routes. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The checked, authorized space of a `/v1/spaces/:space/…` request. */
    space: string;
    /** Extra fields for this request's log line (event counts, error codes). */
    log: Record<string, unknown>;
    /** A streamed request body (no Content-Length), read and counted by `jsonBody`. */
    body: Uint8Array;
  };
}

/** What the routes share: resolved options, counters, shutdown state, the serverId. */
export interface RouteDeps {
  config: SyncServerConfig;
  metrics: SyncMetrics;
  lifecycle: Lifecycle;
  logger: Logger;
  /** The store's serverId, read once. */
  serverId: () => Promise<string>;
  /** SSE messages, built once per space and cursor and shared by its subscribers. */
  ssePages: SsePages;
}

/**
 * Add fields to this request's log line (mutating one record per request, no copies).
 *
 * @example
 * addLogFields(c, { space });
 */
export function addLogFields(c: Context<AppEnv>, fields: Record<string, unknown>): void {
  const log = c.get('log');
  if (log) Object.assign(log, fields);
  else c.set('log', { ...fields });
}
