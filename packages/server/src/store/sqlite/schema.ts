import type Database from 'better-sqlite3';
import { EVENT_LOG_DDL as DDL } from '../sql-schema.js';

/** The schema version this code writes; a file from a newer version is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

/**
 * Create the schema if missing and mint the serverId once, atomically, so two processes
 * opening a new file together agree on one serverId. Returns the serverId.
 */
export function migrate(db: Database.Database): string {
  return db
    .transaction(() => {
      db.exec(DDL);
      db.prepare('INSERT OR IGNORE INTO tidelog_meta (key, value) VALUES (?, ?)').run(
        'schemaVersion',
        String(SQLITE_SCHEMA_VERSION),
      );
      db.prepare('INSERT OR IGNORE INTO tidelog_meta (key, value) VALUES (?, ?)').run(
        'serverId',
        crypto.randomUUID(),
      );
      const read = db.prepare<[string], string>('SELECT value FROM tidelog_meta WHERE key = ?').pluck();
      const version = Number(read.get('schemaVersion'));
      if (version > SQLITE_SCHEMA_VERSION) {
        throw new Error(`tidelog: database schema ${version} is newer than this version supports`);
      }
      return read.get('serverId')!;
    })
    .immediate();
}
