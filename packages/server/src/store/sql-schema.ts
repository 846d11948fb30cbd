/**
 * The event log's tables, shared by the SQLite store and the Durable Object store (both
 * SQLite). One row per event. The rowid (`seq`) follows commit order across all spaces, so the rows
 * of one space sit in position order and a pull reads them nearly sequentially. The three
 * unique indexes serve the three lookups and are also the last line of defence: a bug can
 * never store an id, a (stream, version) or a position twice. A Durable Object holds one
 * space in practice; the `space` column keeps its store a full `ServerEventStore`.
 */
export const EVENT_LOG_DDL = `
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
