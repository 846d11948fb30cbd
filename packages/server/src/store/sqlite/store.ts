import { MAX_VERSION } from '@tidelog/protocol';
import type { AdmissionLimits } from '../admission.js';
import { checkOpen, checkPullOptions, checkStreamOptions } from '../checks.js';
import { EVENT_COLUMNS, type EventRow, readRows } from '../sql-schema.js';
import type { PullPage, PushedEvent, PushOutcome, ServerEventStore, StreamPage } from '../types.js';
import { Watchers } from '../watchers.js';
import { openConnection } from './connection.js';
import { ThreadWriter } from './thread-writer.js';
import { createWriter, encodeEvents } from './writer.js';

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
  /**
   * Where pushes run: `'thread'` (default for files) on a writer thread with its own
   * connection, so a push's disk work does not block the event loop; `'inline'` on the
   * calling thread (always for `:memory:`, whose data one connection cannot share).
   */
  writer?: 'thread' | 'inline';
  /**
   * Bounds of the writer thread's queue: past either, a push is refused at once with
   * `UNAVAILABLE` (503, Retry-After) instead of waiting. Defaults: 1,000 pushes, 64 MiB of
   * event data and meta. (The inline writer has no queue.)
   */
  queue?: Partial<AdmissionLimits>;
}

/** The budget counts a row's JSON text in UTF-8 bytes. */
const utf8Length = (text: string) => Buffer.byteLength(text);

/** A SQLite store, and where its pushes run. */
export type SqliteServerStore = ServerEventStore & {
  /** `'thread'` when pushes run on the writer thread, else `'inline'` (see the option). */
  readonly writer: 'thread' | 'inline';
};

/**
 * A server store in one SQLite file (better-sqlite3, WAL): the embedded default. A push is
 * one synchronous `BEGIN IMMEDIATE` transaction (read head, versions and known ids, plan,
 * insert), so pushes are serialized and positions are gapless and in commit order. Pushes
 * run on a writer thread with its own connection (`writer: 'thread'`, the default), in
 * arrival order, those already queued committed together (group commit, see writer.ts);
 * reads run on the calling thread. `watch` wakes listeners in
 * this process after each commit.
 *
 * @example
 * import { createSqliteServerStore } from '@tidelog/server/sqlite';
 * const store = createSqliteServerStore({ filename: './data/tidelog.sqlite' });
 * const { head } = await store.pull('team-1', { after: 0, limit: 500 });
 */
export function createSqliteServerStore(options: SqliteServerStoreOptions): SqliteServerStore {
  const { db, serverId } = openConnection(options);
  const inMemory = options.filename === ':memory:' || options.filename === '';
  const threaded =
    options.writer !== 'inline' && !inMemory ? ThreadWriter.start(options, options.queue) : undefined;
  const writeInline = threaded ? undefined : createWriter(db);
  const push = (space: string, events: PushedEvent[]): Promise<PushOutcome> =>
    threaded ? threaded.push(space, events) : Promise.resolve(writeInline!(space, encodeEvents(events)));
  let closed = false;
  const watchers = new Watchers();

  const headOf = db
    .prepare<[string], number>('SELECT coalesce(max(position), 0) FROM tidelog_events WHERE space = ?')
    .pluck();
  const versionOf = db
    .prepare<[string, string], number>(
      'SELECT coalesce(max(version), 0) FROM tidelog_events WHERE space = ? AND stream_id = ?',
    )
    .pluck();
  const page = db.prepare<[string, number, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM tidelog_events WHERE space = ? AND position > ? ORDER BY position LIMIT ?`,
  );
  const streamEvents = db.prepare<[string, string, number, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM tidelog_events WHERE space = ? AND stream_id = ? AND version >= ?
     ORDER BY version LIMIT ?`,
  );

  const pullTx = db.transaction(
    (space: string, after: number, limit: number, maxBytes?: number): PullPage => {
      const { events } = readRows(page.iterate(space, after, limit), maxBytes, utf8Length);
      const head = headOf.get(space) ?? 0;
      const last = events.length > 0 ? events[events.length - 1]!.position : after;
      return { events, head, hasMore: last < head };
    },
  );
  const readStreamTx = db.transaction(
    (space: string, streamId: string, from: number, limit: number, maxBytes?: number): StreamPage => {
      const { events } = readRows(streamEvents.iterate(space, streamId, from, limit), maxBytes, utf8Length);
      const version = versionOf.get(space, streamId) ?? 0;
      const last = events.length > 0 ? events[events.length - 1]!.version : from - 1;
      return { events, version, hasMore: last < version };
    },
  );

  const what = `sqlite server store ${options.filename}`;
  return {
    writer: threaded ? 'thread' : 'inline',
    async serverId() {
      checkOpen(closed, what);
      return serverId;
    },
    async push(space, events) {
      checkOpen(closed, what);
      const outcome = await push(space, events);
      if (outcome.accepted.length > 0 && !closed) watchers.notify(space, outcome.head);
      return outcome;
    },
    async pull(space, options) {
      checkOpen(closed, what);
      checkPullOptions(options);
      return pullTx.deferred(space, options.after, options.limit, options.maxBytes);
    },
    async readStream(space, streamId, options = {}) {
      checkOpen(closed, what);
      const { from, limit, maxBytes } = checkStreamOptions(options);
      // A stream holds at most MAX_VERSION events: a larger limit is no limit, and fits an INTEGER.
      return readStreamTx.deferred(space, streamId, from, Math.min(limit, MAX_VERSION), maxBytes);
    },
    async head(space) {
      checkOpen(closed, what);
      return headOf.get(space) ?? 0;
    },
    watch(space, listener) {
      checkOpen(closed, what);
      return watchers.add(space, listener);
    },
    health() {
      if (closed) return { ok: false, reason: `${what} is closed` };
      return threaded?.health() ?? { ok: true };
    },
    async close() {
      if (closed) return;
      closed = true;
      watchers.clear();
      await threaded?.close();
      db.close();
    },
  };
}
