import { DEFAULT_LIMITS } from '@tidelog/protocol';

/** The byte budget of a page when the caller names none (the protocol's default, 4 MiB). */
export const DEFAULT_PAGE_BYTES = DEFAULT_LIMITS.maxPageBytes;

/**
 * What an event's envelope fields add to its JSON beyond `data`, `meta` and the strings
 * counted apart: field names, quotes, commas, the numbers. Generous, so a page's JSON
 * stays under its budget.
 */
export const ENVELOPE_BYTES = 128;

/**
 * The size a page's budget counts for one event: the length of its `data` and `meta` JSON
 * text, its id, stream id and type, plus a fixed allowance for the rest of the envelope.
 * Each store measures the text as it holds it (UTF-8 bytes in SQL, UTF-16 code units in
 * memory): the budget bounds a page's size, it does not have to match it to the byte.
 *
 * @example
 * eventSize(row.data.length + row.meta.length, row.id, row.stream_id, row.type);
 */
export function eventSize(jsonLength: number, id: string, streamId: string, type: string): number {
  return jsonLength + id.length + streamId.length + type.length + ENVELOPE_BYTES;
}

/**
 * Fills one page: events are taken while their sizes fit in the budget, and the first is
 * taken whatever its size, so a page is never empty while events remain.
 *
 * @example
 * const budget = new PageBudget(options.maxBytes);
 * for (const row of rows) {
 *   if (!budget.take(sizeOf(row))) break;
 *   page.push(row);
 * }
 */
export class PageBudget {
  #left: number;
  #taken = 0;

  constructor(maxBytes: number = DEFAULT_PAGE_BYTES) {
    this.#left = maxBytes;
  }

  /** Take an event of `size` bytes: false when it does not fit (never for the first). */
  take(size: number): boolean {
    if (this.#taken > 0 && size > this.#left) return false;
    this.#left -= size;
    this.#taken++;
    return true;
  }
}
