import type Database from 'better-sqlite3';

/**
 * The consumer tables, in the same file as the events so that an exactly-once handler's
 * writes, the offset and the events can share one transaction. `expires_at` is in
 * milliseconds since the epoch: every process on one file shares one machine's clock.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS tidelog_consumer_leases (
  name       TEXT    PRIMARY KEY,
  owner      TEXT    NOT NULL,
  fence      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tidelog_consumer_offsets (
  name          TEXT    NOT NULL,
  space         TEXT    NOT NULL,
  position      INTEGER NOT NULL,
  state         TEXT,
  state_version INTEGER,
  PRIMARY KEY (name, space)
);
CREATE TABLE IF NOT EXISTS tidelog_dead_letters (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT    NOT NULL,
  space           TEXT    NOT NULL,
  from_position   INTEGER NOT NULL,
  to_position     INTEGER NOT NULL,
  attempts        INTEGER NOT NULL,
  error           TEXT    NOT NULL,
  parked_at       TEXT    NOT NULL,
  retry_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tidelog_dead_letters_name ON tidelog_dead_letters (name, id);
`;

/**
 * Create the consumer tables if missing (idempotent, safe from several processes).
 *
 * @example
 * migrateConsumers(db);
 */
export function migrateConsumers(db: Database.Database): void {
  db.transaction(() => db.exec(DDL)).immediate();
}
