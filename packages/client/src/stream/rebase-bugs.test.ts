import {
  DomainError,
  defineAggregate,
  type Envelope,
  MemoryEventStore,
  type PositionedEnvelope,
  type Snapshot,
  StorageFullError,
} from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { defineProcessManager, dispatch } from '../process/process-manager.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import { Counter, Totals } from '../test-fixtures.js';
import type { AggregateSnapshot, ProjectionSnapshot } from '../types.js';
import { connectPort } from '../worker/connect.js';
import { servePort } from '../worker/serve.js';

// One test per bug of the local rebase reproduced before this module existed (issue 10,
// "the local rebase is wrong today"); each name starts with its number.

let seq = 0;
/** An event another device made, as a pull delivers it. */
function foreign(streamId: string, version: number, position: number, type = 'Incremented', by = 1) {
  return {
    id: `0190c000-0000-7000-8000-${String(++seq).padStart(12, '0')}`,
    streamId,
    version,
    type,
    schemaVersion: 1,
    data: { by },
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other-device' },
    position,
  } satisfies PositionedEnvelope;
}
const at = (events: readonly Envelope[], from: number): PositionedEnvelope[] =>
  events.map((e, i) => ({ ...e, position: from + i }));
const sync = (cursor: number) => ({ cursor, serverId: 'srv' });

async function pendingRuntime(
  store = new MemoryEventStore(),
  extra: Partial<Parameters<typeof createTidelog>[0]> = {},
) {
  return createTidelog({ aggregates: [Counter], projections: [Totals], store, pending: true, ...extra });
}

