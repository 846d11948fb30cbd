import type { SqlStorageLike } from './storage-types.js';

/** The schema version this code writes; storage written by a newer version is refused. */
export const DURABLE_OBJECT_SCHEMA_VERSION = 1;

/**
 * One row per event, as in the SQLite store. A Durable Object holds one space in practice,
 * but the `space` column keeps the store a full `ServerEventStore` (any space, isolated),
 * so it runs the same conformance suite as the others. The unique indexes are the last
 * line of defence: an id, a (stream, version) or a position can never be stored twice.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS tidelog_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tidelog_events (
  seq            INTEGER PRIMARY KEY,
  space          TEXT    NOT NULL,
  position       INTEGER NOT NULL,
  id             TEXT    NOT NULL,
  stream_id      TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  meta           TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS tidelog_events_position ON tidelog_events (space, position);
CREATE UNIQUE INDEX IF NOT EXISTS tidelog_events_id ON tidelog_events (space, id);
CREATE UNIQUE INDEX IF NOT EXISTS tidelog_events_stream ON tidelog_events (space, stream_id, version);
`;

/**
 * Create the schema if missing and mint the serverId once. A Durable Object runs one
 * instance at a time and these statements are synchronous, so no other request interleaves.
 * Returns the serverId.
 *
 * @example
 * const serverId = migrate(ctx.storage.sql);
 */
export function migrate(sql: SqlStorageLike): string {
  sql.exec(DDL);
  sql.exec(
    'INSERT OR IGNORE INTO tidelog_meta (key, value) VALUES (?, ?), (?, ?)',
    'schemaVersion',
    String(DURABLE_OBJECT_SCHEMA_VERSION),
    'serverId',
    crypto.randomUUID(),
  );
  const rows = sql
    .exec<{ key: string; value: string }>(
      "SELECT key, value FROM tidelog_meta WHERE key IN ('schemaVersion', 'serverId')",
    )
    .toArray();
  const value = (key: string) => rows.find((row) => row.key === key)?.value;
  const version = Number(value('schemaVersion'));
  if (version > DURABLE_OBJECT_SCHEMA_VERSION) {
    throw new Error(`tidelog: durable object schema ${version} is newer than this version supports`);
  }
  return value('serverId')!;
}
