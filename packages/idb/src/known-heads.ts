import type { Envelope, ExpectedVersion } from '@tidelog/core';

/**
 * Where an append may write without reading first: the stream's version the append assumes
 * (its events take the versions after it) and the head it assumes (its events take the
 * positions after it), in the order `planAppend` would read them.
 */
export type KnownPlace = [version: number, head: number];

/** Streams remembered at most; beyond that the least recently used are forgotten. */
const MAX_STREAMS = 10_000;

/**
 * What one store instance has seen of its database: for each stream the highest version
 * held by a *positioned* event, and the highest position. Both are facts that stay true:
 * positioned events are never deleted or moved (only pending ones are, and only a sync
 * engine's `applyConfirmed`, which resets this, rewrites confirmed ones), versions and
 * positions are gapless. So an authority append at a known place needs no reads: it
 * `add`s its events (chunks of at most 500) at the versions and positions after it, and if another
 * writer (a second tab's store, another connection) got there first, the chunk key
 * `[streamId, first version]` (a known version ends a chunk, so the next chunk starts right
 * after it) or the unique `positions` index refuses with a `ConstraintError`, the transaction
 * aborts with nothing written, and the append runs again with reads. A stale place can
 * only be too low, never too high, so it can cause a retry but never a gap.
 *
 * Facts are tied to the connection they were seen on: another tab that deletes the
 * database must close this connection first, and a new connection starts knowing nothing.
 *
 * Limit: the "never a gap" above holds for positions this database hands out itself. A
 * sync engine's `applyConfirmed` stores the server's positions, which may skip numbers,
 * and resets only its own instance: a stale instance in another tab could then `add` an
 * authority event into such a hole, below the head. The client runtime does not mix the
 * two (with sync, commands go through the pending log, never `appendToStream`), and a
 * database should not either.
 *
 */
export interface KnownHeads {
  /**
   * The place an append with `expected` can take without reads, or `undefined` (nothing
   * known, another append of this instance in flight, or `expected` cannot hold there).
   */
  place(db: IDBDatabase, streamId: string, expected: ExpectedVersion): KnownPlace | undefined;
  /**
   * Remember the version of the stream's last positioned event among `events` (a read of
   * the stream, or an append that committed). Pending events (no position) prove nothing:
   * they may be dropped.
   */
  sawStream(db: IDBDatabase, events: readonly Envelope[]): void;
  /**
   * Remember the head: the highest position on `db` when it was read in a transaction, or
   * the last position an append wrote. Only exact heads are worth keeping: a lower one is
   * still safe, but each append would then fail once and read.
   */
  sawHead(db: IDBDatabase, head: number): void;
  /**
   * Run a write that may rewrite confirmed events (a sync engine's `applyConfirmed`):
   * nothing known before it is trusted during or after it.
   */
  rewriting<T>(run: () => Promise<T>): Promise<T>;
  /** Count an append as in flight while `run` runs. */
  appending<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * A store instance's `KnownHeads`, knowing nothing yet. State in a closure, not a class: a
 * closure's variables minify to one letter each, `this.#field` does not.
 *
 * @example
 * const heads = knownHeads();
 * const known = heads.place(tx.db, 'cart-1', 'any'); // undefined: read first
 * const [repeat, envelopes] = await planAppend(store, 'cart-1', events, 'any', { clientId, withHead: true, lookUpIds: false, known });
 */
export function knownHeads(): KnownHeads {
  let connection: IDBDatabase | undefined;
  let head: number | undefined;
  const versions = new Map<string, number>();
  let appending = 0;
  let rewriting = 0;

  const forget = () => {
    head = undefined;
    versions.clear();
  };
  const use = (db: IDBDatabase) => {
    if (connection === db) return;
    connection = db;
    forget();
  };
  const remember = (streamId: string, version: number) => {
    // Versions start at 1: a stream not known yet is below any.
    if ((versions.get(streamId) ?? 0) >= version) return;
    versions.delete(streamId);
    versions.set(streamId, version);
    // Over the limit the map is not empty: its first key, the least recently used, exists.
    if (versions.size > MAX_STREAMS) versions.delete(versions.keys().next().value!);
  };

  return {
    place(db, streamId, expected) {
      use(db);
      // A concurrent append would take the same place: let it go first and read after it.
      if (head === undefined || appending > 1 || rewriting > 0) return undefined;
      const known = versions.get(streamId);
      // Version 0 needs no knowledge: if the stream has events, version 1 is taken.
      const version =
        expected === 'no_stream' || expected === 0 ? (known === undefined ? 0 : undefined) : known;
      // A number below what is known is a certain conflict: the reading path reports it.
      if (version === undefined || (typeof expected === 'number' && expected !== version)) return undefined;
      return [version, head];
    },
    sawStream(db, events) {
      use(db);
      const last = events.filter((e) => e.position !== undefined).at(-1);
      if (last) remember(last.streamId, last.version);
    },
    sawHead(db, seen) {
      use(db);
      head = Math.max(head ?? 0, seen);
    },
    async rewriting(run) {
      forget();
      rewriting++;
      try {
        return await run();
      } finally {
        rewriting--;
        forget();
      }
    },
    async appending(run) {
      appending++;
      try {
        return await run();
      } finally {
        appending--;
      }
    },
  };
}
