// The page the idb browser tests drive: the conformance cases and a few probes, on
// real IndexedDB. Bundled by test-utils/browser.ts; never part of the package build.
import { type OutboxEntry, uuidv7 } from '@tidelog/core';
import { eventStoreCases, localStoreCases } from '@tidelog/core/testing';
import { openIdbEventStore } from '../open-idb-event-store.js';
import { knownHeadsCases } from './known-heads-cases.js';
import type { CaseOutcome, StorePageApi } from './page-api.js';

let n = 0;
const fresh = () => openIdbEventStore({ name: `case-${Date.now()}-${n++}` });
const codeOf = (error: unknown) => String((error as { code?: unknown }).code ?? error);
const command = (streamId: string): OutboxEntry => ({
  commandId: uuidv7(),
  aggregateType: 'probe',
  streamId,
  command: 'fill',
  payload: {},
  baseVersion: 0,
  eventIds: [],
  timestamp: new Date().toISOString(),
  metadata: {},
});

async function outcomeOf(run: () => Promise<void>): Promise<CaseOutcome> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    };
  }
}

const api: StorePageApi = {
  async runCase(suite, name) {
    const found = (suite === 'event' ? eventStoreCases : localStoreCases).find((c) => c.name === name);
    if (!found) return { ok: false, error: `no case named ${name}` };
    return outcomeOf(() => found.run(fresh));
  },

  async runKnownHeadsCase(name) {
    const found = knownHeadsCases.find((c) => c.name === name);
    if (!found) return { ok: false, error: `no case named ${name}` };
    return outcomeOf(() => found.run((db) => openIdbEventStore({ name: db })));
  },

  async holdAppend(db, streamId, count) {
    const store = await openIdbEventStore({ name: db });
    const events = Array.from({ length: count }, (_, i) => ({
      type: 'Filled',
      data: { i, pad: 'x'.repeat(100) },
    }));
    return new Promise((resolve) => {
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (
        this: IDBObjectStore,
        ...args: Parameters<IDBObjectStore['add']>
      ) {
        const request = add.apply(this, args);
        // The command's events go in as one chunk: its add is the last write but the outbox's.
        if (this.name === 'chunks') {
          IDBObjectStore.prototype.add = add;
          // The store asks to commit once its writes are issued: ignored here, as if the
          // page went away before the request reached the database.
          IDBTransaction.prototype.commit = () => {};
          // Requests placed from success callbacks keep the transaction alive: it cannot
          // commit until the page goes away.
          const spin = () => {
            this.count().onsuccess = spin;
          };
          spin();
          resolve('holding');
        }
        return request;
      };
      store.appendPending(streamId, events, { command: command(streamId) }).catch(() => {});
    });
  },

  async inspect(db, streamId) {
    const store = await openIdbEventStore({ name: db });
    try {
      const versions = (await store.readStream(streamId)).map((e) => e.version);
      return {
        versions,
        pending: (await store.readPending()).length,
        outbox: (await store.readOutbox()).length,
      };
    } finally {
      await store.close();
    }
  },

  async appendMany(db, streamId, batches, size) {
    const store = await openIdbEventStore({ name: db });
    const batch = Array.from({ length: size }, (_, i) => ({ type: 'E', data: { i } }));
    await Promise.all(Array.from({ length: batches }, () => store.appendToStream(streamId, batch)));
    await store.close();
  },

  async appendFirst(db, streamId) {
    const store = await openIdbEventStore({ name: db });
    try {
      await store.appendToStream(streamId, [{ type: 'First', data: {} }], { expectedVersion: 'no_stream' });
      return 'ok';
    } catch (error) {
      return codeOf(error);
    } finally {
      await store.close();
    }
  },

  async appendBlob(db, streamId, bytes) {
    const store = await openIdbEventStore({ name: db });
    try {
      // Random text: Chromium compresses large values, so a repeated character would fit.
      const random = new Uint8Array(bytes / 2);
      for (let at = 0; at < random.length; at += 65_536)
        crypto.getRandomValues(random.subarray(at, at + 65_536));
      const blob = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
      await store.appendToStream(streamId, [{ type: 'Blob', data: { blob } }]);
      return 'ok';
    } catch (error) {
      return codeOf(error);
    } finally {
      await store.close();
    }
  },
};
window.tidelog = api;
