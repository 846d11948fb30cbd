import type {
  DeadLetter,
  Envelope,
  Json,
  OutboxEntry,
  ProcessCheckpoint,
  ProjectionCheckpoint,
  RejectedCommand,
  Snapshot,
} from '@tidelog/core';
import type { DBSchema, StoreNames } from 'idb';

/**
 * The object stores of a Tidelog database (format 4). See the package README for why
 * each key and index exists.
 */
export interface TidelogDbSchema extends DBSchema {
  /** Confirmed and pending events, keyed by [streamId, version]: a stream is one key range. */
  events: { key: [string, number]; value: Envelope; indexes: { id: string; position: number } };
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

/**
 * What an upgrade step may touch of the raw versionchange connection: structure only, by
 * the schema's store names. The raw `IDBDatabase` and `IDBTransaction` fit these as they
 * are, so no promise wrapper (idb's `wrap`) is needed around calls that are all synchronous.
 */
export interface UpgradeDb {
  createObjectStore(name: StoreName, options?: IDBObjectStoreParameters): IDBObjectStore;
}
export interface UpgradeTx {
  objectStore(name: StoreName): IDBObjectStore;
}

/** The database format this code writes; the IndexedDB version number is the format number. */
export const FORMAT_VERSION = 4;

// One step per format. A step may only create or change structure (and rewrite data
// through `tx`): it runs inside the versionchange transaction, before any other use.
const steps: Record<number, (db: UpgradeDb, tx: UpgradeTx) => void> = {
  1: (db) => {
    const events = db.createObjectStore('events', { keyPath: ['streamId', 'version'] });
    events.createIndex('id', 'id', { unique: true });
    // Sparse: pending events have no `position`, so they are not in this index.
    events.createIndex('position', 'position', { unique: true });
    db.createObjectStore('outbox', { autoIncrement: true });
    db.createObjectStore('rejected', { autoIncrement: true });
    db.createObjectStore('checkpoints', { keyPath: 'name' });
    db.createObjectStore('snapshots', { keyPath: 'key' });
    db.createObjectStore('meta');
  },
  // Format 2: a stream's outbox entries by index, for takePending/readPending of one stream
  // without reading the whole outbox. Existing entries are indexed by the upgrade itself.
  2: (_db, tx) => {
    tx.objectStore('outbox').createIndex('streamId', 'streamId');
  },
  // Format 3: process managers keep a checkpoint and their dead letters across restarts.
  3: (db) => {
    db.createObjectStore('processCheckpoints', { keyPath: 'name' });
    db.createObjectStore('deadLetters', { keyPath: 'id' }).createIndex('at', 'at');
  },
  // Format 4: the durable rebase finds outbox entries and rejected commands by command id
  // (a server's refusal, a retry, a discard) without reading the whole list. Outbox entries
  // may now carry `displaced`; older entries simply have none.
  4: (_db, tx) => {
    tx.objectStore('outbox').createIndex('commandId', 'commandId');
    tx.objectStore('rejected').createIndex('commandId', 'entry.commandId');
  },
};

/**
 * Bring a database from `oldVersion` to `newVersion`, one format step at a time.
 *
 * @example
 * request.onupgradeneeded = (e) => upgradeFormat(db, e.oldVersion, e.newVersion ?? FORMAT_VERSION, tx);
 */
export function upgradeFormat(db: UpgradeDb, oldVersion: number, newVersion: number, tx: UpgradeTx): void {
  for (let v = oldVersion + 1; v <= newVersion; v++) {
    const step = steps[v];
    if (!step) throw new Error(`no upgrade step to format ${v}`);
    step(db, tx);
  }
}
