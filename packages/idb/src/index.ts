/**
 * @module @tidelog/idb
 * Tidelog's IndexedDB event store: `openIdbEventStore({ name })` returns a
 * `LocalEventStore` (core's `EventStore` plus pending events, outbox, rejected commands,
 * snapshots, projection checkpoints and meta), with one transaction per command or batch.
 */
export { IdbEventStore } from './idb-event-store.js';
export { type IdbEventStoreOptions, openIdbEventStore } from './open-idb-event-store.js';
export type { Durability } from './requests.js';
export { FORMAT_VERSION, type TidelogDbSchema } from './schema.js';
