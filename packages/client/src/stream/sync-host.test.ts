import 'fake-indexeddb/auto';
import { MemoryEventStore, type PositionedEnvelope, StorageFullError } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createTidelog } from '../runtime.js';
import type { SyncHost } from '../sync/host.js';
import { Counter, Totals } from '../test-fixtures.js';

let seq = 0;
function foreign(streamId: string, version: number, position: number, type = 'Incremented', by = 1) {
  return {
    id: `0190d000-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
    streamId,
    version,
    type,
    schemaVersion: 1,
    data: { by },
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other-device' },
    position,
  } satisfies PositionedEnvelope;
}
const refusal = { name: 'ProtocolError', code: 'PAYLOAD_TOO_LARGE', message: 'too large' };

describe('the runtime as the sync loop’s host', () => {
  it('is a SyncHost; without a sync option, sync is idle and now() rejects with SYNC_DISABLED', async () => {
    const t = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    const host: SyncHost = t;
    expect(host.clientId).toBe(t.clientId);
    expect(t.sync.status).toMatchObject({ state: 'idle', pending: 0, rejected: 0 });
    expect(t.sync.getSnapshot()).toBe(t.sync.status);
    await expect(t.sync.now()).rejects.toMatchObject({ code: 'SYNC_DISABLED', name: 'SyncDisabledError' });
    const off = t.sync.subscribe(() => undefined);
    off();
    await t.close();
  });

  it('tells local-change listeners and counts the outbox and the rejected list', async () => {
    const t = await createTidelog({
      aggregates: [Counter],
      pending: true,
      store: () => new MemoryEventStore(),
    });
    let changes = 0;
    const off = t.onLocalChange(() => changes++);
    await t.execute(Counter, 's', 'increment', { by: 1 });
    const b = await t.execute(Counter, 's', 'increment', { by: 1 });
    expect(changes).toBe(2);
    expect(await t.counts()).toEqual({ pending: 2, rejected: 0 });
    await t.reject([b.events[0]!.meta.commandId!], refusal);
    await t.settled();
    expect(await t.counts()).toEqual({ pending: 1, rejected: 1 });
    expect(changes).toBeGreaterThan(2);
    off();
  });

  it('tells stream and projection subscribers of a confirmation, with a higher revision', async () => {
    const t = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      pending: true,
      store: () => new MemoryEventStore(),
    });
    const a = await t.execute(Counter, 's', 'increment', { by: 2 });
    await t.settled();
    const states: { version: number; revision: number }[] = [];
    const projections: { checkpoint: number; pending: number; revision: number }[] = [];
    t.subscribe(Counter, 's', (s) => states.push(s));
    t.subscribeProjection(Totals, (s) => projections.push(s));
    await t.settled();
    const [before] = states;
    await t.confirm(
      a.events.map((e) => ({ ...e, position: 1 })),
      { cursor: 1, serverId: 'srv' },
    );
    await t.settled();
    expect(states.at(-1)).toMatchObject({ version: 1 });
    expect(states.at(-1)!.revision).toBeGreaterThan(before!.revision);
    expect(projections.at(-1)).toMatchObject({ checkpoint: 1, pending: 0 });
    expect(projections.at(-1)!.revision).toBeGreaterThan(projections[0]!.revision);
  });

  it('shows a page’s events of a stream with no command here while they are written, and the stored state if the write fails', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], store, pending: true });
    await t.confirm([foreign('s', 1, 1)], { cursor: 1, serverId: 'srv' });
    const seen: { count: number; version: number; revision: number }[] = [];
    t.subscribe(Counter, 's', (s) =>
      seen.push({ count: s.state.count, version: s.version, revision: s.revision }),
    );
    await t.load(Counter, 's');
    const applyConfirmed = store.applyConfirmed.bind(store);
    let release: ((ok: boolean) => void) | undefined;
    store.applyConfirmed = async (...args) => {
      const ok = await new Promise<boolean>((r) => (release = r));
      release = undefined;
      if (!ok) throw new StorageFullError('disk full');
      return applyConfirmed(...args);
    };
    seen.length = 0;
    const stored = t.confirm([foreign('s', 2, 2, 'Incremented', 4)], { cursor: 2, serverId: 'srv' });
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(seen.map((s) => [s.count, s.version])).toEqual([[5, 2]]); // before the write is done
    release!(true);
    await stored;
    expect(seen.map((s) => [s.count, s.version])).toEqual([[5, 2]]); // told once, not again after
    expect(await store.getMeta('sync')).toEqual({ cursor: 2, serverId: 'srv' });
    // A write that fails: the state shown goes back to what is stored.
    seen.length = 0;
    const failing = t.confirm([foreign('s', 3, 3, 'Incremented', 10)], { cursor: 3, serverId: 'srv' });
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(seen.map((s) => s.count)).toEqual([15]);
    release!(false);
    await expect(failing).rejects.toThrow(StorageFullError);
    expect(seen.map((s) => [s.count, s.version])).toEqual([
      [15, 3],
      [5, 2],
    ]);
    expect(seen[1]!.revision).toBeGreaterThan(seen[0]!.revision);
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 5 }, version: 2 });
    // With a command pending here, the page does not follow the state on: nothing is shown
    // before the write and its rebase.
    await t.execute(Counter, 's', 'increment', { by: 100 });
    seen.length = 0;
    const rebased = t.confirm([foreign('s', 3, 3, 'Incremented', 10)], { cursor: 3, serverId: 'srv' });
    await vi.waitFor(() => expect(release).toBeDefined());
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
    release!(true);
    await rebased;
    await t.settled();
    expect(seen.at(-1)).toMatchObject({ count: 115, version: 4 });
    await t.close();
  });

  it('a page that ends inside an own command, then a foreign event: the command is not pushed or decided twice', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], store, pending: true });
    const a = await t.execute(Counter, 's', 'incrementMany', { times: 2 });
    const b = await t.execute(Counter, 's', 'increment', { by: 3 });
    const [a1, a2] = a.events;
    await t.confirm([{ ...a1!, position: 1 }], { cursor: 1, serverId: 'srv' });
    await t.confirm([{ ...a2!, position: 2 }, foreign('s', 3, 3, 'Incremented', 10)], {
      cursor: 3,
      serverId: 'srv',
    });
    await t.settled();
    expect((await store.readOutbox()).map((o) => o.commandId)).toEqual([b.events[0]!.meta.commandId]);
    expect((await store.readPending()).map((e) => [e.id, e.version])).toEqual([[b.events[0]!.id, 4]]);
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 15 }, version: 4 });
  });

  it('reject files the refused command with the server’s error and decides the rest again', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], projections: [Totals], store, pending: true });
    const a = await t.execute(Counter, 's', 'increment', { by: 2 });
    const b = await t.execute(Counter, 's', 'decrement', { by: 1 });
    const lists: number[] = [];
    const off = t.subscribeRejected((list) => lists.push(list.length));
    await t.reject([a.events[0]!.meta.commandId!], refusal);
    await t.settled();
    const rejected = await t.rejected();
    expect(rejected.map((r) => [r.entry.command, r.error.code])).toEqual([
      ['increment', 'PAYLOAD_TOO_LARGE'],
      ['decrement', 'INSUFFICIENT'],
    ]);
    expect(rejected[0]?.entry.payload).toEqual({ by: 2 });
    expect(await store.readOutbox()).toEqual([]);
    expect(t.getSnapshot(Counter, 's')).toMatchObject({ state: { count: 0 }, version: 0 });
    expect(t.getProjection(Totals)).toMatchObject({ state: { total: 0 }, pending: 0 });
    expect(lists.at(-1)).toBe(2);
    expect(b.events[0]!.id).not.toBe(a.events[0]!.id);
    off();
  });

  it('retryRejected runs the command again as the same command; a second failure keeps it, with the new error', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], store, pending: true });
    const a = await t.execute(Counter, 's', 'decrement', { by: 0 });
    const commandId = a.events[0]!.meta.commandId!;
    await t.reject([commandId], refusal);
    await t.execute(Counter, 's', 'increment', { by: 1 });
    const twice = await Promise.allSettled([t.retryRejected(commandId), t.retryRejected(commandId)]);
    expect(twice.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await t.rejected()).toEqual([]);
    expect((await store.readOutbox()).filter((o) => o.commandId === commandId)).toHaveLength(1);
    const events = await store.readPending({ streamId: 's' });
    expect(events.map((e) => [e.id, e.version])).toContainEqual([a.events[0]!.id, 2]);
    expect((await store.readOutbox()).map((o) => o.commandId)).toContain(commandId);

    const d = await t.execute(Counter, 's', 'decrement', { by: 1 });
    const failing = d.events[0]!.meta.commandId!;
    await t.reject([failing], refusal);
    await t.execute(Counter, 't', 'increment', { by: 1 });
    await store.takePending('s');
    await t.settled();
    await expect(t.retryRejected(failing)).rejects.toMatchObject({ code: 'INSUFFICIENT' });
    expect((await t.rejected()).map((r) => [r.entry.commandId, r.error.code])).toEqual([
      [failing, 'INSUFFICIENT'],
    ]);
    await expect(t.retryRejected('no-such-id')).rejects.toMatchObject({ code: 'UNKNOWN_REJECTED' });
    await t.discardRejected([failing]);
    expect(await t.rejected()).toEqual([]);
  });

  it('resetConfirmed forgets confirmed data and keeps commands displaced until the new log is pulled', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], projections: [Totals], store, pending: true });
    await t.confirm([foreign('s', 1, 1, 'Incremented', 5)], { cursor: 1, serverId: 'old' });
    await t.execute(Counter, 's', 'decrement', { by: 3 });
    await t.settled();
    await t.resetConfirmed();
    await t.settled();
    expect(await store.getMeta('sync')).toBeUndefined();
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual(['reset']);
    expect(t.getProjection(Totals)).toMatchObject({ state: { total: 0 }, checkpoint: 0 });
    // The new server's log has the 5 too (another device pushed it again): the command fits.
    await t.confirm([foreign('x', 1, 1, 'Incremented', 0)], { cursor: 1, serverId: 'new' });
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual(['reset']);
    await t.confirm([foreign('s', 1, 2, 'Incremented', 5)], { cursor: 2, serverId: 'new' });
    await t.settled();
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 2 }, version: 2 });
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual([undefined]);
  });

  it('after a reset, an empty page (the head reached) decides the commands of streams no page touched', async () => {
    const store = new MemoryEventStore();
    const t = await createTidelog({ aggregates: [Counter], store, pending: true });
    await t.execute(Counter, 'only-mine', 'increment', { by: 1 });
    await t.resetConfirmed();
    await t.confirm([], { cursor: 0, serverId: 'new' });
    await t.settled();
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual([undefined]);
    expect(await t.load(Counter, 'only-mine')).toMatchObject({ state: { count: 1 }, version: 1 });
    expect(await store.getMeta('sync')).toEqual({ cursor: 0, serverId: 'new' });
  });

  it('a rebase deferred by a storage error keeps its commands displaced and is tried again on the next page', async () => {
    const store = new MemoryEventStore();
    const warnings: string[] = [];
    const t = await createTidelog({
      aggregates: [Counter],
      store,
      pending: true,
      onWarning: (w) => warnings.push(w.code),
    });
    const a = await t.execute(Counter, 's', 'increment', { by: 1 });
    const readStream = store.readStream.bind(store);
    let broken = true;
    store.readStream = async (...args) => {
      if (broken) throw new StorageFullError('disk full');
      return readStream(...args);
    };
    await t.confirm([foreign('s', 1, 1, 'Incremented', 5)], { cursor: 1, serverId: 'srv' });
    expect(warnings).toContain('REBASE_DEFERRED');
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual(['rebase']);
    expect(await t.rejected()).toEqual([]);
    expect(await store.getMeta('sync')).toEqual({ cursor: 1, serverId: 'srv' });
    broken = false;
    await t.confirm([foreign('other', 1, 2)], { cursor: 2, serverId: 'srv' });
    await t.settled();
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual([undefined]);
    expect((await store.readPending()).map((e) => [e.id, e.version])).toEqual([[a.events[0]!.id, 2]]);
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 6 }, version: 2 });
  });

  it('with IndexedDB, a rebase cut short resumes when the runtime starts again', async () => {
    const indexedDB = new IDBFactory();
    const open = () => openIdbEventStore({ name: 'app', indexedDB });
    const first = await createTidelog({ aggregates: [Counter], store: open, pending: true });
    const a = await first.execute(Counter, 's', 'increment', { by: 1 });
    await first.close();
    const raw = await open();
    await raw.applyConfirmed([foreign('s', 1, 1, 'Incremented', 5)], {
      sync: { cursor: 1, serverId: 'srv' },
    });
    expect((await raw.readOutbox()).map((o) => o.displaced)).toEqual(['rebase']);
    await raw.close();
    const second = await createTidelog({ aggregates: [Counter], store: open, pending: true });
    await second.settled();
    expect(await second.load(Counter, 's')).toMatchObject({ state: { count: 6 }, version: 2 });
    expect((await second.store.readPending()).map((e) => e.id)).toEqual([a.events[0]!.id]);
    await second.close();
  });
});
