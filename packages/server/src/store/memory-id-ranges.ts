/** Past this many ranges, neighbours are merged: the set covered only grows, so answers stay right. */
const MAX_RANGES = 4096;

/**
 * Which ids a space may hold, as sorted, disjoint ranges `[lo, hi]` (string order) that
 * cover every stored id: one range per push, merged where they overlap. UUIDv7 ids grow
 * with time, so a push's ids usually fall between earlier pushes' ranges even when pushes
 * arrive out of order, and `mayHold` answers "no" without an id map. A "yes" only means
 * "look it up".
 *
 * @example
 * const ranges = new IdRanges();
 * ranges.add('0190…0001', '0190…0064');
 * ranges.mayHold('0190…0100'); // false
 */
export class IdRanges {
  readonly #lo: string[] = [];
  readonly #hi: string[] = [];

  /** Index of the last range with `lo <= id`, or -1. */
  #floor(id: string): number {
    let a = 0;
    let b = this.#lo.length - 1;
    let found = -1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      if (this.#lo[mid]! <= id) {
        found = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    return found;
  }

  /** False when no stored id can equal `id`. */
  mayHold(id: string): boolean {
    const n = this.#hi.length;
    if (n === 0 || id > this.#hi[n - 1]!) return false; // the usual case: newer than all
    const i = this.#floor(id);
    return i >= 0 && id <= this.#hi[i]!;
  }

  /** Cover `[lo, hi]` (lo ≤ hi), merging every range it touches. */
  add(lo: string, hi: string): void {
    const los = this.#lo;
    const his = this.#hi;
    let start = this.#floor(lo);
    if (start < 0 || his[start]! < lo) start++; // the first range that may overlap
    let end = start;
    while (end < los.length && los[end]! <= hi) end++; // ranges [start, end) overlap
    if (end > start) {
      if (los[start]! < lo) lo = los[start]!;
      if (his[end - 1]! > hi) hi = his[end - 1]!;
    }
    los.splice(start, end - start, lo);
    his.splice(start, end - start, hi);
    if (los.length > MAX_RANGES) this.#coarsen();
  }

  /** Merge ranges pairwise (covering the gaps between them too). */
  #coarsen(): void {
    const los = this.#lo;
    const his = this.#hi;
    let n = 0;
    for (let i = 0; i < los.length; i += 2) {
      los[n] = los[i]!;
      his[n] = his[Math.min(i + 1, his.length - 1)]!;
      n++;
    }
    los.length = n;
    his.length = n;
  }
}
