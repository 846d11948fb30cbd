import type { Envelope, OutboxEntry } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { planBatches, pushItems, utf8Length } from './batches.js';

function command(id: string, streamId: string, from: number, count: number, size = 10) {
  const events: Envelope[] = Array.from({ length: count }, (_, i) => ({
    id: `${id}-${i}`,
    streamId,
    version: from + i,
    type: 'T',
    schemaVersion: 1,
    data: { x: 'a'.repeat(size) },
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'c' },
  }));
  const entry = { commandId: id, streamId, eventIds: events.map((e) => e.id) } as OutboxEntry;
  return { entry, events };
}

describe('push batches', () => {
  it('counts UTF-8 bytes as the wire does', () => {
    const cases: [string, number][] = [
      ['abc', 3],
      ['é', 2],
      ['€', 3],
      ['😀', 4],
      ['a\u{10348}b', 6],
      ['\ud800', 3], // a lone surrogate goes on the wire as U+FFFD
    ];
    for (const [text, bytes] of cases) expect(utf8Length(text)).toBe(bytes);
  });

  it('pairs outbox entries with their pending events in outbox order, skipping confirmed ones', () => {
    const a = command('a', 's-1', 1, 2);
    const b = command('b', 's-2', 1, 1);
    const c = command('c', 's-1', 3, 1);
    const pending = [...a.events.slice(1), ...c.events, ...b.events]; // a's first event is confirmed
    const items = pushItems([a.entry, b.entry, c.entry], pending);
    expect(items.map((i) => i.events.map((e) => e.id))).toEqual([['a-1'], ['b-0'], ['c-0']]);
    expect(items[0]?.events[0]).not.toHaveProperty('position');
  });

  it('fills each push up to the event limit without splitting a command', () => {
    const items = pushItems(
      ['a', 'b', 'c', 'd'].map((id, i) => command(id, `s-${i}`, 1, 4).entry),
      ['a', 'b', 'c', 'd'].flatMap((id, i) => command(id, `s-${i}`, 1, 4).events),
    );
    const batches = planBatches(items, { maxEventsPerPush: 10, maxPushBytes: 1 << 20 }, 1);
    expect(batches.map((b) => b.map((i) => i.entry.commandId))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('keeps each push under the byte limit, and gives an oversized command a push of its own', () => {
    const all = [
      command('a', 's-1', 1, 1, 100),
      command('b', 's-2', 1, 1, 5000),
      command('c', 's-3', 1, 1, 100),
    ];
    const items = pushItems(
      all.map((x) => x.entry),
      all.flatMap((x) => x.events),
    );
    const limit = 1000;
    const batches = planBatches(items, { maxEventsPerPush: 1000, maxPushBytes: limit }, 1);
    expect(batches.map((b) => b.map((i) => i.entry.commandId))).toEqual([['a'], ['b'], ['c']]);
    for (const batch of batches.filter((b) => b[0]?.entry.commandId !== 'b')) {
      const body = JSON.stringify({ clientId: 'c', events: batch.flatMap((i) => i.events) });
      expect(utf8Length(body)).toBeLessThanOrEqual(limit);
    }
  });
});
