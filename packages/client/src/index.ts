/**
 * @module @tidelog/client
 * The Tidelog runtime: runs commands (one mailbox per stream), caches and publishes
 * aggregate states, keeps projections (confirmed + pending overlay) and process managers
 * going. The same runtime runs in-process (Node, tests) and inside a SharedWorker
 * (`@tidelog/client/worker`).
 */
export {
  ProcessLoopError,
  SyncDisabledError,
  UnknownAggregateError,
  UnknownProcessManagerError,
  UnknownProjectionError,
  UnknownRejectedError,
} from './errors.js';
export { withMemoryFallback } from './memory-fallback.js';
export type { StoreContext, StoreOpener, StoreSource } from './open-store.js';
export type { TidelogOptions } from './options.js';
export {
  type Dispatch,
  defineProcessManager,
  dispatch,
  type ProcessContext,
  type ProcessHandler,
  type ProcessManager,
  type ProcessManagerConfig,
} from './process/process-manager.js';
export { createTidelog, Tidelog, type TidelogDebug } from './runtime.js';
export { type PendingCommand, type RebaseInput, type RebaseResult, rebase } from './stream/rebase.js';
export {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  SyncPausedError,
  SyncProtocolError,
  SyncResetError,
  SyncUnreachableError,
  UnauthorizedError,
} from './sync/errors.js';
export type { SyncApi, SyncOptions, SyncState, SyncStatus } from './sync/host.js';
export { ManualTimers, systemTimers, type TimerHandle, type Timers } from './timers.js';
export type * from './types.js';
