import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs } from './backoff.js';

describe('backoff', () => {
  it('doubles its cap from 100 ms to 30 s, with full jitter below the cap', () => {
    const caps = Array.from({ length: 12 }, (_, attempt) => backoffDelay(attempt, () => 0.999999));
    expect(caps.slice(0, 4)).toEqual([99, 199, 399, 799]);
    expect(caps.at(-1)).toBe(29_999);
    expect(backoffDelay(5000, () => 0.5)).toBe(15_000);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });

  it("reads Retry-After as seconds or a date, and ignores what it can't read", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
