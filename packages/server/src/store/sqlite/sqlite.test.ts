import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { pullAll, pushed, runServerStoreConformance, streamRun } from '../conformance/index.js';
import { createSqliteServerStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shared = join(dir, 'conformance.sqlite');

runServerStoreConformance({
  name: 'sqlite server store',
  newStore: () => createSqliteServerStore({ filename: shared }),
  openReplica: async () => createSqliteServerStore({ filename: shared }),
});

runServerStoreConformance({
  name: 'sqlite server store, inline writer',
  newStore: () => createSqliteServerStore({ filename: join(dir, 'inline.sqlite'), writer: 'inline' }),
  openReplica: async () =>
    createSqliteServerStore({ filename: join(dir, 'inline.sqlite'), writer: 'inline' }),
});

describe('sqlite server store, one file', () => {
  it('runs pushes on a writer thread for a file, inline when asked or in memory', async () => {
    const threaded = createSqliteServerStore({ filename: join(dir, 'mode.sqlite') });
    const inline = createSqliteServerStore({ filename: join(dir, 'mode.sqlite'), writer: 'inline' });
    const memory = createSqliteServerStore({ filename: ':memory:' });
    expect([threaded.writer, inline.writer, memory.writer]).toEqual(['thread', 'inline', 'inline']);
    await Promise.all([threaded.close(), inline.close(), memory.close()]);
  });

  it('works in memory (one connection, inline writer)', async () => {
    const store = createSqliteServerStore({ filename: ':memory:' });
    const events = streamRun('a', 1, 3);
    expect((await store.push('team', events)).head).toBe(3);
    expect((await pullAll(store, 'team')).map((e) => e.id)).toEqual(events.map((e) => e.id));
    await store.close();
  });

  it('finishes the pushes in flight when closed, and refuses new ones', async () => {
    const filename = join(dir, 'closing.sqlite');
    const store = createSqliteServerStore({ filename });
    const inFlight = Array.from({ length: 20 }, (_, i) => store.push('team', streamRun(`s${i}`, 1, 5)));
    await store.close();
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.map((o) => o.accepted.length)).toEqual(Array(20).fill(1));
    await expect(store.push('team', [pushed('late', 1)])).rejects.toMatchObject({ code: 'CLOSED' });
    const again = createSqliteServerStore({ filename });
    expect(await again.head('team')).toBe(100);
    await again.close();
  });

  it('keeps events and serverId across a close and reopen', async () => {
    const filename = join(dir, 'reopen.sqlite');
    const first = createSqliteServerStore({ filename });
    const events = streamRun('cart-1', 1, 3);
    await first.push('team', events);
    const serverId = await first.serverId();
    await first.close();

    const again = createSqliteServerStore({ filename });
    expect(await again.serverId()).toBe(serverId);
    expect((await pullAll(again, 'team')).map((e) => [e.id, e.position])).toEqual(
      events.map((e, i) => [e.id, i + 1]),
    );
    expect((await again.push('team', [pushed('cart-1', 4)])).accepted[0]).toMatchObject({ fromPosition: 4 });
    await again.close();
  });

  it('mints a different serverId for a new file', async () => {
    const a = createSqliteServerStore({ filename: join(dir, 'a.sqlite') });
    const b = createSqliteServerStore({ filename: join(dir, 'b.sqlite') });
    expect(await a.serverId()).not.toBe(await b.serverId());
    await Promise.all([a.close(), b.close()]);
  });

  it('runs in WAL mode', async () => {
    const filename = join(dir, 'wal.sqlite');
    const store = createSqliteServerStore({ filename });
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
  });

  it('orders pushes of two connections on one file gaplessly', async () => {
    const filename = join(dir, 'two.sqlite');
    const a = createSqliteServerStore({ filename });
    const b = createSqliteServerStore({ filename });
    for (let i = 1; i <= 5; i++) {
      await a.push('team', [pushed('x', i)]);
      await b.push('team', [pushed('y', i)]);
    }
    expect((await b.push('team', [pushed('x', 5)])).conflicts).toEqual([
      { streamId: 'x', expectedVersion: 4, actualVersion: 5 },
    ]);
    expect((await pullAll(a, 'team')).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await Promise.all([a.close(), b.close()]);
  });

  it('rolls a push back whole when writing fails midway: nothing lost, nothing stored twice', async () => {
    const store = createSqliteServerStore({ filename: join(dir, 'rollback.sqlite') });
    await store.push('team', [pushed('a', 1)]);
    const unserializable = pushed('b', 2, { data: { n: 10n } as never });
    await expect(store.push('team', [pushed('b', 1), unserializable])).rejects.toThrow(/BigInt/);
    expect(await store.head('team')).toBe(1);
    expect((await store.readStream('team', 'b')).version).toBe(0);
    expect((await store.push('team', [pushed('b', 1)])).accepted[0]).toMatchObject({ fromPosition: 2 });
    await store.close();
  });

  it('refuses a file written by a newer schema version', async () => {
    const filename = join(dir, 'newer.sqlite');
    await createSqliteServerStore({ filename }).close();
    const db = new Database(filename);
    db.prepare("UPDATE tidelog_meta SET value = '99' WHERE key = 'schemaVersion'").run();
    db.close();
    expect(() => createSqliteServerStore({ filename })).toThrow(/schema 99 is newer/);
  });
});
