import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import { MAX_VERSION } from '@tidelog/protocol';
import postgres, { type Sql } from 'postgres';
import { Admission, type AdmissionLimits } from '../admission.js';
import { checkOpen, checkPullOptions, checkStreamOptions } from '../checks.js';
import { DEFAULT_PAGE_BYTES, ENVELOPE_BYTES } from '../page-budget.js';
import type { PullPage, ServerEventStore, StreamPage } from '../types.js';
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
  /**
   * Bounds of the pushes this process holds waiting for (or in) a group commit, across
   * spaces: past either, a push is refused at once with `UNAVAILABLE` (503, Retry-After)
   * instead of waiting. Defaults: 1,000 pushes, 64 MiB of event data and meta.
   */
  queue?: Partial<AdmissionLimits>;
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
  const admission = new Admission(options.queue, 'the PostgreSQL push queue');
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
  // A page's rows with the running total of their sizes (as eventSize counts them, in
  // UTF-8 bytes): rows past the budget are never detoasted nor sent. octet_length of a
  // json value reads its stored length, not its text.
  // The first row (nothing before it) is always in the page.
  const size = sql`(octet_length(data::text) + octet_length(meta::text) + octet_length(id)
    + octet_length(stream_id) + octet_length(type) + ${ENVELOPE_BYTES}::integer)`;
  const sized = (order: 'position' | 'version') => sql`${columns}, ${size} AS size,
    sum(${size}) OVER (ORDER BY ${sql(order)} ROWS UNBOUNDED PRECEDING) AS running`;
  const outer = sql`w.position, w.id, w."streamId", w.version, w.type, w."schemaVersion", w.data, w.meta`;
  const headOf = async (space: string) => {
    const [row] = await sql<{ head: string }[]>`
      SELECT coalesce(max(position), 0) AS head FROM ${events} WHERE space = ${space}`;
    return Number(row?.head ?? 0);
  };
  const live = new LiveHub(sql, channel, headOf);
  let closed = false;
  const what = `postgres server store (schema ${schema})`;

  const push = createPusher(sql, schema, channel, admission);
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
      const maxBytes = options.maxBytes ?? DEFAULT_PAGE_BYTES;
      // One statement, one snapshot: the head is never behind the page.
      const rows = await sql<({ head: string } & Partial<EventRow>)[]>`
        SELECT h.head, e.* FROM
          (SELECT coalesce(max(position), 0) AS head FROM ${events} WHERE space = ${space}) h
          LEFT JOIN LATERAL (
            SELECT ${outer} FROM (
              SELECT ${sized('position')} FROM ${events}
              WHERE space = ${space} AND position > ${options.after} ORDER BY position LIMIT ${options.limit}
            ) w WHERE w.running = w.size OR w.running <= ${maxBytes}
          ) e ON true`;
      const head = Number(rows[0]?.head ?? 0);
      const page =
        rows[0]?.id === undefined || rows[0].id === null ? [] : (rows as EventRow[]).map(toEnvelope);
      // SQL does not promise a join keeps its inner ORDER BY; sorting sorted input is linear.
      page.sort((a, b) => a.position - b.position);
      const last = page.length > 0 ? page[page.length - 1]!.position : options.after;
      return { events: page, head, hasMore: last < head };
    },
    async readStream(space, streamId, options = {}): Promise<StreamPage> {
      checkOpen(closed, what);
      const { from, limit, maxBytes = DEFAULT_PAGE_BYTES } = checkStreamOptions(options);
      const rows = await sql<({ current: number } & Partial<EventRow>)[]>`
        SELECT v.current, e.* FROM
          (SELECT coalesce(max(version), 0) AS current FROM ${events}
           WHERE space = ${space} AND stream_id = ${streamId}) v
          LEFT JOIN LATERAL (
            SELECT ${outer} FROM (
              SELECT ${sized('version')} FROM ${events}
              WHERE space = ${space} AND stream_id = ${streamId} AND version >= ${from}
              ORDER BY version LIMIT ${Math.min(limit, MAX_VERSION)}
            ) w WHERE w.running = w.size OR w.running <= ${maxBytes}
          ) e ON true`;
      const version = Number(rows[0]?.current ?? 0);
      const found =
        rows[0]?.id === undefined || rows[0].id === null ? [] : (rows as EventRow[]).map(toEnvelope);
      found.sort((a, b) => a.version - b.version);
      const last = found.length > 0 ? found[found.length - 1]!.version : from - 1;
      return { events: found, version, hasMore: last < version };
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
