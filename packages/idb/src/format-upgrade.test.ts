import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { openIdbEventStore } from './open-idb-event-store.js';
import { FORMAT_VERSION } from './schema.js';

const envelope = (streamId: string, version: number, position?: number) => ({
  id: `0190a000-0000-7000-8000-${String(version).padStart(12, '0')}`,
  streamId,
  version,
  type: 'Added',
  schemaVersion: 1,
  data: { n: version },
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'old-device' },
  ...(position === undefined ? {} : { position }),
});

describe('database format upgrades', () => {
  it('opens a format-1 database at the current format, keeping its data and indexing the old outbox', async () => {
    const indexedDB = new IDBFactory();
    // Write a database as format-1 code would have.
    const v1 = await openDatabase({ name: 'app', factory: indexedDB, version: 1 });
    expect([...v1.objectStoreNames].sort()).toEqual([
      'checkpoints',
      'events',
      'meta',
      'outbox',
      'rejected',
      'snapshots',
    ]);
    const tx = v1.transaction(['events', 'outbox', 'meta'], 'readwrite');
    tx.objectStore('events').put(envelope('t-1', 1, 1));
    tx.objectStore('events').put(envelope('t-1', 2));
    tx.objectStore('outbox').add({
      commandId: 'c-1',
      streamId: 't-1',
      command: 'add',
      eventIds: [envelope('t-1', 2).id],
    });
    tx.objectStore('meta').put('old-device', 'clientId');
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    expect([...v1.transaction('outbox').objectStore('outbox').indexNames]).toEqual([]);
    v1.close();

    const store = await openIdbEventStore({ name: 'app', indexedDB });
    expect(store.clientId).toBe('old-device');
    expect((await store.readStream('t-1')).map((e) => [e.version, e.position])).toEqual([
      [1, 1],
      [2, undefined],
    ]);
    // readPending of one stream goes through the outbox's new streamId index.
    expect((await store.readPending({ streamId: 't-1' })).map((e) => e.version)).toEqual([2]);
    expect((await store.takePending('t-1')).map((o) => o.commandId)).toEqual(['c-1']);
    expect(await store.streamVersion('t-1')).toBe(1);
    await store.close();

    const raw = await openDatabase({ name: 'app', factory: indexedDB });
    expect(raw.version).toBe(FORMAT_VERSION);
    expect([...raw.transaction('outbox').objectStore('outbox').indexNames].sort()).toEqual([
      'commandId',
      'streamId',
    ]);
    raw.close();
  });

  it('opens a format-2 database with empty process-manager stores, keeping its data', async () => {
    const indexedDB = new IDBFactory();
    const v2 = await openDatabase({ name: 'app', factory: indexedDB, version: 2 });
    const tx = v2.transaction(['events', 'checkpoints', 'meta'], 'readwrite');
    tx.objectStore('events').put(envelope('t-1', 1, 1));
    tx.objectStore('checkpoints').put({ name: 'shipping', position: 1, state: {}, projectionVersion: 1 });
    tx.objectStore('meta').put('old-device', 'clientId');
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    v2.close();

    const store = await openIdbEventStore({ name: 'app', indexedDB });
    expect((await store.readAll()).map((e) => e.position)).toEqual([1]);
    expect((await store.getCheckpoint('shipping'))?.position).toBe(1);
    expect(await store.getProcessCheckpoint('shipping')).toBeUndefined();
    expect(await store.readDeadLetters()).toEqual([]);
    await store.putProcessCheckpoint({ name: 'shipping', position: 1, handled: [] });
    expect((await store.getEvent(envelope('t-1', 1).id))?.version).toBe(1);
    await store.close();

    const raw = await openDatabase({ name: 'app', factory: indexedDB });
    expect(raw.version).toBe(FORMAT_VERSION);
    expect([...raw.objectStoreNames]).toContain('processCheckpoints');
    expect([...raw.transaction('deadLetters').objectStore('deadLetters').indexNames]).toEqual(['at']);
    raw.close();
  });

  it('opens a format-3 database at format 4: outbox and rejected found by command id, old entries rebase', async () => {
    const indexedDB = new IDBFactory();
    const v3 = await openDatabase({ name: 'app', factory: indexedDB, version: 3 });
    const entry = (commandId: string, version: number) => ({
      commandId,
      aggregateType: 'todo',
      streamId: 't-1',
      command: 'add',
      payload: { n: version },
      baseVersion: version - 1,
      eventIds: [envelope('t-1', version).id],
      timestamp: '2026-01-01T00:00:00.000Z',
      metadata: {},
    });
    const tx = v3.transaction(['events', 'outbox', 'rejected', 'meta'], 'readwrite');
    tx.objectStore('events').put(envelope('t-1', 1));
    tx.objectStore('outbox').add(entry('c-1', 1));
    tx.objectStore('rejected').add({
      entry: entry('c-0', 1),
      error: { name: 'DomainError', code: 'NO', message: 'no' },
      rejectedAt: '2026-01-01T00:00:00.000Z',
    });
    tx.objectStore('meta').put('old-device', 'clientId');
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    v3.close();

    const store = await openIdbEventStore({ name: 'app', indexedDB });
    // A foreign event at the old pending event's place displaces it; the command stays stored.
    const foreign = { ...envelope('t-1', 1), id: '0190a000-0000-7000-8000-0000000000ff', position: 1 };
    const out = await store.applyConfirmed([foreign], { sync: { cursor: 1, serverId: 's' } });
    expect(out.displaced.map((o) => o.commandId)).toEqual(['c-1']);
    expect((await store.readOutbox()).map((o) => [o.commandId, o.displaced])).toEqual([['c-1', 'rebase']]);
    // The old rejected command is found by its id through the new index.
    await store.rebase([
      {
        streamId: 't-1',
        replaces: ['c-1'],
        append: [],
        rejected: [],
        unreject: ['c-0'],
      },
    ]);
    expect(await store.readRejected()).toEqual([]);
    expect(await store.readOutbox()).toEqual([]);
    expect(await store.getMeta('sync')).toEqual({ cursor: 1, serverId: 's' });
    await store.close();

    const raw = await openDatabase({ name: 'app', factory: indexedDB });
    expect(raw.version).toBe(4);
    expect([...raw.transaction('rejected').objectStore('rejected').indexNames]).toEqual(['commandId']);
    raw.close();
  });
});
