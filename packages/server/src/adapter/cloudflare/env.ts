import { type AuthFunction, openAuth, tokenAuth } from '../../app/auth.js';
import type { DurableObjectNamespaceLike } from './storage-types.js';

/**
 * The bindings the edge Worker and its Durable Object read (`wrangler.toml` and secrets).
 * Set `TIDELOG_TOKENS` with `wrangler secret put TIDELOG_TOKENS`.
 */
export interface EdgeEnv {
  /** The Durable Object namespace of `TidelogSpace`: one object per space. */
  SPACES: DurableObjectNamespaceLike;
  /** JSON from bearer token to the spaces it may use (`"*"` = all), as the Node server reads it. */
  TIDELOG_TOKENS?: string;
  /** `"true"` lets the server run with no tokens, open to anyone (local development only). */
  TIDELOG_OPEN?: string;
  /** Allowed CORS origin (`"*"` for any); CORS is off without it. */
  TIDELOG_CORS_ORIGIN?: string;
  /** Milliseconds between SSE heartbeats (default 15000). */
  TIDELOG_HEARTBEAT_MS?: string;
}

/** A configuration mistake in the Worker's bindings; the message names the binding. */
export class EdgeConfigError extends Error {
  override readonly name = 'EdgeConfigError';
  readonly code = 'EDGE_CONFIG' as const;
}

/** How requests are authorized: a function, or a reason no request can be. */
export type EdgeAuth = { auth: AuthFunction } | { refused: string };

/**
 * Auth from the environment: `TIDELOG_TOKENS` when set; else open when `TIDELOG_OPEN` is
 * `"true"`; else every request is refused. A Worker is public the moment it is deployed,
 * so unlike the Node server (which runs open on a machine of its own) it does not open up
 * because a secret was forgotten. A malformed `TIDELOG_TOKENS` throws `EdgeConfigError`.
 *
 * @example
 * authFromEnv({ TIDELOG_TOKENS: '{"secret":["team-1"]}' }); // { auth: … }
 */
export function authFromEnv(env: Pick<EdgeEnv, 'TIDELOG_TOKENS' | 'TIDELOG_OPEN'>): EdgeAuth {
  const text = env.TIDELOG_TOKENS;
  if (text === undefined || text.trim() === '') {
    return env.TIDELOG_OPEN === 'true'
      ? { auth: openAuth }
      : { refused: 'this server has no tokens configured (set the TIDELOG_TOKENS secret)' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EdgeConfigError(
      'TIDELOG_TOKENS must be JSON, e.g. {"secret-token":["*"],"team-token":["team-1"]}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EdgeConfigError('TIDELOG_TOKENS must be a JSON object from bearer token to a list of spaces');
  }
  try {
    return { auth: tokenAuth(parsed as Record<string, readonly string[]>) };
  } catch (error) {
    throw new EdgeConfigError(`TIDELOG_TOKENS: ${(error as Error).message.replace(/^tokenAuth: /, '')}`);
  }
}

/**
 * The heartbeat interval from `TIDELOG_HEARTBEAT_MS` (default 15 000 ms).
 *
 * @example
 * heartbeatFromEnv({ TIDELOG_HEARTBEAT_MS: '5000' }); // 5000
 */
export function heartbeatFromEnv(env: Pick<EdgeEnv, 'TIDELOG_HEARTBEAT_MS'>): number {
  const text = env.TIDELOG_HEARTBEAT_MS;
  if (text === undefined || text === '') return 15_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new EdgeConfigError(`TIDELOG_HEARTBEAT_MS must be a positive integer, got "${text}"`);
  }
  return ms;
}
