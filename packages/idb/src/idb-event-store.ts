import {
  type AppendEvent,
  type AppendOptions,
  type AppendResult,
  ClosedError,
  type ConfirmOptions,
  type ConfirmOutcome,
  type DeadLetter,
  type Envelope,
  type ExpectedVersion,
  type Json,
  type LocalChange,
  type LocalEventStore,
  type OutboxEntry,
  type PendingAppendResult,
  type PositionedEnvelope,
  type ProcessCheckpoint,
  type ProjectionCheckpoint,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RebaseStep,
  type RejectedCommand,
  type Snapshot,
  type StoreListener,
} from '@tidelog/core';
import { confirmChange, StoreListeners, toAppendResult, validateAppend } from '@tidelog/core/store-kit';
import { planAppend } from './append.js';
import { addChunks, type Chunk, ChunkView, chunksFrom, currentHead, currentVersion } from './chunks.js';
import type { Connection } from './connection.js';
import { knownHeads } from './known-heads.js';
import { addPending, confirm, deleteRejected, dropPending, pendingOf, readEntries } from './pending.js';
import { commitNow, request } from './requests.js';
import type { StoreName } from './schema.js';
import { errorName } from './storage-errors.js';

type Body<T> = (tx: IDBTransaction) => Promise<T>;

/**
 * The IndexedDB `LocalEventStore`. Made by `openIdbEventStore`; see the package README
 * for its object stores and guarantees.
 *
 * @example
 * const store: IdbEventStore = await openIdbEventStore({ name: 'app' });
 * await store.appendPending('todo-1', events, { command: outboxEntry });
 */
export class IdbEventStore implements LocalEventStore {
  readonly kind = 'indexeddb';
  readonly #connection: Connection;
  readonly #listeners = new StoreListeners<readonly Envelope[]>();
  readonly #localListeners = new StoreListeners<LocalChange>();
  readonly #known = knownHeads();

  constructor(
    connection: Connection,
    readonly clientId: string,
  ) {
    this.#connection = connection;
  }

