import type { PositionedEnvelope } from '@tidelog/core';
import type { SqlCursorLike } from './storage-types.js';

/** One stored event as the table holds it: `data` and `meta` as JSON text. */
export type EventRow = {
  position: number;
  id: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  meta: string;
};

export const EVENT_COLUMNS = 'position, id, stream_id, version, type, schema_version, data, meta';

/**
 * How much event JSON one page, SSE message or stream read carries at most (4 MiB), as the
 * protocol's pages do: always at least one event, so one large event still gets through.
 */
export const DEFAULT_PAGE_BYTES = 4 * 1024 * 1024;

/** Room for the envelope's own fields and punctuation around `data` and `meta`. */
const ENVELOPE_OVERHEAD = 200;

/**
 * Read rows until the cursor ends or the next row would pass `maxBytes` of event JSON
 * (counted as the stored `data` and `meta` text plus the other fields): the cursor is
 * lazy, so rows past the budget are never read. Returns the envelopes and whether rows
 * were left unread.
 *
 * @example
 * const { events, cut } = readBudgeted(sql.exec(query, space, after, limit), DEFAULT_PAGE_BYTES);
 */
export function readBudgeted(
  rows: SqlCursorLike<EventRow>,
  maxBytes: number,
): { events: PositionedEnvelope[]; cut: boolean } {
  const events: PositionedEnvelope[] = [];
  let bytes = 0;
  for (const row of rows) {
    bytes += row.data.length + row.meta.length + row.id.length + row.stream_id.length + row.type.length;
    bytes += ENVELOPE_OVERHEAD;
    if (events.length > 0 && bytes > maxBytes) return { events, cut: true };
    events.push({
      id: row.id,
      streamId: row.stream_id,
      version: row.version,
      type: row.type,
      schemaVersion: row.schema_version,
      data: JSON.parse(row.data),
      meta: JSON.parse(row.meta),
      position: row.position,
    });
  }
  return { events, cut: false };
}
