export { type AuthFunction, bearerToken, openAuth, type SpaceGrant, tokenAuth } from './auth.js';
export { createSyncServer, type SyncServer } from './create-sync-server.js';
export { jsonLogger, type Logger, type LogRecord, silentLogger } from './logger.js';
export { SyncMetrics } from './metrics.js';
export type { PushValidator, SyncServerOptions } from './options.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions, TokenBuckets } from './rate-limit.js';
