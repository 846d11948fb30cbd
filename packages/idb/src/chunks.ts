import type { Envelope } from '@tidelog/core';
import { lastKey, request } from './requests.js';

/**
 * One record of the `chunks` store (format 5): consecutive events of one stream, versions
 * `version` to `last`, either all confirmed (`positions` lists their positions) or all
 * pending (no `positions`). Several events per record is what makes a page of confirmed
 * events cheap to store; see the package README, "Object stores".
 */
export interface Chunk {
  streamId: string;
  /** The first event's version; the key is `[streamId, version]`. */
  version: number;
  last: number;
  /** The events' ids: a unique multiEntry index, so an id is stored once in the whole store. */
  ids: string[];
  /** Only in a confirmed chunk: a unique multiEntry index, the log by position. */
  positions?: number[];
  events: Envelope[];
}

/** At most this many events go into one chunk (a long append, a page, an upgrade is cut). */
const MAX_CHUNK = 500;

/**
 * `add` events, ordered by stream and version, as chunks (none when there are none): a
 * chunk ends where the stream or the status (confirmed, pending) changes, a version is
 * skipped, or it is full. `add`, not `put`: a version or position another writer took
 * meanwhile fails with `ConstraintError` and aborts the transaction, never overwrites (an
 * append at a known place relies on that).
 *
 * @example
 * addChunks(tx.objectStore('chunks'), plan.envelopes);
 */
export function addChunks(store: IDBObjectStore, events: readonly Envelope[]): void {
  let run: Envelope[] = [];
  const add = () => {
    const first = run[0];
    if (!first) return;
    const chunk: Chunk = {
      streamId: first.streamId,
      version: first.version,
      last: first.version + run.length - 1,
      ids: run.map((e) => e.id),
      events: run,
    };
    if (first.position !== undefined) chunk.positions = run.map((e) => e.position!);
    store.add(chunk);
    run = [];
  };
  for (const e of events) {
    const prev = run.at(-1);
    if (
      prev &&
      (e.streamId !== prev.streamId ||
        e.version !== prev.version + 1 ||
        (e.position === undefined) !== (prev.position === undefined) ||
        run.length === MAX_CHUNK)
    ) {
      add();
    }
    run.push(e);
  }
  add();
}

/** The range of the `last` index (`[streamId, last]`) for a stream's chunks ending at `from` or later (`after`: later). */
const lastRange = (streamId: string, from = 0, after = false) =>
  IDBKeyRange.bound([streamId, from], [streamId, Infinity], after);

/**
 * A stream's chunks that hold a version from `from` to `to`, by version: those ending in
 * that range, and the first one ending after it (it may start inside), not the rest.
 */
export async function chunksFrom(
  store: IDBObjectStore,
  streamId: string,
  from = 0,
  to = Infinity,
): Promise<Chunk[]> {
  if (to < from) return [];
  const index = store.index('last');
  const [within, next] = await Promise.all([
    request<Chunk[]>(index.getAll(IDBKeyRange.bound([streamId, from], [streamId, to]))),
    // `get` of a range: the record with the lowest key in it.
    to < Infinity && request<Chunk | undefined>(index.get(lastRange(streamId, to, true))),
  ]);
  return next ? [...within, next] : within;
}

/** The current version of a stream: the end of its last chunk (a key read, no value), 0 when empty. */
export async function currentVersion(store: IDBObjectStore, streamId: string): Promise<number> {
  const key = (await lastKey(store.index('last'), lastRange(streamId))) as [string, number] | undefined;
  return key?.[1] ?? 0;
}

/** The highest position in the store, 0 when nothing is positioned. */
export async function currentHead(store: IDBObjectStore): Promise<number> {
  return ((await lastKey(store.index('positions'), null)) as number | undefined) ?? 0;
}

const inner = <V>(outer: Map<string, Map<number, V>>, key: string): Map<number, V> => {
  const m = outer.get(key) ?? new Map<number, V>();
  outer.set(key, m);
  return m;
};