describe('the local rebase, bug by bug', () => {
  it('bug 1: an own event confirmed with a foreign one of its stream is not replayed (nor pushed twice)', async () => {
    const store = new MemoryEventStore();
    const t = await pendingRuntime(store);
    const a = await t.execute(Counter, 's', 'increment', { by: 1 });
    const b = await t.execute(Counter, 's', 'increment', { by: 2 });
    // The server took A, then another device's event, then refused B as a conflict.
    await t.confirm([...at(a.events, 1), foreign('s', 2, 2, 'Incremented', 10)], sync(2));
    await t.settled();
    const outbox = await store.readOutbox();
    expect(outbox.map((o) => o.commandId)).toEqual([b.events[0]!.meta.commandId]);
    expect((await store.readPending()).map((e) => [e.id, e.version])).toEqual([[b.events[0]!.id, 3]]);
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 13 }, version: 3 });
  });

  it('bug 2: a page is applied inside the mailbox: a command queued after it decides on the new state', async () => {
    const store = new MemoryEventStore();
    const t = await pendingRuntime(store);
    await t.confirm([foreign('s', 1, 1, 'Incremented', 5)], sync(1));
    const a = await t.execute(Counter, 's', 'decrement', { by: 3 });
    // Another device took 4 first; a command is issued while the page is being applied.
    const page = t.confirm([foreign('s', 2, 2, 'Decremented', 4)], sync(2));
    const b = t.execute(Counter, 's', 'decrement', { by: 1 });
    await page;
    await expect(b).resolves.toMatchObject({ state: { count: 0 } });
    await t.settled();
    const state = await t.load(Counter, 's');
    expect(state.state.count).toBeGreaterThanOrEqual(0);
    // A no longer fits (5 - 4 < 3) and is rejected; B decided after the rebase, on 1.
    expect((await t.rejected()).map((r) => r.entry.commandId)).toEqual([a.events[0]!.meta.commandId]);
    expect((await store.readOutbox()).map((o) => [o.command, o.baseVersion])).toEqual([['decrement', 2]]);
  });

  it('bug 3: displaced commands stay stored until decided again, also across a restart', async () => {
    const store = new MemoryEventStore();
    const first = await pendingRuntime(store);
    const a = await first.execute(Counter, 's', 'increment', { by: 1 });
    await first.close();
    // A page stored without its rebase (the tab closed in between): the command is kept.
    await store.applyConfirmed([foreign('s', 1, 1, 'Incremented', 5)], { sync: sync(1) });
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual(['rebase']);
    const second = await pendingRuntime(store);
    await second.settled();
    expect(await second.load(Counter, 's')).toMatchObject({ state: { count: 6 }, version: 2 });
    expect((await store.readPending()).map((e) => e.id)).toEqual([a.events[0]!.id]);
    expect((await store.readOutbox()).map((o) => o.displaced)).toEqual([undefined]);
  });

  it('bug 3: close() waits for a rebase under way, and a storage error during it is not a rejection', async () => {
    const store = new MemoryEventStore();
    const t = await pendingRuntime(store);
    await t.execute(Counter, 's', 'increment', { by: 1 });
    const rebase = store.rebase.bind(store);
    let failures = 1;
    store.rebase = async (steps) => {
      if (failures-- > 0) throw new StorageFullError('disk full');
      return rebase(steps);
    };
    // The server refused nothing; but a rebase of the stream (a refused sibling) fails to store.
    const [entry] = await store.readOutbox();
    await expect(
      t.reject(['no-such-command'], { name: 'X', code: 'X', message: 'x' }),
    ).resolves.toBeUndefined();
    await expect(
      t.reject([entry!.commandId], { name: 'ProtocolError', code: 'INVALID_REQUEST', message: 'bad' }),
    ).rejects.toMatchObject({ code: 'STORAGE_FULL' });
    expect(await t.rejected()).toEqual([]);
    expect((await store.readOutbox()).map((o) => o.commandId)).toEqual([entry!.commandId]);
    const closing = t.confirm([foreign('s', 1, 1)], sync(1));
    await t.close();
    await closing;
    // The page and its rebase were done before close() resolved.
    expect((await store.readPending()).map((e) => e.version)).toEqual([2]);
  });

  it('bug 4: events confirmed past a gap are folded once the gap fills (projections and process managers)', async () => {
    const store = new MemoryEventStore();
    const seen: string[] = [];
    const Watch = defineProcessManager({
      name: 'watch',
      events: {
        Incremented: (e) => {
          seen.push(e.id);
          return undefined;
        },
      },
    });
    const t = await pendingRuntime(store, { processManagers: [Watch] });
    const mine = await t.execute(Counter, 's', 'increment', { by: 1 });
    await t.settled();
    // The push reply's position arrives before a lower one (as a careless loop would store it).
    await t.confirm(at(mine.events, 2));
    await t.settled();
    expect(t.getProjection(Totals)).toMatchObject({ checkpoint: 0, pending: 0 });
    await t.confirm([foreign('x', 1, 1, 'Incremented', 7)]);
    await t.settled();
    expect(t.getProjection(Totals)).toMatchObject({ state: { total: 8 }, checkpoint: 2 });
    await t.close();
    expect((await store.getProcessCheckpoint('watch'))?.position).toBe(2);
  });

  it('bug 5: a replayed command keeps its event ids, so a process manager reacts once', async () => {
    const store = new MemoryEventStore();
    const Mirror = defineProcessManager({
      name: 'mirror',
      events: {
        Incremented: (e) =>
          e.streamId === 's' ? dispatch(Counter, 'mirror', 'increment', { by: 1 }) : undefined,
      },
    });
    const t = await pendingRuntime(store, { processManagers: [Mirror] });
    const a = await t.execute(Counter, 's', 'increment', { by: 1 });
    await t.settled();
    expect((await t.load(Counter, 'mirror')).state.count).toBe(1);
    await t.confirm([foreign('s', 1, 1, 'Decremented', 0)], sync(1));
    await t.settled();
    const replayed = await store.readPending({ streamId: 's' });
    expect(replayed.map((e) => [e.id, e.version])).toEqual([[a.events[0]!.id, 2]]);
    expect((await t.load(Counter, 'mirror')).state.count).toBe(1);
  });

  it('bug 6: a page shows a state whose version went down (a rebase rejected a command)', async () => {
    // Spending takes two events: rejecting it takes the stream back by two versions.
    const Wallet = defineAggregate({
      type: 'counter',
      initialState: { count: 0 },
      events: {
        Incremented: (s, e: { by: number }) => {
          s.count += e.by;
        },
        Decremented: (s, e: { by: number }) => {
          s.count -= e.by;
        },
      },
      commands: {
        spend: (s, p: { by: number }) => {
          if (s.count < p.by) throw new DomainError('not enough', { code: 'INSUFFICIENT' });
          const half = { type: 'Decremented' as const, data: { by: p.by / 2 } };
          return [half, half];
        },
      },
    });
    const runtime = createTidelog({
      aggregates: [Wallet],
      pending: true,
      store: () => new MemoryEventStore(),
    });
    const { port1, port2 } = new MessageChannel();
    servePort(runtime as Promise<Tidelog>, port1);
    const client = await connectPort<typeof Wallet>(port2);
    const t = await runtime;
    await t.confirm([foreign('s', 1, 1, 'Incremented', 2)], sync(1));
    const seen: AggregateSnapshot<{ count: number }>[] = [];
    const off = client.subscribe(Wallet, 's', (s) => seen.push(s));
    await client.execute(Wallet, 's', 'spend', { by: 2 });
    expect(client.getSnapshot(Wallet, 's')).toMatchObject({ state: { count: 0 }, version: 3 });
    const down = new Promise<void>((resolve) => {
      const offDown = client.subscribe(Wallet, 's', (s) => {
        if (s.version === 2) {
          offDown();
          resolve();
        }
      });
    });
    // Another device took 1 first: spending 2 no longer fits; the stream goes back to version 2.
    await t.confirm([foreign('s', 2, 2, 'Decremented', 1)], sync(2));
    await down;
    expect(client.getSnapshot(Wallet, 's')).toMatchObject({ state: { count: 1 }, version: 2 });
    const revisions = seen.map((s) => s.revision);
    expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    off();
    await client.close();
    port1.close();
    port2.close();
  });

  it('bug 7: takePending tells the runtime: cache, load and projections drop the events', async () => {
    const store = new MemoryEventStore();
    const t = await pendingRuntime(store);
    await t.execute(Counter, 's', 'increment', { by: 3 });
    await t.settled();
    const seen: number[] = [];
    const off = t.subscribe(Counter, 's', (s) => seen.push(s.state.count));
    await store.takePending('s');
    await t.settled();
    expect(t.getSnapshot(Counter, 's')).toMatchObject({ state: { count: 0 }, version: 0 });
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 0 }, version: 0 });
    expect(t.getProjection(Totals)).toMatchObject({ state: { total: 0 }, pending: 0 });
    expect(seen.at(-1)).toBe(0);
    off();
  });

  it('bug 9: a database written without sync refuses a page that would overwrite its events', async () => {
    const store = new MemoryEventStore();
    const local = await createTidelog({ aggregates: [Counter], store });
    await local.execute(Counter, 's', 'increment', { by: 1 });
    await local.close();
    const t = await pendingRuntime(store);
    await expect(t.confirm([foreign('s', 1, 1)], sync(1))).rejects.toMatchObject({
      code: 'CONFIRM_CONFLICT',
    });
    expect(await store.getMeta('sync')).toBeUndefined();
    expect(await t.load(Counter, 's')).toMatchObject({ state: { count: 1 }, version: 1 });
  });

  it('bug 10: execute refuses events a sync server would refuse, and queues nothing', async () => {
    const store = new MemoryEventStore();
    const Deep = defineAggregate({
      type: 'deep',
      initialState: {},
      events: { Nested: () => undefined },
      commands: {
        nest: (_s, p: { depth: number }) => {
          let data: Record<string, unknown> = {};
          for (let i = 0; i < p.depth; i++) data = { d: data };
          return { type: 'Nested', data: data as Record<string, never> };
        },
      },
    });
    const t = await createTidelog({ aggregates: [Counter, Deep], store, pending: true });
    await expect(
      t.execute(Counter, 's', 'increment', { by: 1 }, { metadata: { correlationId: 'x'.repeat(201) } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(t.execute(Deep, 'd', 'nest', { depth: 70 })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await t.execute(Deep, 'd', 'nest', { depth: 10 });
    expect((await store.readOutbox()).map((o) => o.streamId)).toEqual(['d']);
  });

  it('bug 11: an aggregate type with ":" in it is refreshed after a rebase', async () => {
    const Cart = defineAggregate({
      type: 'shop:cart',
      initialState: { items: 0 },
      events: {
        Incremented: (s, e: { by: number }) => {
          s.items += e.by;
        },
      },
      commands: { add: (_s) => ({ type: 'Incremented' as const, data: { by: 1 } }) },
    });
    const t = await createTidelog({ aggregates: [Cart], pending: true, store: () => new MemoryEventStore() });
    const seen: number[] = [];
    t.subscribe(Cart, 'c:1', (s) => seen.push(s.state.items));
    await t.execute(Cart, 'c:1', 'add');
    await t.confirm([foreign('c:1', 1, 1, 'Incremented', 5)], sync(1));
    await t.settled();
    expect(t.getSnapshot(Cart, 'c:1')).toMatchObject({ state: { items: 6 }, version: 2 });
    expect(seen.at(-1)).toBe(6);
  });

  it('bug 12: an own event confirmed after a foreign one in the same page never flickers out of a projection', async () => {
    const t = await pendingRuntime();
    const mine = await t.execute(Counter, 'a', 'increment', { by: 5 });
    await t.settled();
    const seen: ProjectionSnapshot<{ total: number; events: number }>[] = [];
    t.subscribeProjection(Totals, (s) => seen.push(s));
    await t.confirm([foreign('b', 1, 1, 'Incremented', 7), ...at(mine.events, 2)], sync(2));
    await t.settled();
    expect(seen.map((s) => s.state.total)).not.toContain(7);
    expect(seen.at(-1)).toMatchObject({ state: { total: 12 }, checkpoint: 2, pending: 0 });
  });

  it('bug 13: without sync, a failing snapshot write does not fail a command whose events were stored', async () => {
    const store = new MemoryEventStore();
    store.putSnapshot = async (_s: Snapshot) => {
      throw new StorageFullError('disk full');
    };
    const warnings: string[] = [];
    const t = await createTidelog({
      aggregates: [Counter],
      store,
      snapshotEvery: 1,
      onWarning: (w) => warnings.push(w.code),
    });
    await expect(t.execute(Counter, 's', 'increment', { by: 1 })).resolves.toMatchObject({ version: 1 });
    expect(await store.streamVersion('s')).toBe(1);
    expect(warnings).toEqual(['SNAPSHOT_FAILED']);
  });
});
