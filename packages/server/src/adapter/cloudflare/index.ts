/**
 * @module @tidelog/server/cloudflare
 * Tidelog's sync server on Cloudflare: a Worker that authenticates and routes each
 * `/v1/spaces/:space/…` request to the Durable Object of its space, the Durable Object
 * class (`TidelogSpace`) that serves protocol v1 from its own SQLite storage, and that
 * storage as a `ServerEventStore`. Nothing here imports a Cloudflare package: the runtime's
 * objects are typed by the shapes this adapter uses.
 *
 * @example
 * // src/worker.ts of a Worker (wrangler.toml binds SPACES to class TidelogSpace)
 * import { createEdgeWorker } from '@tidelog/server/cloudflare';
 * export { TidelogSpace } from '@tidelog/server/cloudflare';
 * export default createEdgeWorker();
 */
export { authFromEnv, type EdgeAuth, EdgeConfigError, type EdgeEnv, heartbeatFromEnv } from './env.js';
export { LiveCount } from './live-count.js';
export { type LiveStreamOptions, liveEventStream } from './live-stream.js';
export { TidelogSpace } from './space-object.js';
export type * from './storage-types.js';
export {
  createDurableObjectServerStore,
  type DurableObjectServerStore,
  type DurableObjectServerStoreOptions,
} from './store.js';
export { createEdgeWorker, type EdgeWorker } from './worker.js';
