import type Database from 'better-sqlite3';

/** The schema version this code writes; a file from a newer version is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

/**
 * One row per event. The rowid (`seq`) follows commit order across all spaces, so the rows
 * of one space sit in position order and a pull reads them nearly sequentially. The three
 * unique indexes serve the three lookups and are also the last line of defence: a bug can
 * never store an id, a (stream, version) or a position twice.
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
