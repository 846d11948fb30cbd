import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import postgres, { type Sql } from 'postgres';
import { checkFromVersion, checkOpen, checkPullOptions } from '../checks.js';
import type { PullPage, ServerEventStore } from '../types.js';
import { channelOf, LiveHub } from './live.js';
import { createPusher } from './push.js';
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
 * Every write to a space is a transaction that first takes a transaction-scoped advisory
 * lock on the space (`pg_advisory_xact_lock(hashtextextended(schema:space, 0))`); pushes
 * to one space that arrive while one is being written are written together in the next
 * such transaction (group commit, each push still decided and answered alone). So appends to a space
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
  // The pool it owns runs READ COMMITTED with synchronous commits whatever the database's or
  // role's defaults say (a session setting wins over both); the SQL forces the same on a
  // caller's client, at a cost (see append-sql.ts).
  const sql = owned
    ? postgres(options.url, {
        max: options.max ?? 10,
        onnotice: () => {},
        connection: { default_transaction_isolation: 'read committed', synchronous_commit: 'on' },
      })
    : options.sql;
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

  const push = createPusher(sql, schema, channel);
  // Pushes still running: close() lets them finish (some wait in a group commit queue and
  // have not reached the database yet) before it ends the pool.
  const pushing = new Set<Promise<unknown>>();

  return {
    async serverId() {
      checkOpen(closed, what);
      return serverId;
    },
    async push(space, pushedEvents) {
      checkOpen(closed, what);
      const running = push(space, pushedEvents);
      pushing.add(running);
      try {
        const outcome = await running;
        if (outcome.accepted.length > 0) live.deliver(space, outcome.head);
        return outcome;
      } finally {
        pushing.delete(running);
      }
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
      // SQL does not promise a join keeps its inner ORDER BY; sorting sorted input is linear.
      page.sort((a, b) => a.position - b.position);
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
      found.sort((a, b) => a.version - b.version);
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
      await Promise.allSettled([...pushing]);
      await live.close();
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}
