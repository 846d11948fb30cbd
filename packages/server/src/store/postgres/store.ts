import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import postgres, { type Sql } from 'postgres';
import { checkFromVersion, checkOpen, checkPullOptions } from '../checks.js';
import { planPush, pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PullPage, PushedEvent, PushOutcome, ServerEventStore } from '../types.js';
import { channelOf, LiveHub, payloadOf } from './live.js';
import { checkSchemaName, migrate } from './schema.js';

/** Options of `createPostgresServerStore`: a connection URL or a postgres.js instance. */
export type PostgresServerStoreOptions = (
  | {
      /** e.g. `postgres://user@host:5432/db`; the store owns (and ends) its pool. */ url: string;
      max?: number;
    }
  | {
      /** A postgres.js instance without column transforms; `close()` leaves it open. */
      sql: Sql;
    }
) & {
  /** The schema holding the store's tables (default `tidelog`), created if missing. */
  schema?: string;
};

interface EventRow {
  position: string | number;
  id: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: JsonObject;
  meta: EventMeta;
}

const toEnvelope = (r: EventRow): PositionedEnvelope => ({
  id: r.id,
  streamId: r.streamId,
  version: r.version,
  type: r.type,
  schemaVersion: r.schemaVersion,
  data: r.data,
  meta: r.meta,
  position: Number(r.position),
});

/**
 * A server store in PostgreSQL (postgres.js), for many server replicas on one database.
 * Each push is one transaction that first takes a transaction-scoped advisory lock on the
 * space (`pg_advisory_xact_lock(hashtextextended(schema:space, 0))`), so appends to a space
 * are serialized across replicas and commit in position order: positions stay gapless and
 * no reader ever sees position N+1 before N. Commits NOTIFY the schema's channel, which
 * wakes `watch` listeners on every replica. The schema is created or migrated on start.
 *
 * @example
 * import { createPostgresServerStore } from '@tidelog/server/postgres';
 * const store = await createPostgresServerStore({ url: process.env.DATABASE_URL! });
 */
