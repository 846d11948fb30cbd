import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';

describe('Admission', () => {
  it('lets pushes in up to the count and byte bounds, and in again once released', () => {
    const admission = new Admission({ maxPushes: 2, maxBytes: 100 }, 'the queue');
    const a = admission.enter(10);
    const b = admission.enter(10);
    expect(() => admission.enter(1)).toThrow(expect.objectContaining({ code: 'UNAVAILABLE', retryAfter: 1 }));
    a();
    a(); // idempotent
    expect(admission.load).toEqual({ pushes: 1, bytes: 10 });
    expect(() => admission.enter(91)).toThrow(/the queue is full/);
    const c = admission.enter(90);
    b();
    c();
    expect(admission.load).toEqual({ pushes: 0, bytes: 0 });
  });

  it('always lets one push in when nothing waits, however large', () => {
    const admission = new Admission({ maxBytes: 10 }, 'q');
    const release = admission.enter(1_000_000);
    expect(() => admission.enter(1)).toThrow();
    release();
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => new Admission({ maxPushes: 0 }, 'q')).toThrow(RangeError);
    expect(() => new Admission({ maxBytes: 1.5 }, 'q')).toThrow(RangeError);
  });
});
