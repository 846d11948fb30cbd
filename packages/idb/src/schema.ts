import type {
  DeadLetter,
  Json,
  OutboxEntry,
  ProcessCheckpoint,
  ProjectionCheckpoint,
  RejectedCommand,
  Snapshot,
} from '@tidelog/core';
import type { DBSchema, StoreNames } from 'idb';
import { addChunks, type Chunk } from './chunks.js';

/**
 * The object stores of a Tidelog database (format 5). See the package README for why
 * each key and index exists.
 */
export interface TidelogDbSchema extends DBSchema {
  /**
   * Confirmed and pending events, several consecutive ones of a stream per record, keyed by
   * [streamId, first version]; `ids` and `positions` are unique multiEntry indexes, `last`
   * ([streamId, last version]) finds the chunk holding a version and the stream's version.
   */
  chunks: {
    key: [string, number];
    value: Chunk;
    indexes: { ids: string; positions: number; last: [string, number] };
  };
  /** Pending commands, keyed by an auto-increment sequence: key order = the order they ran. */
  outbox: { key: number; value: OutboxEntry; indexes: { streamId: string; commandId: string } };
  /** Rejected commands in the order they were filed; by command id for a retry or a discard. */
  rejected: { key: number; value: RejectedCommand; indexes: { commandId: string } };
  checkpoints: { key: string; value: ProjectionCheckpoint };
  snapshots: { key: string; value: Snapshot };
  /** Small values under out-of-line string keys: clientId, sync cursor, serverId… */
  meta: { key: string; value: Json };
  /** Process-manager checkpoints by name (a projection may have the same name). */
  processCheckpoints: { key: string; value: ProcessCheckpoint };
  /** Dead letters by their derived id (a repeat replaces); `at` lists them in time order. */
  deadLetters: { key: string; value: DeadLetter; indexes: { at: string } };
}

export type StoreName = StoreNames<TidelogDbSchema>;
/** Store names of every format: `events` held one event per record up to format 4. */
type AnyStoreName = StoreName | 'events';

/**
 * What an upgrade step may touch of the raw versionchange connection: structure, by store
 * names, and data through requests. The raw `IDBDatabase` and `IDBTransaction` fit these as
 * they are, so no promise wrapper (idb's `wrap`) is needed.
 */
export interface UpgradeDb {
  createObjectStore(name: AnyStoreName, options?: IDBObjectStoreParameters): IDBObjectStore;
  deleteObjectStore(name: AnyStoreName): void;
}
export interface UpgradeTx {
  objectStore(name: AnyStoreName): IDBObjectStore;
}

/** The database format this code writes; the IndexedDB version number is the format number. */
export const FORMAT_VERSION = 5;

// One step per format up to `FORMAT_VERSION`, in order: `steps[n - 1]` makes format n. A step may only create or
// change structure (and rewrite data through `tx`): it runs inside the versionchange
// transaction, before any other use.
const steps: ((db: UpgradeDb, tx: UpgradeTx) => void)[] = [
  // Format 1: one event per record in `events`, the outbox, rejected commands, checkpoints,
  // snapshots and meta. `events` also had a unique `id` index and a sparse unique `position`
  // index, which this code no longer creates: the store only ever runs at the current
  // format, and `events` now lives only inside the upgrade, which reads it whole and
  // deletes it (a database made at format 1-4 keeps its indexes until then).
  (db) => {
    db.createObjectStore('events', { keyPath: ['streamId', 'version'] });
    db.createObjectStore('outbox', { autoIncrement: true });
    db.createObjectStore('rejected', { autoIncrement: true });
    db.createObjectStore('checkpoints', { keyPath: 'name' });
    db.createObjectStore('snapshots', { keyPath: 'key' });
    db.createObjectStore('meta');
  },
  // Format 2: a stream's outbox entries by index, for takePending/readPending of one stream
  // without reading the whole outbox. Existing entries are indexed by the upgrade itself.
  (_db, tx) => {
    tx.objectStore('outbox').createIndex('streamId', 'streamId');
  },
  // Format 3: process managers keep a checkpoint and their dead letters across restarts.
  (db) => {
    db.createObjectStore('processCheckpoints', { keyPath: 'name' });
    db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('at', 'at');
  },
  // Format 4: the durable rebase finds outbox entries and rejected commands by command id
  // (a server's refusal, a retry, a discard) without reading the whole list. Outbox entries
  // may now carry `displaced`; older entries simply have none.
  (_db, tx) => {
    tx.objectStore('outbox').createIndex('commandId', 'commandId');
    tx.objectStore('rejected').createIndex('commandId', 'entry.commandId');
  },
  // Format 5: events in chunks, several consecutive events of a stream per record, all
  // confirmed or all pending: a page of confirmed events is a few records, not one per
  // event. The events move over (cut by `addChunks`) inside the versionchange transaction.
  (db, tx) => {
    const chunks = db.createObjectStore('chunks', { keyPath: ['streamId', 'version'] });
    chunks.createIndex('ids', 'ids', { unique: true, multiEntry: true });
    // Sparse: pending chunks have no `positions`.
    chunks.createIndex('positions', 'positions', { unique: true, multiEntry: true });
    chunks.createIndex('last', ['streamId', 'last']);
    const read = tx.objectStore('events').getAll();
    read.onsuccess = () => {
      addChunks(chunks, read.result);
      db.deleteObjectStore('events');
    };
  },
];

/**
 * Bring a database from `oldVersion` to `newVersion` (at most `FORMAT_VERSION`), one format
 * step at a time.
 *
 * @example
 * request.onupgradeneeded = (e) => upgradeFormat(db, e.oldVersion, e.newVersion ?? FORMAT_VERSION, tx);
 */
export function upgradeFormat(db: UpgradeDb, oldVersion: number, newVersion: number, tx: UpgradeTx): void {
  for (const step of steps.slice(oldVersion, newVersion)) step(db, tx);
}