/**
 * What one transaction has read of the `chunks` store, and its edits to the events in
 * them: an event `put` (confirmed in place, or new) or `drop`ped. An edit deletes the
 * chunk it touches; `write` stores the stream's edited events again, cut by `addChunks`,
 * so a chunk stays all confirmed or all pending whatever happened in its middle. Reads of
 * the store go through it, so each chunk is read (and deserialized) once.
 *
 * @example
 * const view = new ChunkView(tx.objectStore('chunks'));
 * for (const e of await pendingOf(view, entries)) view.drop(e);
 * view.write();
 */
export class ChunkView {
  /** Every stored event read so far, by id. */
  readonly byId = new Map<string, Envelope>();
  /** streamId → version → the chunk holding it. */
  readonly #at = new Map<string, Map<number, Chunk>>();
  /** Chunks an edit deleted; their events are in `#edited`. */
  readonly #touched = new Set<Chunk>();
  /** streamId → version → the event to store there, for each stream an edit touched. */
  readonly #edited = new Map<string, Map<number, Envelope>>();

  constructor(readonly store: IDBObjectStore) {}

  /**
   * Take chunks as read. A chunk read again replaces its first copy everywhere: every read
   * of a view comes before its first edit, so no edit points at the copy replaced.
   */
  #take(chunks: readonly Chunk[]): void {
    for (const c of chunks) {
      const at = inner(this.#at, c.streamId);
      for (const e of c.events) {
        at.set(e.version, c);
        this.byId.set(e.id, e);
      }
    }
  }

  /** Read a stream's chunks from version `from` on (whole chunks: they may start lower). */
  async from(streamId: string, from: number): Promise<void> {
    this.#take(await chunksFrom(this.store, streamId, from));
  }

  /** Read the chunks at these keys, each once. */
  async #load(keys: readonly IDBValidKey[]): Promise<void> {
    const want = new Map<string, IDBValidKey>();
    for (const k of keys) {
      const [streamId, version] = k as [string, number];
      if (!this.#at.get(streamId)?.has(version)) want.set(JSON.stringify(k), k);
    }
    // Keys read in this transaction, before its writes: every chunk is there.
    this.#take(await Promise.all([...want.values()].map((k) => request<Chunk>(this.store.get(k)))));
  }

  /** Read the chunks holding the positions in `range` (the first `limit` positions), each once. */
  async positions(range: IDBKeyRange, limit?: number): Promise<void> {
    await this.#load(await request(this.store.index('positions').getAllKeys(range, limit)));
  }

  /** Find the stored events of these ids (see `byId`): a key lookup each, then their chunks once. */
  async byIds(ids: readonly string[]): Promise<void> {
    const index = this.store.index('ids');
    const unknown = [...new Set(ids)].filter((id) => !this.byId.has(id));
    const keys = await Promise.all(unknown.map((id) => request(index.getKey(id))));
    await this.#load(keys.filter((k) => k !== undefined));
  }

  /** The stored event at a stream version, among the chunks read. */
  at(streamId: string, version: number): Envelope | undefined {
    const c = this.#at.get(streamId)?.get(version);
    return c?.events[version - c.version];
  }

  put(e: Envelope): void {
    this.#edit(e).set(e.version, e);
  }

  drop(e: Envelope): void {
    this.#edit(e).delete(e.version);
  }

  /**
   * The edited events of `e`'s stream, holding (the first time an edit meets it) the events
   * of the chunk at `e`'s place, whose delete is issued then. Edits come after the reads.
   */
  #edit(e: Envelope): Map<number, Envelope> {
    const events = inner(this.#edited, e.streamId);
    const c = this.#at.get(e.streamId)?.get(e.version);
    if (c && !this.#touched.has(c)) {
      this.#touched.add(c);
      this.store.delete([c.streamId, c.version]);
      for (const old of c.events) events.set(old.version, old);
    }
    return events;
  }

  /**
   * Store the edited streams again, cut by `addChunks` (once, after the edits). New chunks go
   * in with `add`: a key, id or position held by a chunk this view did not read fails
   * (`ConstraintError`) instead of being overwritten.
   */
  write(): void {
    for (const events of this.#edited.values()) {
      addChunks(
        this.store,
        [...events.values()].sort((a, b) => a.version - b.version),
      );
    }
  }
}
