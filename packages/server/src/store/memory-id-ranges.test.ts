import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdRanges } from './memory-id-ranges.js';

const id = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 3 });
const range = fc.tuple(id, id).map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)));

describe('IdRanges', () => {
  it('says "may hold" for every id inside an added range, and "no" outside all of them', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 30 }), fc.array(id, { maxLength: 30 }), (ranges, queries) => {
        const set = new IdRanges();
        for (const [lo, hi] of ranges) set.add(lo, hi);
        for (const q of [...queries, ...ranges.flat()]) {
          const inside = ranges.some(([lo, hi]) => lo <= q && q <= hi);
          expect(set.mayHold(q), `${q} in ${JSON.stringify(ranges)}`).toBe(inside);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays right past its range limit (merged ranges only cover more)', () => {
    const set = new IdRanges();
    const key = (n: number) => n.toString(16).padStart(8, '0');
    // Disjoint ranges with gaps, added in shuffled order, more than the limit of 4096.
    const order = Array.from({ length: 6000 }, (_, i) => (i * 2654435761) % 6000);
    for (const n of order) set.add(key(n * 10), key(n * 10 + 5));
    for (let n = 0; n < 6000; n += 7) {
      expect(set.mayHold(key(n * 10))).toBe(true);
      expect(set.mayHold(key(n * 10 + 5))).toBe(true);
    }
    expect(set.mayHold(key(60_000))).toBe(false);
  });
});