  #read<T>(stores: StoreName[], body: Body<T>): Promise<T> {
    return this.#connection.run(stores, 'readonly', body);
  }

  #write<T>(stores: StoreName[], body: Body<T>): Promise<T> {
    return this.#connection.run(stores, 'readwrite', body);
  }

  /**
   * Refuse a call on a closed store before any work. Only methods that do something before
   * their first transaction (validate, answer without reading) call it: every transaction
   * goes through `Connection.run`, which rejects with the same `ClosedError` once closed.
   */
  #open(): void {
    if (this.#connection.closed) throw new ClosedError('the store is closed');
  }

  #notify(events: readonly Envelope[]): void {
    if (events.length > 0) this.#listeners.emit(events);
  }

  async appendToStream(
    streamId: string,
    events: readonly AppendEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.#open();
    const expected = options.expectedVersion ?? 'any';
    validateAppend(streamId, events, expected);
    const [repeat, envelopes, versionBefore, db] = await this.#known.appending(() =>
      this.#withIdRetry((lookUpIds) =>
        this.#write(['chunks'], async (tx) => {
          const store = tx.objectStore('chunks');
          const [repeat, envelopes, versionBefore] = await planAppend(store, streamId, events, expected, {
            clientId: this.clientId,
            withHead: true,
            lookUpIds,
            // No reads where this instance knows the stream's version and the head (see
            // `KnownHeads`); if another writer took that place first, the `add` fails and the
            // retry reads. An empty append reports the stream's version, which only a read can tell.
            known:
              lookUpIds || events.length === 0 ? undefined : this.#known.place(tx.db, streamId, expected),
          });
          addChunks(store, envelopes);
          commitNow(tx);
          return [repeat, envelopes, versionBefore, tx.db] as const;
        }),
      ),
    );
    // An authority append's events are positioned (see `planAppend`).
    const written = envelopes as PositionedEnvelope[];
    const result = toAppendResult(streamId, (repeat ?? written) as PositionedEnvelope[], versionBefore);
    if (written.length > 0) {
      this.#known.sawStream(db, written);
      this.#known.sawHead(db, result.toPosition);
    }
    this.#notify(written);
    return result;
  }

  /**
   * Appends and confirmations first skip looking ids up (most ids are new); if one was
   * stored after all, the unique index aborted the transaction, and the write runs again
   * with the lookups. An append at a known place that another writer took first (a key or
   * position taken) aborts the same way, and its retry reads.
   */
  async #withIdRetry<T>(append: (lookUpIds: boolean) => Promise<T>): Promise<T> {
    try {
      return await append(false);
    } catch (error) {
      // A write of a stored event id (unique `ids` index), or an `add` at a taken version or position.
      if (errorName(error) !== 'ConstraintError') throw error;
      return append(true);
    }
  }

  async appendPending(
    streamId: string,
    events: readonly AppendEvent[],
    options: { expectedVersion?: ExpectedVersion; command: OutboxEntry },
  ): Promise<PendingAppendResult> {
    this.#open();
    const expected = options.expectedVersion ?? 'any';
    validateAppend(streamId, events, expected);
    const [repeat, envelopes, versionBefore, entry] = await this.#withIdRetry((lookUpIds) =>
      this.#write(['chunks', 'outbox'], async (tx) => {
        const plan = await planAppend(tx.objectStore('chunks'), streamId, events, expected, {
          clientId: this.clientId,
          withHead: false,
          lookUpIds,
        });
        const [repeat, envelopes] = plan;
        const entry = repeat ? undefined : addPending(tx, options.command, envelopes);
        commitNow(tx);
        return [...plan, entry] as const;
      }),
    );
    const stored = repeat ?? envelopes;
    if (entry) {
      this.#notify(stored);
      this.#changed({ outbox: true, rejected: false, dropped: [], appended: { entry, events: stored } });
    }
    const first = stored[0]?.version ?? versionBefore;
    return { streamId, fromVersion: first, toVersion: stored.at(-1)?.version ?? first, events: stored };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<Envelope[]> {
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Infinity;
    return this.#read(['chunks'], async (tx) => {
      // The chunks holding `from` to `to`; their events outside it are left out after the read.
      const events = (await chunksFrom(tx.objectStore('chunks'), streamId, from, to))
        .flatMap((c) => c.events)
        .filter((e) => e.version >= from && e.version <= to);
      // Read to its end, the stream shows its version: the next append needs no reads.
      if (options.toVersion === undefined) this.#known.sawStream(tx.db, events);
      return events;
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<PositionedEnvelope[]> {
    const after = options.after ?? 0;
    return this.#read(['chunks'], async (tx) => {
      // Keys of the chunks holding the positions wanted (one per position), then each chunk once.
      const view = new ChunkView(tx.objectStore('chunks'));
      await view.positions(IDBKeyRange.lowerBound(after, true), options.limit);
      return ([...view.byId.values()] as PositionedEnvelope[])
        .filter((e) => e.position > after)
        .sort((a, b) => a.position - b.position)
        .slice(0, options.limit);
    });
  }

  streamVersion(streamId: string): Promise<number> {
    return this.#read(['chunks'], (tx) => currentVersion(tx.objectStore('chunks'), streamId));
  }

  head(): Promise<number> {
    return this.#read(['chunks'], async (tx) => {
      const head = await currentHead(tx.objectStore('chunks'));
      this.#known.sawHead(tx.db, head);
      return head;
    });
  }

  subscribe(listener: StoreListener): () => void {
    return this.#listeners.add(listener);
  }

  readPending(options: { streamId?: string } = {}): Promise<Envelope[]> {
    return this.#read(['chunks', 'outbox'], async (tx) => {
      const [entries] = await readEntries(tx.objectStore('outbox'), options.streamId);
      return pendingOf(new ChunkView(tx.objectStore('chunks')), entries);
    });
  }

  readOutbox(): Promise<OutboxEntry[]> {
    return this.#read(['outbox'], (tx) => request(tx.objectStore('outbox').getAll()));
  }

  async applyConfirmed(
    events: readonly PositionedEnvelope[],
    options: ConfirmOptions = {},
  ): Promise<ConfirmOutcome> {
    const steps = options.rebase ?? [];
    const [outcome, appended] = await this.#known.rewriting(() =>
      this.#withIdRetry((lookUpIds) =>
        this.#write(['chunks', 'outbox', 'rejected', 'meta'], (tx) =>
          confirm(tx, events, options, this.clientId, lookUpIds),
        ),
      ),
    );
    this.#notify([...outcome.added, ...appended]);
    this.#changed(
      confirmChange(outcome, outcome.confirmed.length + outcome.displaced.length + steps.length > 0, steps),
    );
    return outcome;
  }

  async rebase(steps: readonly RebaseStep[]): Promise<void> {
    this.#open();
    if (steps.length > 0) await this.applyConfirmed([], { rebase: steps });
  }

  async resetConfirmed(): Promise<OutboxEntry[]> {
    const [entries, dropped] = await this.#known.rewriting(() =>
      this.#write(['chunks', 'outbox', 'snapshots', 'checkpoints', 'meta'], async (tx) => {
        const chunks = tx.objectStore('chunks');
        const outbox = tx.objectStore('outbox');
        const [entries, keys] = await readEntries(outbox);
        const pending = await pendingOf(new ChunkView(chunks), entries);
        // Pending events follow confirmed versions that are gone: every event goes.
        chunks.clear();
        tx.objectStore('snapshots').clear();
        tx.objectStore('checkpoints').clear();
        tx.objectStore('meta').delete('sync');
        const marked = entries.map((o): OutboxEntry => ({ ...o, displaced: 'reset' }));
        for (const [i, o] of marked.entries()) outbox.put(o, keys[i]!);
        // The entries as marked, and the streams whose pending events went.
        return [marked, [...new Set(pending.map((e) => e.streamId))]] as const;
      }),
    );
    this.#changed({ outbox: entries.length > 0, rejected: false, dropped });
    return entries;
  }

  async takePending(streamId: string): Promise<OutboxEntry[]> {
    const taken = await this.#write(['chunks', 'outbox'], (tx) => dropPending(tx, streamId));
    if (taken.length > 0) this.#changed({ outbox: true, rejected: false, dropped: [streamId] });
    return taken;
  }

  subscribeLocal(listener: (change: LocalChange) => void): () => void {
    return this.#localListeners.add(listener);
  }

  #changed(change: LocalChange): void {
    if (change.outbox || change.rejected || change.dropped.length > 0) this.#localListeners.emit(change);
  }

  async addRejected(rejected: readonly RejectedCommand[]): Promise<void> {
    await this.#write(['rejected'], async (tx) => {
      for (const r of rejected) tx.objectStore('rejected').add(r);
    });
    this.#changed({ outbox: false, rejected: rejected.length > 0, dropped: [] });
  }

  readRejected(): Promise<RejectedCommand[]> {
    return this.#read(['rejected'], (tx) => request(tx.objectStore('rejected').getAll()));
  }

  async clearRejected(commandIds?: readonly string[]): Promise<void> {
    await this.#write(['rejected'], async (tx) => {
      const store = tx.objectStore('rejected');
      if (commandIds) await deleteRejected(store, commandIds);
      else store.clear();
    });
    this.#changed({ outbox: false, rejected: true, dropped: [] });
  }

  getCheckpoint(name: string): Promise<ProjectionCheckpoint | undefined> {
    return this.#get('checkpoints', name);
  }

  putCheckpoint(checkpoint: ProjectionCheckpoint): Promise<void> {
    return this.#put('checkpoints', checkpoint);
  }

  getEvent(id: string): Promise<Envelope | undefined> {
    return this.#read(['chunks'], async (tx) => {
      // The chunk holding the id, in one read (the index gives the record).
      const chunk = await request<Chunk | undefined>(tx.objectStore('chunks').index('ids').get(id));
      return chunk?.events.find((e) => e.id === id);
    });
  }

  getProcessCheckpoint(name: string): Promise<ProcessCheckpoint | undefined> {
    return this.#get('processCheckpoints', name);
  }

  putProcessCheckpoint(checkpoint: ProcessCheckpoint): Promise<void> {
    return this.#put('processCheckpoints', checkpoint);
  }

  putDeadLetter(letter: DeadLetter): Promise<void> {
    return this.#put('deadLetters', letter);
  }

  readDeadLetters(): Promise<DeadLetter[]> {
    // In time order: the `at` index, whose ties IndexedDB orders by primary key (`id`).
    return this.#read(['deadLetters'], (tx) => request(tx.objectStore('deadLetters').index('at').getAll()));
  }

  deleteDeadLetters(ids?: readonly string[]): Promise<void> {
    return this.#write(['deadLetters'], async (tx) => {
      const store = tx.objectStore('deadLetters');
      if (ids) for (const id of ids) store.delete(id);
      else store.clear();
    });
  }

  getMeta(key: string): Promise<Json | undefined> {
    return this.#get('meta', key);
  }

  setMeta(key: string, value: Json): Promise<void> {
    return this.#put('meta', value, key);
  }

  getSnapshot(key: string): Promise<Snapshot | undefined> {
    return this.#get('snapshots', key);
  }

  putSnapshot(snapshot: Snapshot): Promise<void> {
    return this.#put('snapshots', snapshot);
  }

  deleteSnapshot(key: string): Promise<void> {
    return this.#write(['snapshots'], async (tx) => void tx.objectStore('snapshots').delete(key));
  }

  #get<T>(store: StoreName, key: string): Promise<T | undefined> {
    return this.#read([store], (tx) => request<T | undefined>(tx.objectStore(store).get(key)));
  }

  #put(store: StoreName, value: unknown, key?: string): Promise<void> {
    // An undefined key counts as none (WebIDL), as the in-line keyed stores need.
    return this.#write([store], async (tx) => void tx.objectStore(store).put(value, key));
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#localListeners.clear();
    await this.#connection.close();
  }
}
