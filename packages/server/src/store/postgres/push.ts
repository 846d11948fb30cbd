import type { Sql, TransactionSql } from 'postgres';
import { type PushPlan, planPush, pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PushedEvent, PushOutcome } from '../types.js';
import { lockKeyText } from './schema.js';

interface State {
  head: string;
  versions: Record<string, number>;
  known: [id: string, streamId: string, version: number, position: number][];
}

const NONE: ReadonlyMap<string, StoredEventRef> = new Map();

/**
 * How a PostgreSQL store applies a push, every write under the space's advisory lock:
 *
 * 1. Fast path, one round trip: plan on what the client assumed (each stream at its first
 *    pushed version − 1, every id new), which accepts every group; one `append()` call
 *    takes the lock, checks each stream is at the assumed version, and inserts (a unique
 *    violation on the id index means an id was not new). The lock is held for that call
 *    and its commit only.
 * 2. If the assumption was wrong (a conflict, a duplicate, a race lost), decide the push
 *    again in a transaction that takes the lock before it reads the real state: that
 *    plan cannot be stale.
 *
 * @example
 * const push = createPusher(sql, 'tidelog', 'tidelog_tidelog');
 * const outcome = await push('team-1', events);
 */
export function createPusher(sql: Sql, schema: string, channel: string) {
  const events = sql(`${schema}.events`);
  const append = sql(`${schema}.append`);

  /** The state a plan depends on, in one statement; LATERAL keeps it to index probes. */
  const readState = async (db: TransactionSql, space: string, pushed: PushedEvent[]) => {
    const { streamIds, ids } = pushKeys(pushed);
    const [state] = await db<State[]>`
      SELECT
        (SELECT coalesce(max(position), 0) FROM ${events} WHERE space = ${space}) AS head,
        (SELECT coalesce(json_object_agg(s, v), '{}') FROM (
           SELECT s, (SELECT max(version) FROM ${events} e WHERE e.space = ${space} AND e.stream_id = s) AS v
           FROM unnest(${streamIds}::text[]) AS s) x WHERE v IS NOT NULL) AS versions,
        (SELECT coalesce(json_agg(json_build_array(e.id, e.stream_id, e.version, e.position)), '[]')
           FROM unnest(${ids}::text[]) AS k(id),
           LATERAL (SELECT id, stream_id, version, position FROM ${events}
                    WHERE space = ${space} AND id = k.id) e) AS known`;
    const known = new Map<string, StoredEventRef>();
    for (const [id, streamId, version, position] of state!.known) {
      known.set(id, { streamId, version, position: Number(position) });
    }
    const versions = new Map<string, number>(streamIds.map((s) => [s, state!.versions[s] ?? 0]));
    return { head: Number(state!.head), versions, known };
  };

  /**
   * Call append() with a plan made at head 0 on `versions` (every pushed stream); resolves
   * with the head it appended after, or null when the plan was stale (nothing written).
   */
  const appendPlan = async (
    db: Sql | TransactionSql,
    space: string,
    versions: ReadonlyMap<string, number>,
    plan: PushPlan,
  ): Promise<number | null> => {
    const rows = plan.append.map((e) => ({
      rel: e.position,
      id: e.id,
      stream_id: e.streamId,
      version: e.version,
      type: e.type,
      schema_version: e.schemaVersion,
      data: e.data as unknown,
      meta: e.meta as unknown,
    }));
    let json = JSON.stringify(rows);
    // json_to_recordset refuses a \u0000 escape in the array; such rows (rare) carry their
    // data and meta as JSON text inside strings instead, which it only unescapes.
    const nested = json.includes('\\u0000');
    if (nested) {
      for (const row of rows) {
        row.data = JSON.stringify(row.data);
        row.meta = JSON.stringify(row.meta);
      }
      json = JSON.stringify(rows);
    }
    const [row] = await db<{ head: string | null }[]>`
      SELECT ${append}(${space}, ${JSON.stringify(Object.fromEntries(versions))}::text::json,
        ${json}, ${nested}, ${channel}) AS head`;
    return row?.head == null ? null : Number(row.head);
  };

  const shift = (outcome: PushOutcome, base: number): PushOutcome => ({
    accepted: outcome.accepted.map((g) => ({
      ...g,
      fromPosition: g.fromPosition + base,
      toPosition: g.toPosition + base,
    })),
    duplicates: outcome.duplicates,
    conflicts: outcome.conflicts,
    head: outcome.head + base,
  });

  const lockedPush = (space: string, pushed: PushedEvent[]) =>
    sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${lockKeyText(schema, space)}, 0))`;
      const state = await readState(tx, space, pushed);
      const plan = planPush({ events: pushed, head: 0, versions: state.versions, known: state.known });
      if (plan.append.length === 0) return { ...plan.outcome, head: state.head };
      const base = await appendPlan(tx, space, state.versions, plan);
      if (base === null) throw new Error('tidelog: append() found a plan stale under the space lock');
      return shift(plan.outcome, base);
    });

  return async (space: string, pushed: PushedEvent[]): Promise<PushOutcome> => {
    const assumed = new Map<string, number>();
    for (const e of pushed) if (!assumed.has(e.streamId)) assumed.set(e.streamId, e.version - 1);
    const plan = planPush({ events: pushed, head: 0, versions: assumed, known: NONE });
    // A plan on the assumed state only has conflicts when the push repeats an id.
    if (plan.outcome.conflicts.length === 0 && plan.append.length > 0) {
      const base = await appendPlan(sql, space, assumed, plan);
      if (base !== null) return shift(plan.outcome, base);
    }
    return lockedPush(space, pushed);
  };
}
