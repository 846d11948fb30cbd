import { describe, expect, it } from 'vitest';
import { Counter } from '../test-fixtures.js';
import { ManualTimers } from '../timers.js';
import { StreamCache, type StreamEntry } from './stream-cache.js';

const entry = (streamId: string): StreamEntry => ({
  aggregate: Counter,
  streamId,
  snapshot: { streamId, state: { count: 0 }, version: 0, revision: 0 },
  snapshotAt: 0,
});

describe('StreamCache', () => {
  it('evicts exactly idleMs after the last use, with one timer per entry however often it is used', () => {
    const timers = new ManualTimers();
    const cache = new StreamCache(1000, timers);
    cache.set(entry('k'));
    for (let i = 0; i < 50; i++) {
      timers.advance(10);
      expect(cache.get('k', 'counter')).toBeDefined();
    }
    expect(timers.pending).toBe(1);
    // Last use at 500 ms: still there at 1499, gone at 1500.
    timers.advance(999);
    expect(cache.peek('k', 'counter')).toBeDefined();
    timers.advance(1);
    expect(cache.peek('k', 'counter')).toBeUndefined();
    expect(timers.pending).toBe(0);
  });

  it('does not time a subscribed entry, and times it again from the release of its subscriber', () => {
    const timers = new ManualTimers();
    const cache = new StreamCache(1000, timers);
    const release = cache.listen(Counter, 'k', () => undefined);
    cache.set(entry('k'));
    timers.advance(10_000);
    expect(cache.peek('k', 'counter')).toBeDefined();
    release();
    timers.advance(999);
    expect(cache.peek('k', 'counter')).toBeDefined();
    timers.advance(1);
    expect(cache.size).toBe(0);
  });

  it('a replaced or deleted entry is not evicted by an old timer', () => {
    const timers = new ManualTimers();
    const cache = new StreamCache(1000, timers);
    cache.set(entry('k'));
    cache.delete('k', 'counter');
    expect(timers.pending).toBe(0);
    timers.advance(600);
    const fresh = entry('k');
    cache.set(fresh);
    timers.advance(999);
    expect(cache.peek('k', 'counter')).toBe(fresh);
    timers.advance(1);
    expect(cache.peek('k', 'counter')).toBeUndefined();
  });
});
