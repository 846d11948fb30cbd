import 'fake-indexeddb/auto';
import { uuidv7 } from '@tidelog/core';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { knownHeadsCases } from './browser-test/known-heads-cases.js';
import { openIdbEventStore } from './open-idb-event-store.js';

describe('appends at a known place (fake-indexeddb)', () => {
  for (const c of knownHeadsCases) it(c.name, () => c.run((name) => openIdbEventStore({ name })));

  it('knowledge dies with its connection: after another tab deletes the database, appends start at 1', async () => {
    const indexedDB = new IDBFactory();
    const store = await openIdbEventStore({ name: 'deleted', indexedDB });
    await store.appendToStream('s', [{ type: 'E', data: {} }]);
    await store.appendToStream('s', [{ type: 'E', data: {} }]);
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.deleteDatabase('deleted');
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
    });
    const r = await store.appendToStream('s', [{ type: 'E', data: {} }]);
    expect([r.fromVersion, r.toVersion, r.fromPosition, r.toPosition]).toEqual([1, 1, 1, 1]);
    await store.close();
  });

  it('after applyConfirmed stored what a server ordered, an append reads again instead of trusting what it knew', async () => {
    const store = await openIdbEventStore({ name: 'confirmed' });
    await store.appendToStream('s', [{ type: 'E', data: {} }]);
    const [own] = await store.readStream('s');
    // Mixed use (a sync engine on an authority store): a foreign event far ahead.
    await store.applyConfirmed([{ ...own!, id: uuidv7(), streamId: 'x', version: 1, position: 7 }]);
    const r = await store.appendToStream('s', [{ type: 'E', data: {} }]);
    expect([r.toVersion, r.toPosition]).toEqual([2, 8]);
    await store.close();
  });
});
