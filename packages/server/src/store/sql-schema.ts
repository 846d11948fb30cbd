import type { PositionedEnvelope } from '@tidelog/core';
import { eventSize, PageBudget } from './page-budget.js';

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

/** One stored event as the SQLite tables hold it: `data` and `meta` as JSON text. */
export interface EventRow {
  position: number;
  id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  meta: string;
}

/** The columns of an `EventRow`, for `SELECT`. */
export const EVENT_COLUMNS = 'position, id, stream_id, version, type, schema_version, data, meta';

/** The envelope of a stored row. */
export const rowToEnvelope = (row: EventRow): PositionedEnvelope => ({
  id: row.id,
  streamId: row.stream_id,
  version: row.version,
  type: row.type,
  schemaVersion: row.schema_version,
  data: JSON.parse(row.data),
  meta: JSON.parse(row.meta),
  position: row.position,
});

/**
 * Read rows one at a time until they run out or the next would pass `maxBytes` of event
 * JSON (`PageBudget`: always at least one event), so a page of large events never has more
 * of them in memory than it sends; rows past the budget are never read. `textLength`
 * measures the `data` and `meta` text as the store counts it (UTF-8 bytes where it can).
 *
 * @example
 * const { events, cut } = readRows(statement.iterate(space, after, limit), maxBytes, Buffer.byteLength);
 */
export function readRows(
  rows: Iterable<EventRow>,
  maxBytes: number | undefined,
  textLength: (text: string) => number = (text) => text.length,
): { events: PositionedEnvelope[]; cut: boolean } {
  const budget = new PageBudget(maxBytes);
  const events: PositionedEnvelope[] = [];
  for (const row of rows) {
    const size = eventSize(textLength(row.data) + textLength(row.meta), row.id, row.stream_id, row.type);
    if (!budget.take(size)) return { events, cut: true };
    events.push(rowToEnvelope(row));
  }
  return { events, cut: false };
}
