import type { JsonSource, ProtocolLimits, PushRequest, Validation } from '@tidelog/protocol';
import type { cors } from 'hono/cors';
import type { ServerEventStore } from '../store/types.js';
import type { AuthFunction } from './auth.js';
import type { Logger } from './logger.js';
import type { RateLimitOptions } from './rate-limit.js';

/** Options of `createSyncServer`. */
export interface SyncServerOptions {
  /** Where events live. The app never closes it: its owner does, after `app.close()`. */
  store: ServerEventStore;
  /**
   * Which spaces a request may use; `null` means unauthenticated (401). Without it the
   * server is open: every request may use every space. See `tokenAuth`.
   */
  auth?: AuthFunction;
  /** Per-push and pull limits (defaults: `@tidelog/protocol` DEFAULT_LIMITS; see docs/protocol.md "Limits"). */
  limits?: Partial<ProtocolLimits>;
  /** Enable CORS (hono/cors options); off by default. `true` allows any origin. */
  cors?: boolean | Parameters<typeof cors>[0];
  /** One JSON record per request and per server-side problem; silent by default. */
  logger?: Logger;
  /** Milliseconds between SSE heartbeat comments (default 15 000). */
  heartbeatMs?: number;
  /**
   * How long `close()` waits for requests in flight (default 10 000 ms). A client that
   * stalls mid-body must not hold a shutdown until Node's request timeout: past the
   * deadline `close()` resolves anyway, and the host closes the connections left.
   */
  drainTimeoutMs?: number;
  /**
   * Per-token request rates on `/v1/spaces/…`: a bucket of `burst` requests per bearer
   * token, refilled at `requestsPerSecond`; past it, 429 `RATE_LIMITED` with Retry-After.
   * Default `{ requestsPerSecond: 100, burst: 500 }`; `false` turns it off. Requests
   * without a bearer token (an open server) are not counted.
   */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** `meta.clientId` of events appended through the stream route without one (default "server"). */
  producerClientId?: string;
  /** The clock for filled-in `meta.timestamp` (tests). */
  now?: () => Date;
  /**
   * Replace the push body validator (default `validatePushRequest` of @tidelog/protocol),
   * e.g. with a stricter one that also checks each event type's data. It must enforce at
   * least the protocol's rules: the store trusts what it is given.
   */
  pushValidator?: PushValidator;
}

/**
 * Checks a parsed push body against the limits; see `validatePushRequest`. `source.json` is
 * the exact text the body was parsed from (a validator may use it to skip checks the JSON
 * grammar already made, or ignore it).
 */
export type PushValidator = (
  input: unknown,
  limits: ProtocolLimits,
  source?: JsonSource,
) => Validation<PushRequest>;

/** The resolved options the routes read. */
export interface SyncServerConfig {
  store: ServerEventStore;
  limits: ProtocolLimits;
  heartbeatMs: number;
  drainTimeoutMs: number;
  producerClientId: string;
  now: () => Date;
  pushValidator: PushValidator;
}
