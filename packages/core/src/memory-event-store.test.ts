import { describe, expect, it } from 'vitest';
import type { EventStore } from './event-store.js';
import type { OutboxEntry } from './local-store.js';
import { MemoryEventStore } from './memory-event-store.js';
import { eventStoreCases, runEventStoreConformance, runLocalStoreConformance } from './testing/index.js';
import { uuidv7 } from './uuid.js';

runEventStoreConformance({ name: 'MemoryEventStore conformance', newStore: () => new MemoryEventStore() });
runLocalStoreConformance({
  name: 'MemoryEventStore local-store conformance',
  newStore: () => new MemoryEventStore(),
});

/** A broken store: forgets to check expectedVersion. The suite must catch it. */
function skipsVersionCheck(): EventStore {
  const inner = new MemoryEventStore();
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'appendToStream') {
        return (streamId: string, events: never[]) =>
          target.appendToStream(streamId, events, { expectedVersion: 'any' });
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the conformance suite can fail', () => {
  it('catches a store that skips the expected-version check', async () => {
    const failed: string[] = [];
    for (const testCase of eventStoreCases) {
      await testCase.run(async () => skipsVersionCheck()).catch(() => failed.push(testCase.name));
    }
    expect(failed).toContain('expectedVersion matrix on an empty stream');
    expect(failed).toContain('concurrent appends to one stream: exactly one wins a version');
  });
});

const command = (streamId: string, over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  commandId: uuidv7(),
  aggregateType: 'todo',
  streamId,
  command: 'add',
  payload: { title: 'x' },
  baseVersion: 0,
  eventIds: [],
  timestamp: new Date().toISOString(),
  metadata: {},
  ...over,
});

describe('MemoryEventStore pending events and outbox', () => {
  it('keeps pending events without positions, with their outbox entry', async () => {
    const store = new MemoryEventStore();
    const r = await store.appendPending('t-1', [{ type: 'Added', data: { n: 1 } }], {
      command: command('t-1'),
    });
    expect([r.fromVersion, r.toVersion]).toEqual([1, 1]);
    expect((await store.readStream('t-1'))[0]?.position).toBeUndefined();
    expect(await store.readAll()).toEqual([]);
    const outbox = await store.readOutbox();
    expect(outbox.map((o) => o.eventIds)).toEqual([[r.events[0]!.id]]);
    expect((await store.readPending()).map((e) => e.id)).toEqual([r.events[0]!.id]);
  });

  it('confirms its own events by id without a rebase', async () => {
    const store = new MemoryEventStore();
    const r = await store.appendPending('t-1', [{ type: 'Added', data: { n: 1 } }], {
      command: command('t-1'),
    });
    const out = await store.applyConfirmed([{ ...r.events[0]!, position: 7 }]);
    expect(out).toEqual({ confirmed: [r.events[0]!.id], added: [], displaced: [] });
    expect(await store.readOutbox()).toEqual([]);
    expect((await store.readAll()).map((e) => e.position)).toEqual([7]);
    expect(await store.readPending()).toEqual([]);
  });

  it("foreign events displace a stream's pending commands in the same step, keeping them stored", async () => {
    const store = new MemoryEventStore();
    const mine = await store.appendPending('t-1', [{ type: 'Added', data: { n: 1 } }], {
      command: command('t-1'),
    });
    await store.appendPending('t-2', [{ type: 'Added', data: { n: 2 } }], { command: command('t-2') });
    const foreign = { ...mine.events[0]!, id: uuidv7(), data: { n: 99 }, position: 1 };
    const out = await store.applyConfirmed([foreign]);
    expect(out.displaced.map((o) => o.streamId)).toEqual(['t-1']);
    expect(out.added.map((e) => e.id)).toEqual([foreign.id]);
    expect((await store.readStream('t-1')).map((e) => e.data)).toEqual([{ n: 99 }]);
    expect((await store.readOutbox()).map((o) => [o.streamId, o.displaced])).toEqual([
      ['t-1', 'rebase'],
      ['t-2', undefined],
    ]);
    expect((await store.readPending()).map((e) => e.streamId)).toEqual(['t-2']);
  });
});
