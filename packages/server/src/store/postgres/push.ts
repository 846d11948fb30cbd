import type { Sql, TransactionSql } from 'postgres';
import { type PushPlan, planPush, pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PushedEvent, PushOutcome } from '../types.js';
import { lockKeyText } from './schema.js';

interface State {
  head: string;
  versions: Record<string, number>;
  known: [id: string, streamId: string, version: number, position: number][];
}

/**
 * How a PostgreSQL store applies a push. Optimistic first: read the state of the push's
 * streams and ids without a lock, plan, then one `append()` call takes the space's
 * advisory lock, re-checks that state and inserts; the lock is held only for that call and
 * its commit. When another push changed the state in between, the plan is stale and the
 * push is decided again inside a transaction that takes the lock before it reads.
 * Either way every write happens under the lock, so positions are gapless and in commit
 * order; a push that writes nothing (duplicates, conflicts) is decided from one snapshot.
 */
export function createPusher(sql: Sql, schema: string, channel: string) {
  const events = sql(`${schema}.events`);
  const append = sql(`${schema}.append`);

  /**
   * One snapshot of what a plan depends on; LATERAL keeps it to index probes. Without
   * `withKnown` the ids are not looked up (the caller then treats them all as new).
   */
  const readState = async (
    db: Sql | TransactionSql,
    space: string,
    pushed: PushedEvent[],
    withKnown = true,
  ) => {
    const { streamIds, ids: allIds } = pushKeys(pushed);
    const ids = withKnown ? allIds : [];
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

  /** Call append() with a plan made at head 0; the head it appended after, or null if stale. */
  const appendPlan = async (
    db: Sql | TransactionSql,
    space: string,
    state: Awaited<ReturnType<typeof readState>>,
    plan: PushPlan,
  ): Promise<number | null> => {
    const rows = plan.append.map((e) => ({
      rel: e.position,
      id: e.id,
      stream_id: e.streamId,
      version: e.version,
      type: e.type,
      schema_version: e.schemaVersion,
      // Nested as strings: json_to_recordset would refuse a \u0000 inside a json field.
      data: JSON.stringify(e.data),
      meta: JSON.stringify(e.meta),
    }));
    const [row] = await db<{ head: string | null }[]>`
      SELECT ${append}(${space}, ${JSON.stringify(Object.fromEntries(state.versions))}::text::json,
        ${JSON.stringify(rows)}, ${channel}) AS head`;
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

  /** Lock first, then read: cannot be stale. Used when the optimistic plan was. */
  const lockedPush = (space: string, pushed: PushedEvent[]) =>
    sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${lockKeyText(schema, space)}, 0))`;
      const state = await readState(tx, space, pushed);
      const plan = planPush({ events: pushed, head: 0, versions: state.versions, known: state.known });
      if (plan.append.length === 0) return { ...plan.outcome, head: state.head };
      const base = await appendPlan(tx, space, state, plan);
      if (base === null) throw new Error('tidelog: append() found a plan stale under the space lock');
      return shift(plan.outcome, base);
    });

  return async (space: string, pushed: PushedEvent[]): Promise<PushOutcome> => {
    // Most pushes carry only new events: plan as if every id were new. If that plan
    // accepts every group, the unique index on ids proves it during the insert (a stored
    // id makes append() report the plan stale); otherwise look the ids up and plan again.
    let state = await readState(sql, space, pushed, false);
    let plan = planPush({ events: pushed, head: 0, versions: state.versions, known: state.known });
    if (plan.outcome.conflicts.length > 0) {
      state = await readState(sql, space, pushed);
      plan = planPush({ events: pushed, head: 0, versions: state.versions, known: state.known });
    }
    if (plan.append.length === 0) return { ...plan.outcome, head: state.head };
    const base = await appendPlan(sql, space, state, plan);
    return base === null ? lockedPush(space, pushed) : shift(plan.outcome, base);
  };
}
