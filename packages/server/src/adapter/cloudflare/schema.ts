import { EVENT_LOG_DDL as DDL } from '../../store/sql-schema.js';
import type { SqlStorageLike } from './storage-types.js';

/** The schema version this code writes; storage written by a newer version is refused. */
export const DURABLE_OBJECT_SCHEMA_VERSION = 1;

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
