import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from './uuid.js';

describe('uuidv7', () => {
  it('has the v7 layout and the variant bits', () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
  });

  it('encodes the time and sorts in creation order, also within one millisecond', () => {
    const t = Date.UTC(2090, 10, 22); // later than any id this process minted before
    expect(Number.parseInt(uuidv7(t).replace(/-/g, '').slice(0, 12), 16)).toBe(t);
    const ids = Array.from({ length: 5000 }, () => uuidv7(t + 1));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws fresh random bits for every id across pool refills', () => {
    // 1,000 ids span several refills of the random pool; ids of different milliseconds
    // share no random tail (a pool handed out twice would repeat one).
    const tails = Array.from({ length: 1000 }, (_, i) => uuidv7(Date.UTC(2091, 0, 1) + i * 10).slice(19));
    expect(new Set(tails).size).toBe(tails.length);
  });

  it('stays ordered when the clock goes backwards', () => {
    const a = uuidv7(Date.UTC(2095, 0, 1));
    const b = uuidv7(Date.UTC(2020, 0, 1));
    expect(b > a).toBe(true);
  });
});
