import { ClosedError, type SerializedError } from '@tidelog/core';
import type Database from 'better-sqlite3';
import { openConnection } from '../../store/sqlite/connection.js';
import { AsyncTransactionError, LeaseLostError } from '../errors.js';
import type { CommitAction, ConsumerCheckpoint, ConsumerStore, DeadLetter, ParkedBatch } from '../types.js';
import { migrateConsumers } from './schema.js';

/** Options of `createSqliteConsumerStore`: the events' file, or a connection to it. */
export type SqliteConsumerStoreOptions =
  | { filename: string; synchronous?: 'full' | 'normal'; busyTimeoutMs?: number }
  /** A better-sqlite3 connection to the file; `close()` leaves it open. */
  | { db: Database.Database };

interface LetterRow {
  id: number;
  name: string;
  space: string;
  from_position: number;
  to_position: number;
  attempts: number;
  error: string;
  parked_at: string;
  retry_requested: number;
}

const toLetter = (r: LetterRow): DeadLetter => ({
  id: r.id,
  consumer: r.name,
  space: r.space,
  fromPosition: r.from_position,
  toPosition: r.to_position,
  attempts: r.attempts,
  error: JSON.parse(r.error) as SerializedError,
  parkedAt: r.parked_at,
  retryRequested: r.retry_requested === 1,
});

/**
 * Consumer offsets, leases and dead letters in the SQLite file of the events, on a
 * connection of its own. An exactly-once handler gets that connection inside the
 * `BEGIN IMMEDIATE` transaction that moves the offset, and must write synchronously
 * (better-sqlite3 is synchronous; a returned promise is refused with `ASYNC_TRANSACTION`).
 *
 * @example
 * import { createSqliteConsumerStore } from '@tidelog/server/sqlite';
 * const consumers = createSqliteConsumerStore({ filename: './data/tidelog.sqlite' });
 */
