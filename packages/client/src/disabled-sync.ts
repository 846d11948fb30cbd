import { SyncDisabledError } from './errors.js';
import type { SyncApi, SyncStatus } from './sync/host.js';

const IDLE: SyncStatus = Object.freeze({ state: 'idle', pending: 0, rejected: 0, cursor: 0, head: 0 });

/**
 * `tidelog.sync` of a runtime created without a `sync` option: always `idle`; `now()`
 * rejects with `SYNC_DISABLED` so an app that forgot the option finds out at once.
 *
 * @example
 * await disabledSync.now().catch((e) => e.code); // 'SYNC_DISABLED'
 */
export const disabledSync: SyncApi = Object.freeze({
  status: IDLE,
  subscribe: () => () => undefined,
  getSnapshot: () => IDLE,
  now: () => Promise.reject(new SyncDisabledError()),
  pause: () => undefined,
  resume: () => undefined,
});
