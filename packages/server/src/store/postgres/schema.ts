import { ValidationError } from '@tidelog/core';
import type { Sql } from 'postgres';
import { APPEND_BATCH_SIGNATURE, appendBatchFunction } from './append-sql.js';

/** The schema version this code writes; a database from a newer version is refused. */
export const POSTGRES_SCHEMA_VERSION = 1;

/** Schema names this store accepts: plain lower-case identifiers, short enough for a channel name. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Refuse a schema name that is not a plain identifier (it is also part of the NOTIFY channel). */
export function checkSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError('schema must be a lower-case identifier of at most 48 characters', [
      { path: 'schema', message: `got ${JSON.stringify(schema)}` },
    ]);
  }
}

/**
 * The statements that create the store's tables, in order. `events` is keyed by
 * (space, position) so a pull is one index range scan; the two unique indexes serve the
 * push lookups and guarantee an id and a (stream, version) are never stored twice. `data`
 * and `meta` are `json` (kept verbatim: key order, and `\u0000` that `jsonb` refuses).
 */
function ddl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.events (
      space          text    NOT NULL,
      position       bigint  NOT NULL,
      id             text    NOT NULL,
      stream_id      text    NOT NULL,
      version        integer NOT NULL,
      type           text    NOT NULL,
      schema_version integer NOT NULL,
      data           json    NOT NULL,
      meta           json    NOT NULL,
      PRIMARY KEY (space, position)
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS events_id ON ${s}.events (space, id)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON ${s}.events (space, stream_id, version)`,
    appendBatchFunction(schema),
  ];
}

/**
 * Create or migrate the schema and mint the serverId once. Serialized by a
 * transaction-scoped advisory lock, so processes starting together neither race on
 * `CREATE … IF NOT EXISTS` nor mint two serverIds. Returns the serverId.
 */
export async function migrate(sql: Sql, schema: string): Promise<string> {
  // READ COMMITTED: under the lock, see what a concurrent migration committed.
  return sql.begin('isolation level read committed', async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`tidelog:migrate:${schema}`}, 0))`;
    const [found] = await tx<{ ready: boolean }[]>`
      SELECT to_regclass(format('%I.events', ${schema}::text)) IS NOT NULL
         AND to_regprocedure(format('%I.', ${schema}::text) || ${APPEND_BATCH_SIGNATURE}::text) IS NOT NULL
         AS ready`;
    // Skip the DDL when it is all there: `IF NOT EXISTS` would still log a notice per statement.
    if (!found?.ready) for (const statement of ddl(schema)) await tx.unsafe(statement);
    const meta = tx(`${schema}.meta`);
    await tx`
      INSERT INTO ${meta} (key, value)
      VALUES ('schemaVersion', ${String(POSTGRES_SCHEMA_VERSION)}), ('serverId', ${crypto.randomUUID()})
      ON CONFLICT (key) DO NOTHING`;
    const rows = await tx<{ key: string; value: string }[]>`SELECT key, value FROM ${meta}`;
    const values = new Map(rows.map((r) => [r.key, r.value]));
    const version = Number(values.get('schemaVersion'));
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new Error(
        `tidelog: schema "${schema}" is at version ${version}, newer than this version supports`,
      );
    }
    return values.get('serverId')!;
  });
}