export async function createPostgresServerStore(
  options: PostgresServerStoreOptions,
): Promise<ServerEventStore> {
  const schema = options.schema ?? 'tidelog';
  checkSchemaName(schema);
  const owned = 'url' in options;
  const sql = owned ? postgres(options.url, { max: options.max ?? 10, onnotice: () => {} }) : options.sql;
  let serverId: string;
  try {
    serverId = await migrate(sql, schema);
  } catch (error) {
    if (owned) await sql.end({ timeout: 5 });
    throw error;
  }
  const events = sql(`${schema}.events`);
  const channel = channelOf(schema);
  const columns = sql`position, id, stream_id AS "streamId", version, type,
    schema_version AS "schemaVersion", data, meta`;
  const headOf = async (space: string) => {
    const [row] = await sql<{ head: string }[]>`
      SELECT coalesce(max(position), 0) AS head FROM ${events} WHERE space = ${space}`;
    return Number(row?.head ?? 0);
  };
  const live = new LiveHub(sql, channel, headOf);
  let closed = false;
  const what = `postgres server store (schema ${schema})`;

  const push = (space: string, pushedEvents: PushedEvent[]): Promise<PushOutcome> =>
    sql.begin(async (tx) => {
      const { streamIds, ids } = pushKeys(pushedEvents);
      // Two statements, pipelined: the state query must take its snapshot after the lock.
      // LATERAL lookups pin the plan to one index probe per id and per stream, whatever
      // the table's statistics say (`id = ANY(…)` was planned as a scan of the space).
      const [, [state]] = await Promise.all([
        tx`SELECT pg_advisory_xact_lock(hashtextextended(${`${schema}:${space}`}, 0))`,
        tx<{ head: string; versions: Record<string, number>; known: [string, string, number, string][] }[]>`
          SELECT
            (SELECT coalesce(max(position), 0) FROM ${events} WHERE space = ${space}) AS head,
            (SELECT coalesce(json_object_agg(s, v), '{}') FROM (
               SELECT s, (SELECT max(version) FROM ${events} e WHERE e.space = ${space} AND e.stream_id = s) AS v
               FROM unnest(${streamIds}::text[]) AS s) x WHERE v IS NOT NULL) AS versions,
            (SELECT coalesce(json_agg(json_build_array(e.id, e.stream_id, e.version, e.position)), '[]')
               FROM unnest(${ids}::text[]) AS k(id),
               LATERAL (SELECT id, stream_id, version, position FROM ${events}
                        WHERE space = ${space} AND id = k.id) e) AS known`,
      ]);
      const known = new Map<string, StoredEventRef>();
      for (const [id, streamId, version, position] of state!.known) {
        known.set(id, { streamId, version, position: Number(position) });
      }
      const plan = planPush({
        events: pushedEvents,
        head: Number(state!.head),
        versions: new Map(Object.entries(state!.versions)),
        known,
      });
      const rows = plan.append;
      if (rows.length === 0) return plan.outcome;
      await Promise.all([
        tx`
          INSERT INTO ${events} (space, position, id, stream_id, version, type, schema_version, data, meta)
          SELECT ${space}, position, id, stream_id, version, type, schema_version, data::json, meta::json
          FROM unnest(
            ${rows.map((e) => e.position)}::bigint[], ${rows.map((e) => e.id)}::text[],
            ${rows.map((e) => e.streamId)}::text[], ${rows.map((e) => e.version)}::int[],
            ${rows.map((e) => e.type)}::text[], ${rows.map((e) => e.schemaVersion)}::int[],
            ${rows.map((e) => JSON.stringify(e.data))}::text[], ${rows.map((e) => JSON.stringify(e.meta))}::text[]
          ) AS r(position, id, stream_id, version, type, schema_version, data, meta)`,
        tx`SELECT pg_notify(${channel}, ${payloadOf(space, plan.outcome.head)})`,
      ]);
      return plan.outcome;
    });

  return {
    async serverId() {
      checkOpen(closed, what);
      return serverId;
    },
    async push(space, pushedEvents) {
      checkOpen(closed, what);
      const outcome = await push(space, pushedEvents);
      if (outcome.accepted.length > 0) live.deliver(space, outcome.head);
      return outcome;
    },
    async pull(space, options): Promise<PullPage> {
      checkOpen(closed, what);
      checkPullOptions(options);
      // One statement, one snapshot: the head is never behind the page.
      const rows = await sql<({ head: string } & Partial<EventRow>)[]>`
        SELECT h.head, e.* FROM
          (SELECT coalesce(max(position), 0) AS head FROM ${events} WHERE space = ${space}) h
          LEFT JOIN LATERAL (
            SELECT ${columns} FROM ${events}
            WHERE space = ${space} AND position > ${options.after} ORDER BY position LIMIT ${options.limit}
          ) e ON true`;
      const head = Number(rows[0]?.head ?? 0);
      const page =
        rows[0]?.id === undefined || rows[0].id === null ? [] : (rows as EventRow[]).map(toEnvelope);
      const last = page.length > 0 ? page[page.length - 1]!.position : options.after;
      return { events: page, head, hasMore: last < head };
    },
    async readStream(space, streamId, options = {}) {
      checkOpen(closed, what);
      const from = checkFromVersion(options.fromVersion);
      const rows = await sql<({ current: number } & Partial<EventRow>)[]>`
        SELECT v.current, e.* FROM
          (SELECT coalesce(max(version), 0) AS current FROM ${events}
           WHERE space = ${space} AND stream_id = ${streamId}) v
          LEFT JOIN LATERAL (
            SELECT ${columns} FROM ${events}
            WHERE space = ${space} AND stream_id = ${streamId} AND version >= ${from} ORDER BY version
          ) e ON true`;
      const version = Number(rows[0]?.current ?? 0);
      const found =
        rows[0]?.id === undefined || rows[0].id === null ? [] : (rows as EventRow[]).map(toEnvelope);
      return { events: found, version };
    },
    async head(space) {
      checkOpen(closed, what);
      return headOf(space);
    },
    watch(space, listener) {
      checkOpen(closed, what);
      return live.watch(space, listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await live.close();
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}
