import type { SyncApi, SyncHost, SyncOptions } from './host.js';

/** The sync loop of a runtime; `close` stops it (the runtime's `close` calls it). */
export interface SyncEngine extends SyncApi {
  close(): Promise<void>;
}

/**
 * Start the sync loop of a runtime. PLACEHOLDER until the sync loop lands: the runtime
 * wires it here, `src/sync/` replaces this body.
 */
export function createSyncEngine(host: SyncHost, options: SyncOptions): SyncEngine {
  void host;
  void options;
  throw new Error('tidelog: the sync loop is not built yet');
}
