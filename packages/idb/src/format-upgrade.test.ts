import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { openIdbEventStore } from './open-idb-event-store.js';
import { FORMAT_VERSION } from './schema.js';

const envelope = (streamId: string, version: number, position?: number, tag = 0) => ({
  id: `0190a000-0000-7000-8${tag}00-${String(version).padStart(12, '0')}`,
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

  it('opens a format-3 database: outbox and rejected found by command id, old entries rebase', async () => {
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
    expect(raw.version).toBe(FORMAT_VERSION);
    expect([...raw.transaction('rejected').objectStore('rejected').indexNames]).toEqual(['commandId']);
    raw.close();
  });

  it('opens a format-4 database at format 5: its events move into chunks, readable and syncable', async () => {
    const indexedDB = new IDBFactory();
    const v4 = await openDatabase({ name: 'app', factory: indexedDB, version: 4 });
    const entry = (commandId: string, streamId: string, ids: string[]) => ({
      commandId,
      aggregateType: 'todo',
      streamId,
      command: 'add',
      payload: {},
      baseVersion: 0,
      eventIds: ids,
      timestamp: '2026-01-01T00:00:00.000Z',
      metadata: {},
    });
    // t-1: versions 1-3 confirmed (positions 1, 3, 4), 4-5 pending (one command, 4 already
    // confirmed as position 5); t-2: version 1 confirmed (position 2), 2 pending.
    const t1 = [envelope('t-1', 1, 1, 1), envelope('t-1', 2, 3, 1), envelope('t-1', 3, 4, 1)];
    const t1Pending = [envelope('t-1', 4, 5, 1), envelope('t-1', 5, undefined, 1)];
    const t2 = [envelope('t-2', 1, 2, 2), envelope('t-2', 2, undefined, 2)];
    const tx = v4.transaction(['events', 'outbox', 'meta'], 'readwrite');
    for (const e of [...t1, ...t1Pending, ...t2]) tx.objectStore('events').put(e);
    tx.objectStore('outbox').add(
      entry(
        'c-1',
        't-1',
        t1Pending.map((e) => e.id),
      ),
    );
    tx.objectStore('outbox').add(entry('c-2', 't-2', [t2[1]!.id]));
    tx.objectStore('meta').put('old-device', 'clientId');
    tx.objectStore('meta').put({ cursor: 5, serverId: 's' }, 'sync');
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    v4.close();

    const store = await openIdbEventStore({ name: 'app', indexedDB });
    expect((await store.readStream('t-1')).map((e) => [e.version, e.position])).toEqual([
      [1, 1],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, undefined],
    ]);
    expect((await store.readStream('t-1', { fromVersion: 2, toVersion: 4 })).map((e) => e.id)).toEqual(
      [...t1.slice(1), t1Pending[0]].map((e) => e!.id),
    );
    expect((await store.readAll({ after: 1, limit: 3 })).map((e) => [e.streamId, e.position])).toEqual([
      ['t-2', 2],
      ['t-1', 3],
      ['t-1', 4],
    ]);
    expect([await store.head(), await store.streamVersion('t-1'), await store.streamVersion('t-2')]).toEqual([
      5, 5, 2,
    ]);
    expect((await store.readPending()).map((e) => e.id)).toEqual([t1Pending[1]!.id, t2[1]!.id]);
    expect(await store.getEvent(t2[1]!.id)).toEqual(t2[1]);
    expect(await store.getMeta('sync')).toEqual({ cursor: 5, serverId: 's' });

    // Sync goes on: the rest of c-1 confirms, a foreign event displaces c-2.
    const foreign = { ...envelope('t-2', 2, 7, 3), id: '0190a000-0000-7000-8300-0000000000ff', position: 7 };
    const out = await store.applyConfirmed([{ ...t1Pending[1]!, position: 6 }, foreign], {
      sync: { cursor: 7, serverId: 's' },
    });
    expect([out.confirmed, out.displaced.map((o) => o.commandId)]).toEqual([[t1Pending[1]!.id], ['c-2']]);
    expect((await store.readOutbox()).map((o) => [o.commandId, o.displaced])).toEqual([['c-2', 'rebase']]);
    expect((await store.readAll()).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const next = await store.appendPending('t-1', [{ type: 'Added', data: {} }], {
      expectedVersion: 5,
      command: entry('c-3', 't-1', []),
    });
    expect(next.fromVersion).toBe(6);
    await store.close();

    const raw = await openDatabase({ name: 'app', factory: indexedDB });
    expect(raw.version).toBe(FORMAT_VERSION);
    expect([...raw.objectStoreNames]).not.toContain('events');
    const chunks = raw.transaction('chunks').objectStore('chunks');
    expect([...chunks.indexNames].sort()).toEqual(['ids', 'last', 'positions']);
    raw.close();
  });
});
