import type { PositionedEnvelope } from '@tidelog/core';
import Database from 'better-sqlite3';
import { checkFromVersion, checkOpen, checkPullOptions } from '../checks.js';
import { planPush, pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PullPage, PushedEvent, PushOutcome, ServerEventStore } from '../types.js';
import { Watchers } from '../watchers.js';
import { migrate } from './schema.js';

/** Options of `createSqliteServerStore`. */
export interface SqliteServerStoreOptions {
  /** The database file (created if missing), or ':memory:'. */
  filename: string;
  /**
   * `'full'` (default) syncs the WAL on every commit, so an acknowledged push survives a
   * power cut; `'normal'` survives process crashes only, and is faster.
   */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  meta: string;
}

const COLUMNS = 'position, id, stream_id, version, type, schema_version, data, meta';

const toEnvelope = (row: EventRow): PositionedEnvelope => ({
  id: row.id,
  streamId: row.stream_id,
  version: row.version,
  type: row.type,
  schemaVersion: row.schema_version,
  data: JSON.parse(row.data),
  meta: JSON.parse(row.meta),
  position: row.position,
});

/**
 * A server store in one SQLite file (better-sqlite3, WAL): the embedded default. A push is
 * one synchronous `BEGIN IMMEDIATE` transaction (read head, versions and known ids, plan,
 * insert), so pushes are serialized and positions are gapless and in commit order; `watch`
 * wakes listeners in this process after each commit.
 *
 * @example
 * import { createSqliteServerStore } from '@tidelog/server/sqlite';
 * const store = createSqliteServerStore({ filename: './data/tidelog.sqlite' });
 * const { head } = await store.pull('team-1', { after: 0, limit: 500 });
 */
export function createSqliteServerStore(options: SqliteServerStoreOptions): ServerEventStore {
  const db = new Database(options.filename, { timeout: options.busyTimeoutMs ?? 5000 });
  let closed = false;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  } catch (error) {
    db.close();
    throw error;
  }
  let serverId: string;
  try {
    serverId = migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const watchers = new Watchers();

  const headOf = db
    .prepare<[string], number>('SELECT coalesce(max(position), 0) FROM tidelog_events WHERE space = ?')
    .pluck();
  const versionOf = db
    .prepare<[string, string], number>(
      'SELECT coalesce(max(version), 0) FROM tidelog_events WHERE space = ? AND stream_id = ?',
    )
    .pluck();
  const knownIds = db.prepare<[string, string], { id: string } & StoredEventRef>(
    `SELECT id, stream_id AS streamId, version, position FROM tidelog_events
     WHERE space = ? AND id IN (SELECT value FROM json_each(?))`,
  );
  const insert = db.prepare(
    `INSERT INTO tidelog_events (space, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM tidelog_events WHERE space = ? AND position > ? ORDER BY position LIMIT ?`,
  );
  const streamEvents = db.prepare<[string, string, number], EventRow>(
    `SELECT ${COLUMNS} FROM tidelog_events WHERE space = ? AND stream_id = ? AND version >= ? ORDER BY version`,
  );

  const pushTx = db.transaction((space: string, events: PushedEvent[]): PushOutcome => {
    const { streamIds, ids } = pushKeys(events);
    const versions = new Map(streamIds.map((s) => [s, versionOf.get(space, s) ?? 0]));
    const known = new Map<string, StoredEventRef>();
    if (ids.length > 0) for (const row of knownIds.all(space, JSON.stringify(ids))) known.set(row.id, row);
    const plan = planPush({ events, head: headOf.get(space) ?? 0, versions, known });
    for (const e of plan.append) {
      insert.run(
        space,
        e.position,
        e.id,
        e.streamId,
        e.version,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.meta),
      );
    }
    return plan.outcome;
  });
  const pullTx = db.transaction((space: string, after: number, limit: number): PullPage => {
    const events = page.all(space, after, limit).map(toEnvelope);
    const head = headOf.get(space) ?? 0;
    const last = events.length > 0 ? events[events.length - 1]!.position : after;
    return { events, head, hasMore: last < head };
  });
  const readStreamTx = db.transaction((space: string, streamId: string, from: number) => ({
    events: streamEvents.all(space, streamId, from).map(toEnvelope),
    version: versionOf.get(space, streamId) ?? 0,
  }));

  const what = `sqlite server store ${options.filename}`;
  return {
    async serverId() {
      checkOpen(closed, what);
      return serverId;
    },
    async push(space, events) {
      checkOpen(closed, what);
      const outcome = pushTx.immediate(space, events);
      if (outcome.accepted.length > 0) watchers.notify(space, outcome.head);
      return outcome;
    },
    async pull(space, options) {
      checkOpen(closed, what);
      checkPullOptions(options);
      return pullTx.deferred(space, options.after, options.limit);
    },
    async readStream(space, streamId, options = {}) {
      checkOpen(closed, what);
      return readStreamTx.deferred(space, streamId, checkFromVersion(options.fromVersion));
    },
    async head(space) {
      checkOpen(closed, what);
      return headOf.get(space) ?? 0;
    },
    watch(space, listener) {
      checkOpen(closed, what);
      return watchers.add(space, listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      watchers.clear();
      db.close();
    },
  };
}
