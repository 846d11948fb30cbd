import type { Sql } from 'postgres';

/** The consumer tables, beside the store's `events` in its schema. */
function ddl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.consumer_leases (
      name       text        PRIMARY KEY,
      owner      text        NOT NULL,
      fence      bigint      NOT NULL,
      expires_at timestamptz NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.consumer_offsets (
      name          text    NOT NULL,
      space         text    NOT NULL,
      position      bigint  NOT NULL,
      state         json,
      state_version integer,
      PRIMARY KEY (name, space)
    )`,
    `CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
      id              bigserial   PRIMARY KEY,
      name            text        NOT NULL,
      space           text        NOT NULL,
      from_position   bigint      NOT NULL,
      to_position     bigint      NOT NULL,
      attempts        integer     NOT NULL,
      error           json        NOT NULL,
      parked_at       timestamptz NOT NULL DEFAULT now(),
      retry_requested boolean     NOT NULL DEFAULT false
    )`,
    `CREATE INDEX IF NOT EXISTS dead_letters_name ON ${s}.dead_letters (name, id)`,
  ];
}

/**
 * Create the consumer tables if missing, serialized across processes by a
 * transaction-scoped advisory lock.
 *
 * @example
 * await migrateConsumers(sql, 'tidelog');
 */
export async function migrateConsumers(sql: Sql, schema: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`tidelog:migrate-consumers:${schema}`}, 0))`;
    const [found] = await tx<{ ready: boolean }[]>`
      SELECT to_regclass(format('%I.dead_letters', ${schema}::text)) IS NOT NULL AS ready`;
    // Skip the DDL when it is there: `IF NOT EXISTS` would still log a notice per statement.
    if (!found?.ready) for (const statement of ddl(schema)) await tx.unsafe(statement);
  });
}
