import { describe, expect, it } from 'vitest';
import { planPush, pushKeys, type StoredEventRef } from './plan-push.js';
import type { PushedEvent } from './types.js';

const meta = { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'c1' };
const ev = (id: string, streamId: string, version: number): PushedEvent => ({
  id,
  streamId,
  version,
  type: 'happened',
  schemaVersion: 1,
  data: { n: version },
  meta,
});
const plan = (
  events: PushedEvent[],
  state: { head?: number; versions?: Record<string, number>; known?: Record<string, StoredEventRef> } = {},
) =>
  planPush({
    events,
    head: state.head ?? 0,
    versions: new Map(Object.entries(state.versions ?? {})),
    known: new Map(Object.entries(state.known ?? {})),
  });

describe('planPush', () => {
  it('accepts a new stream from version 1 and gives positions after head', () => {
    const p = plan([ev('a', 's', 1), ev('b', 's', 2)], { head: 7 });
    expect(p.outcome).toEqual({
      accepted: [{ streamId: 's', fromVersion: 1, toVersion: 2, fromPosition: 8, toPosition: 9 }],
      duplicates: [],
      conflicts: [],
      head: 9,
    });
    expect(p.append.map((e) => [e.id, e.position])).toEqual([
      ['a', 8],
      ['b', 9],
    ]);
  });

  it('rejects a whole group that does not start at current version + 1', () => {
    const p = plan([ev('a', 's', 3), ev('b', 's', 4)], { head: 5, versions: { s: 3 } });
    expect(p.outcome).toEqual({
      accepted: [],
      duplicates: [],
      conflicts: [{ streamId: 's', expectedVersion: 2, actualVersion: 3 }],
      head: 5,
    });
    expect(p.append).toEqual([]);
  });

  it('keeps streams independent and orders groups by first appearance', () => {
    const p = plan([ev('x1', 'x', 1), ev('y5', 'y', 5), ev('z1', 'z', 1), ev('x2', 'x', 2)], {
      versions: { y: 2 },
    });
    expect(p.outcome.accepted).toEqual([
      { streamId: 'x', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 },
      { streamId: 'z', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 },
    ]);
    expect(p.outcome.conflicts).toEqual([{ streamId: 'y', expectedVersion: 4, actualVersion: 2 }]);
    expect(p.append.map((e) => e.id)).toEqual(['x1', 'x2', 'z1']);
  });

  it('acknowledges a full re-push as duplicates and stores nothing', () => {
    const p = plan([ev('a', 's', 1), ev('b', 's', 2)], {
      head: 2,
      versions: { s: 2 },
      known: { a: { streamId: 's', version: 1, position: 1 }, b: { streamId: 's', version: 2, position: 2 } },
    });
    expect(p.outcome).toEqual({
      accepted: [],
      duplicates: [
        { id: 'a', position: 1 },
        { id: 'b', position: 2 },
      ],
      conflicts: [],
      head: 2,
    });
    expect(p.append).toEqual([]);
  });

  it('takes duplicates out first, then accepts the remainder at current + 1', () => {
    const p = plan([ev('a', 's', 1), ev('b', 's', 2), ev('c', 's', 3)], {
      head: 4,
      versions: { s: 1 },
      known: { a: { streamId: 's', version: 1, position: 4 } },
    });
    expect(p.outcome.duplicates).toEqual([{ id: 'a', position: 4 }]);
    expect(p.outcome.accepted).toEqual([
      { streamId: 's', fromVersion: 2, toVersion: 3, fromPosition: 5, toPosition: 6 },
    ]);
  });

  it('reports duplicates and a conflict when the remainder does not fit', () => {
    const p = plan([ev('a', 's', 1), ev('b', 's', 2)], {
      head: 3,
      versions: { s: 3 },
      known: { a: { streamId: 's', version: 1, position: 1 } },
    });
    expect(p.outcome.duplicates).toEqual([{ id: 'a', position: 1 }]);
    expect(p.outcome.conflicts).toEqual([{ streamId: 's', expectedVersion: 1, actualVersion: 3 }]);
    expect(p.append).toEqual([]);
  });

  it('makes a group a conflict with `id` when an id is stored on another stream or version', () => {
    const known = { a: { streamId: 'other', version: 1, position: 1 } };
    const p = plan([ev('a', 's', 1), ev('b', 's', 2)], { head: 1, versions: { other: 1 }, known });
    expect(p.outcome.conflicts).toEqual([{ streamId: 's', expectedVersion: 0, actualVersion: 0, id: 'a' }]);
    const q = plan([ev('n', 's', 2), ev('a', 's', 3)], {
      head: 2,
      versions: { s: 1 },
      known: { a: { streamId: 's', version: 1, position: 1 } },
    });
    expect(q.outcome.conflicts).toEqual([{ streamId: 's', expectedVersion: 1, actualVersion: 1, id: 'a' }]);
    expect(q.outcome.duplicates).toEqual([]);
    expect(q.append).toEqual([]);
  });

  it('never plans one id twice when a push repeats it', () => {
    const across = plan([ev('a', 's', 1), ev('a', 't', 1)]);
    expect(across.outcome.accepted.map((g) => g.streamId)).toEqual(['s']);
    expect(across.outcome.conflicts).toEqual([
      { streamId: 't', expectedVersion: 0, actualVersion: 0, id: 'a' },
    ]);
    const within = plan([ev('a', 's', 1), ev('a', 's', 2)]);
    expect(within.outcome.conflicts).toEqual([
      { streamId: 's', expectedVersion: 0, actualVersion: 0, id: 'a' },
    ]);
    expect(within.append).toEqual([]);
  });

  it('finds a repeat after ascending ids, and takes ids out of order without one', () => {
    // Ascending ids need no id set; the first id out of order makes one of all before it.
    const late = plan([ev('a', 's', 1), ev('b', 's', 2), ev('c', 't', 1), ev('a', 'u', 1)]);
    expect(late.outcome.accepted.map((g) => g.streamId)).toEqual(['s', 't']);
    expect(late.outcome.conflicts).toEqual([
      { streamId: 'u', expectedVersion: 0, actualVersion: 0, id: 'a' },
    ]);
    const descending = plan([ev('c', 's', 1), ev('b', 's', 2), ev('a', 't', 1)]);
    expect(descending.outcome.accepted.map((g) => [g.streamId, g.fromPosition, g.toPosition])).toEqual([
      ['s', 1, 2],
      ['t', 3, 3],
    ]);
    expect(descending.outcome.conflicts).toEqual([]);
  });

  it('throws ValidationError for versions that are not contiguous and ascending', () => {
    expect(() => plan([ev('a', 's', 1), ev('b', 's', 3)])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
    expect(() => plan([ev('a', 's', 2), ev('b', 's', 1)])).toThrow(/contiguous/);
    expect(() => plan([ev('a', 's', 0)])).toThrow(/positive integer/);
    expect(() => plan([ev('a', 's', 1.5)])).toThrow(/positive integer/);
  });

  it('plans an empty push as a no-op', () => {
    expect(plan([], { head: 3 }).outcome).toEqual({ accepted: [], duplicates: [], conflicts: [], head: 3 });
  });

  it('lists the distinct keys a store must look up', () => {
    expect(pushKeys([ev('a', 's', 1), ev('b', 's', 2), ev('c', 't', 1)])).toEqual({
      streamIds: ['s', 't'],
      ids: ['a', 'b', 'c'],
    });
  });
});