export function createSqliteConsumerStore(
  options: SqliteConsumerStoreOptions,
): ConsumerStore<Database.Database> {
  const owned = !('db' in options);
  const db = 'db' in options ? options.db : openConnection(options).db;
  migrateConsumers(db);
  let closed = false;
  const lease = db.prepare<[string], { owner: string; fence: number; expires_at: number }>(
    'SELECT owner, fence, expires_at FROM tidelog_consumer_leases WHERE name = ?',
  );
  const setLease = db.prepare(
    `INSERT INTO tidelog_consumer_leases (name, owner, fence, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, fence = excluded.fence, expires_at = excluded.expires_at`,
  );
  const renew = db.prepare(
    'UPDATE tidelog_consumer_leases SET expires_at = ? WHERE name = ? AND fence = ? AND expires_at > ?',
  );
  const release = db.prepare(
    'UPDATE tidelog_consumer_leases SET expires_at = 0 WHERE name = ? AND fence = ?',
  );
  const holds = db
    .prepare<[string, number, number], number>(
      'SELECT 1 FROM tidelog_consumer_leases WHERE name = ? AND fence = ? AND expires_at > ?',
    )
    .pluck();
  const offsets = db.prepare<
    [string],
    { space: string; position: number; state: string | null; state_version: number | null }
  >('SELECT space, position, state, state_version FROM tidelog_consumer_offsets WHERE name = ?');
  const setOffset = db.prepare(
    `INSERT INTO tidelog_consumer_offsets (name, space, position, state, state_version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name, space) DO UPDATE SET position = excluded.position, state = excluded.state,
       state_version = excluded.state_version`,
  );
  const skipOffset = db.prepare(
    `INSERT INTO tidelog_consumer_offsets (name, space, position) VALUES (?, ?, ?)
     ON CONFLICT (name, space) DO UPDATE SET position = excluded.position`,
  );
  const insertLetter = db.prepare<unknown[], LetterRow>(
    `INSERT INTO tidelog_dead_letters (name, space, from_position, to_position, attempts, error, parked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const deleteLetter = db.prepare('DELETE FROM tidelog_dead_letters WHERE id = ? AND name = ?');
  const failLetter = db.prepare(
    `UPDATE tidelog_dead_letters SET attempts = attempts + 1, error = ?, parked_at = ?, retry_requested = 0
     WHERE id = ? AND name = ?`,
  );
  const letters = db.prepare<[string | null, string | null], LetterRow>(
    'SELECT * FROM tidelog_dead_letters WHERE ? IS NULL OR name = ? ORDER BY id',
  );
  const requestRetry = db.prepare('UPDATE tidelog_dead_letters SET retry_requested = 1 WHERE id = ?');

  const open = () => {
    if (closed) throw new ClosedError('sqlite consumer store is closed');
  };
  const hold = (name: string, fence: number) => {
    if (holds.get(name, fence, Date.now()) === undefined) throw new LeaseLostError(name, fence);
  };

  const acquireTx = db.transaction((name: string, owner: string, ttlMs: number) => {
    const now = Date.now();
    const row = lease.get(name);
    if (row && row.owner !== owner && row.expires_at > now) return undefined;
    const fence = (row?.fence ?? 0) + 1;
    setLease.run(name, owner, fence, now + ttlMs);
    return fence;
  });
  const commitTx = db.transaction(
    (name: string, fence: number, action: CommitAction, work?: (tx: Database.Database) => unknown) => {
      hold(name, fence);
      if (work) {
        const result = work(db);
        if (result instanceof Promise) {
          result.catch(() => {}); // its failure is reported as this error instead
          throw new AsyncTransactionError(
            'an exactly-once handler on SQLite must write synchronously (better-sqlite3), not return a promise',
          );
        }
        hold(name, fence); // the handler may have outlived the lease
      }
      if (action.kind === 'resolve') deleteLetter.run(action.deadLetterId, name);
      else {
        const state = action.state ? JSON.stringify(action.state.value) : null;
        setOffset.run(name, action.space, action.position, state, action.state?.version ?? null);
      }
    },
  );
  const parkTx = db.transaction((name: string, fence: number, b: ParkedBatch) => {
    hold(name, fence);
    const row = insertLetter.get(
      name,
      b.space,
      b.fromPosition,
      b.toPosition,
      b.attempts,
      JSON.stringify(b.error),
      new Date().toISOString(),
    );
    skipOffset.run(name, b.space, b.toPosition);
    return toLetter(row!);
  });
  const failTx = db.transaction((name: string, fence: number, id: number, error: SerializedError) => {
    hold(name, fence);
    failLetter.run(JSON.stringify(error), new Date().toISOString(), id, name);
  });

  return {
    kind: 'sqlite',
    async acquire(name, owner, ttlMs) {
      open();
      return acquireTx.immediate(name, owner, ttlMs);
    },
    async renew(name, fence, ttlMs) {
      open();
      const now = Date.now();
      return renew.run(now + ttlMs, name, fence, now).changes === 1;
    },
    async release(name, fence) {
      open();
      release.run(name, fence);
    },
    async checkpoints(name) {
      open();
      const out = new Map<string, ConsumerCheckpoint>();
      for (const row of offsets.all(name)) {
        const checkpoint: ConsumerCheckpoint = { position: row.position };
        if (row.state !== null) checkpoint.state = JSON.parse(row.state);
        if (row.state_version !== null) checkpoint.stateVersion = row.state_version;
        out.set(row.space, checkpoint);
      }
      return out;
    },
    async commit(name, fence, action, work) {
      open();
      commitTx.immediate(name, fence, action, work);
    },
    async park(name, fence, batch) {
      open();
      return parkTx.immediate(name, fence, batch);
    },
    async failAgain(name, fence, id, error) {
      open();
      failTx.immediate(name, fence, id, error);
    },
    async deadLetters(name) {
      open();
      return letters.all(name ?? null, name ?? null).map(toLetter);
    },
    async requestRetry(id) {
      open();
      return requestRetry.run(id).changes === 1;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) db.close();
    },
  };
}
