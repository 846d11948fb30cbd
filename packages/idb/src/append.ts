import type { AppendEvent, Envelope, ExpectedVersion } from '@tidelog/core';
import { checkExpectedVersion, matchRepeat, toEnvelopes } from '@tidelog/core/store-kit';
import { ChunkView, currentHead, currentVersion } from './chunks.js';
import type { KnownPlace } from './known-heads.js';

/**
 * What `planAppend` decided: the stored envelopes when this append repeats an earlier one
 * (ids already stored; `null` when it does not), the new envelopes to write (with
 * `withHead`, at the positions after the head; none for a repeat), and the stream's version
 * before the append.
 */
export type Planned = [repeat: Envelope[] | null, envelopes: Envelope[], versionBefore: number];

export interface PlanOptions {
  clientId: string;
  /** Read the head too and give the new envelopes the positions after it (authority appends). */
  withHead: boolean;
  /**
   * The stream version and head this instance knows (see `KnownHeads`): neither is read.
   * `KnownHeads.place` gives one only where the expected version holds.
   */
  known?: KnownPlace | undefined;
  /**
   * Look every given id up before writing. Without it (the fast path) a stored id shows up
   * as a `ConstraintError` from the unique `ids` index, which aborts the transaction: the
   * caller then appends again with `lookUpIds` to tell a repeat from a reused id.
   */
  lookUpIds: boolean;
}

/**
 * Read what an append needs and decide it, inside the append's own transaction: the
 * stream version, for an authority append the head (neither when `known`), and (see
 * `lookUpIds`) the stored events for the given ids. The reads are issued at once (id lookups take a second round:
 * keys, then the chunks holding them).
 *
 * @example
 * const [repeat, envelopes] = await planAppend(tx.objectStore('chunks'), 'cart-1', events, 'any', { clientId, withHead: true, lookUpIds: false });
 */
export async function planAppend(
  store: IDBObjectStore,
  streamId: string,
  events: readonly AppendEvent[],
  expected: ExpectedVersion,
  options: PlanOptions,
): Promise<Planned> {
  const view = new ChunkView(store);
  /** The stored events of the ids, as a repeat of this append (`null`: none stored). */
  const lookUp = async () => {
    await view.byIds(events.flatMap((e) => e.id ?? []));
    const stored = events.map((e) => (e.id === undefined ? undefined : view.byId.get(e.id)));
    return matchRepeat(streamId, events, stored);
  };
  // Without ids, a lookup issues no reads and finds no repeat.
  const [early, versionBefore, head] = await Promise.all([
    options.lookUpIds ? lookUp() : null,
    // The known place, or the reads that find it.
    ...(options.known ?? [currentVersion(store, streamId), options.withHead ? currentHead(store) : 0]),
  ]);
  let repeat = early;
  if (!repeat) {
    try {
      checkExpectedVersion(streamId, expected, versionBefore);
    } catch (conflict) {
      // A repeat of an earlier append answers with the original result, not a conflict.
      // (With `lookUpIds` this asks again only for the ids not found: a rare conflict path.)
      repeat = await lookUp();
      if (!repeat) throw conflict;
    }
  }
  const envelopes = repeat
    ? []
    : toEnvelopes(streamId, events, versionBefore + 1, { clientId: options.clientId });
  if (options.withHead) {
    envelopes.forEach((e, i) => {
      e.position = head + 1 + i;
    });
  }
  return [repeat, envelopes, versionBefore];
}
