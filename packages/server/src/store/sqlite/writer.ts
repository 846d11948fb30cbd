import type Database from 'better-sqlite3';
import { planPush, pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PushedEvent, PushOutcome } from '../types.js';

/** A pushed event whose `data` and `meta` are already JSON text, as the rows store them. */
export type EncodedEvent = Omit<PushedEvent, 'data' | 'meta'> & { data: string; meta: string };

/**
 * Encode events for the writer: `data` and `meta` to JSON text. Throws what
 * `JSON.stringify` throws (a BigInt, a cycle) before anything is written.
 *
 * @example
 * const encoded = encodeEvents(events);
 */
export function encodeEvents(events: readonly PushedEvent[]): EncodedEvent[] {
  return events.map((e) => ({
    id: e.id,
    streamId: e.streamId,
    version: e.version,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.stringify(e.data),
    meta: JSON.stringify(e.meta),
  }));
}

/**
 * The write side of the SQLite store: a push is one synchronous `BEGIN IMMEDIATE`
 * transaction that reads the head, the pushed streams' versions and the known ids, plans,
 * and inserts. Nothing else can write the file in between (the write lock is taken at
 * BEGIN), so positions are gapless and in commit order.
 *
 * @example
 * const push = createWriter(db);
 * const outcome = push('team-1', encodeEvents(events));
 */
export function createWriter(db: Database.Database): (space: string, events: EncodedEvent[]) => PushOutcome {
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
    `INSERT INTO tidelog_events (space, position, id, stream_id, version, type, schema_version, data, meta)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const pushTx = db.transaction((space: string, encoded: EncodedEvent[]): PushOutcome => {
    // planPush reads only ids, streams and versions, and carries data and meta through
    // untouched, so the JSON text can stand in for the objects.
    const events = encoded as unknown as PushedEvent[];
    const { streamIds, ids } = pushKeys(events);
    const versions = new Map(streamIds.map((s) => [s, versionOf.get(space, s) ?? 0]));
    const known = new Map<string, StoredEventRef>();
    if (ids.length > 0) for (const row of knownIds.all(space, JSON.stringify(ids))) known.set(row.id, row);
    const plan = planPush({ events, head: headOf.get(space) ?? 0, versions, known });
    for (const e of plan.append) {
      insert.run(space, e.position, e.id, e.streamId, e.version, e.type, e.schemaVersion, e.data, e.meta);
    }
    return plan.outcome;
  });
  return (space, events) => pushTx.immediate(space, events);
}

/** One push of a group commit, and how it ended. */
export type BatchResult = { ok: true; outcome: PushOutcome } | { ok: false; error: unknown };

/**
 * Group commit: several pushes in one `BEGIN IMMEDIATE` transaction, so one WAL sync
 * covers them all. Each push runs in its own savepoint, in order, and is planned against
 * what the pushes before it in the group wrote (the connection reads its own writes), so
 * each is accepted, a duplicate or a conflict exactly as if committed alone. A push that
 * throws rolls back to its savepoint (nothing of it stays) and the others go on. If the
 * commit itself fails, or an error ends the whole transaction, it throws and none of the
 * group is stored: nothing is acknowledged before the commit returned.
 *
 * @example
 * const pushMany = createBatchWriter(db);
 * const results = pushMany([{ space: 'team-1', events: encodeEvents(events) }]);
 */
export function createBatchWriter(
  db: Database.Database,
): (pushes: { space: string; events: EncodedEvent[] }[]) => BatchResult[] {
  // better-sqlite3 runs a transaction function called inside another as a savepoint.
  const push = createWriter(db);
  const group = db.transaction((pushes: { space: string; events: EncodedEvent[] }[]): BatchResult[] =>
    pushes.map(({ space, events }) => {
      try {
        return { ok: true, outcome: push(space, events) };
      } catch (error) {
        // Some errors (SQLITE_FULL, IOERR, NOMEM, RAISE(ROLLBACK)) end the whole transaction,
        // not just the savepoint: the pushes after would each commit alone, the group's
        // COMMIT would then fail and stored pushes be reported failed. Fail the group instead.
        if (!db.inTransaction) throw error;
        return { ok: false, error };
      }
    }),
  );
  return (pushes) => group.immediate(pushes);
}
