import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pullAll, pushed } from '../conformance/index.js';
import type { PushedEvent } from '../types.js';
import { openConnection } from './connection.js';
import { createSqliteServerStore } from './store.js';
import { createBatchWriter, encodeEvents } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-sqlite-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite group commit', () => {
  it('plans each push of a group against the ones before it; a failing push leaves nothing', () => {
    const { db } = openConnection({ filename: join(dir, 'group.sqlite') });
    const pushMany = createBatchWriter(db);
    const [a1, a2] = [pushed('a', 1), pushed('a', 2)];
    const b1 = pushed('a', 1); // a second version 1 of stream a
    const gap: PushedEvent[] = [pushed('t', 1), pushed('t', 3)]; // not contiguous: throws
    const t1 = pushed('t', 1);
    const group = [[a1!, a2!], [b1], [a1!, a2!], gap, [t1], [{ ...pushed('u', 1), id: b1.id }]].map(
      (events) => ({
        space: 's',
        events: encodeEvents(events),
      }),
    );
    const results = pushMany(group);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true]);
    const outcomes = results.map((r) => (r.ok ? r.outcome : undefined));
    expect(outcomes[0]).toEqual({
      accepted: [{ streamId: 'a', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 }],
      duplicates: [],
      conflicts: [],
      head: 2,
    });
    expect(outcomes[1]).toEqual({
      accepted: [],
      duplicates: [],
      conflicts: [{ streamId: 'a', expectedVersion: 0, actualVersion: 2 }],
      head: 2,
    });
    expect(outcomes[2]).toEqual({
      accepted: [],
      duplicates: [
        { id: a1!.id, position: 1 },
        { id: a2!.id, position: 2 },
      ],
      conflicts: [],
      head: 2,
    });
    // The failed push stored nothing: stream t starts at position 3 with the next push.
    expect(outcomes[4]).toEqual({
      accepted: [{ streamId: 't', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 }],
      duplicates: [],
      conflicts: [],
      head: 3,
    });
    // b1 was never stored (a conflict), so its id is free for stream u.
    expect(outcomes[5]!.accepted).toEqual([
      { streamId: 'u', fromVersion: 1, toVersion: 1, fromPosition: 4, toPosition: 4 },
    ]);
    const rows = db.prepare('SELECT position, id FROM tidelog_events ORDER BY position').all();
    expect(rows).toEqual([
      { position: 1, id: a1!.id },
      { position: 2, id: a2!.id },
      { position: 3, id: t1.id },
      { position: 4, id: b1.id },
    ]);
    db.close();
  });

  it('fails the whole group, storing none of it, when an error ends the transaction', () => {
    const { db } = openConnection({ filename: join(dir, 'group-abort.sqlite') });
    // A trigger stands in for SQLITE_FULL or an I/O error: RAISE(ROLLBACK) ends the whole
    // transaction, not only the failing push's savepoint.
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON tidelog_events WHEN NEW.type = 'Boom'
             BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END`);
    const pushMany = createBatchWriter(db);
    const group = [[pushed('a', 1)], [{ ...pushed('b', 1), type: 'Boom' }], [pushed('c', 1)]].map(
      (events) => ({
        space: 's',
        events: encodeEvents(events),
      }),
    );
    expect(() => pushMany(group)).toThrow(/disk full/);
    expect(db.inTransaction).toBe(false);
    // None stored: not a, rolled back with the transaction; not c, which must not commit alone.
    expect(db.prepare('SELECT count(*) FROM tidelog_events').pluck().get()).toBe(0);
    db.close();
  });

  it('concurrent pushes on the writer thread: one accepted, the rest duplicates or conflicts, gapless', async () => {
    const store = createSqliteServerStore({ filename: join(dir, 'threaded.sqlite') });
    expect(store.writer).toBe('thread');
    const same = [pushed('x', 1), pushed('x', 2)];
    const pushes = [
      ...Array.from({ length: 12 }, () => same), // the same events again and again
      ...Array.from({ length: 12 }, () => [pushed('x', 1)]), // other events at version 1
      ...Array.from({ length: 12 }, (_, i) => [pushed(`own-${i}`, 1), pushed(`own-${i}`, 2)]),
    ];
    const outcomes = await Promise.all(pushes.map((events) => store.push('s', events)));
    const acceptedX = outcomes.flatMap((o) => o.accepted.filter((g) => g.streamId === 'x'));
    expect(acceptedX).toHaveLength(1);
    const sameOutcomes = outcomes.slice(0, 12);
    const winner = sameOutcomes.filter((o) => o.accepted.length === 1);
    // Either the repeated push won (once; the others are its duplicates), or a single-event
    // push did (and every repeated push is a conflict).
    if (winner.length === 1) {
      for (const o of sameOutcomes) if (o !== winner[0]) expect(o.duplicates).toHaveLength(2);
      for (const o of outcomes.slice(12, 24)) expect(o.conflicts).toHaveLength(1);
    } else {
      for (const o of sameOutcomes) expect(o.conflicts).toHaveLength(1);
      expect(outcomes.slice(12, 24).filter((o) => o.accepted.length === 1)).toHaveLength(1);
    }
    for (const o of outcomes.slice(24)) expect(o.accepted).toHaveLength(1);
    const all = await pullAll(store, 's');
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all).toHaveLength((winner.length === 1 ? 2 : 1) + 24);
    await store.close();
  });
});
