/**
 * @module @tidelog/server
 * The Tidelog sync server: `createSyncServer({ store, auth })` returns a Hono app that
 * speaks sync protocol v1 (`Request => Response`, any runtime Hono runs on), plus the
 * server stores' interface and the in-memory store. SQLite and PostgreSQL stores live at
 * `@tidelog/server/sqlite` and `@tidelog/server/postgres`, so this entry loads neither;
 * what a store author needs lives at `@tidelog/server/store-kit`, the conformance suite at
 * `@tidelog/server/testing`.
 *
 * @example
 * import { createMemoryServerStore, createSyncServer, tokenAuth } from '@tidelog/server';
 * const app = createSyncServer({ store: createMemoryServerStore(), auth: tokenAuth({ secret: ['*'] }) });
 */
export { type AuthFunction, bearerToken, openAuth, type SpaceGrant, tokenAuth } from './app/auth.js';
export { createSyncServer, type SyncServer } from './app/create-sync-server.js';
export { jsonLogger, type Logger, type LogRecord, silentLogger } from './app/logger.js';
export { SyncMetrics } from './app/metrics.js';
export type { PushValidator, SyncServerOptions } from './app/options.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './app/rate-limit.js';
export {
  AsyncTransactionError,
  type AtLeastOnceOptions,
  type Consumer,
  type ConsumerOptions,
  type ConsumerOptionsBase,
  createMemoryConsumerStore,
  type ExactlyOnceOptions,
  LeaseLostError,
  type MemoryConsumerStoreOptions,
  readServerProjection,
  runConsumer,
  runServerProjection,
  type ServerProjection,
  type ServerProjectionOptions,
  serveProjections,
} from './consumer/index.js';
export type * from './consumer/types.js';
export { RateLimitedError, UnavailableError } from './store/errors.js';
export { createMemoryServerStore, type MemoryServerStoreOptions } from './store/memory.js';
export type {
  AcceptedGroup,
  PullPage,
  PushConflict,
  PushedEvent,
  PushOutcome,
  ServerEventStore,
} from './store/types.js';
