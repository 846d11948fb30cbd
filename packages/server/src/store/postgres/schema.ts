import { ValidationError } from '@tidelog/core';
import type { Sql } from 'postgres';

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
    appendFunction(schema),
  ];
}

/**
 * `append(space, versions, rows, nested, channel)`: the locked part of a push, in one
 * round trip. Takes the space's advisory lock, checks that the plan still holds (every
 * pushed stream at the version the plan assumed; no id it thought new stored since, which
 * the unique index on ids reports as the insert runs), then inserts the rows at head +
 * their relative positions and notifies. Returns the head it appended after, or NULL
 * (nothing written) when the plan is stale. `rows` is a JSON array; its `data` and `meta`
 * are JSON values, or, with `nested`, JSON text in strings (json_to_recordset refuses a
 * \u0000 escape anywhere in the array, but not one inside a string it only unescapes).
 * A VOLATILE plpgsql function takes a fresh snapshot per statement, so the reads after
 * the lock see every commit of the lock's previous holders.
 */
function appendFunction(schema: string): string {
  const s = `"${schema}"`;
  const columns = 'rel bigint, id text, stream_id text, version integer, type text, schema_version integer';
  const insert = (kind: 'json' | 'text') => `
        INSERT INTO ${s}.events (space, position, id, stream_id, version, type, schema_version, data, meta)
        SELECT p_space, v_head + r.rel, r.id, r.stream_id, r.version, r.type, r.schema_version,
               r.data::json, r.meta::json
        FROM json_to_recordset(p_rows::json) AS r(${columns}, data ${kind}, meta ${kind});`;
  return `CREATE OR REPLACE FUNCTION ${s}.append(
      p_space text, p_versions json, p_rows text, p_nested boolean, p_channel text)
    RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_head bigint;
      v_count bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(${lockPrefixLiteral(schema)} || p_space, 0));
      IF EXISTS (
        SELECT 1 FROM json_each_text(p_versions) AS v(stream_id, version)
        WHERE coalesce((SELECT max(e.version) FROM ${s}.events e
                        WHERE e.space = p_space AND e.stream_id = v.stream_id), 0) <> v.version::integer
      ) THEN
        RETURN NULL;
      END IF;
      SELECT coalesce(max(position), 0) INTO v_head FROM ${s}.events WHERE space = p_space;
      BEGIN
        IF p_nested THEN ${insert('text')}
        ELSE ${insert('json')}
        END IF;
        GET DIAGNOSTICS v_count = ROW_COUNT;
      EXCEPTION WHEN unique_violation THEN
        -- An id the plan thought new was stored since (the versions matched, so the
        -- unique index on ids is what tells): the plan is stale, nothing was written.
        RETURN NULL;
      END;
      PERFORM pg_notify(p_channel, (v_head + v_count)::text || ':' || p_space);
      RETURN v_head;
    END
    $fn$`;
}

/** The advisory lock key of a space is `hashtextextended(<schema>:<space>, 0)`. */
export const lockKeyText = (schema: string, space: string): string => `${schema}:${space}`;
const lockPrefixLiteral = (schema: string): string => `'${schema}:'`;

/**
 * Create or migrate the schema and mint the serverId once. Serialized by a
 * transaction-scoped advisory lock, so processes starting together neither race on
 * `CREATE … IF NOT EXISTS` nor mint two serverIds. Returns the serverId.
 */
export async function migrate(sql: Sql, schema: string): Promise<string> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`tidelog:migrate:${schema}`}, 0))`;
    const [found] = await tx<{ ready: boolean }[]>`
      SELECT to_regclass(format('%I.events', ${schema}::text)) IS NOT NULL
         AND to_regprocedure(format('%I.append(text, json, text, boolean, text)', ${schema}::text)) IS NOT NULL
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
