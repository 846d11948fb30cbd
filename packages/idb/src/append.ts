import {
  type AppendEvent,
  checkExpectedVersion,
  type Envelope,
  type ExpectedVersion,
  matchRepeat,
  toEnvelopes,
} from '@tidelog/core';
import { lastKey, request } from './requests.js';

/** The key range of one stream's events in the `events` store, by version. */
export const streamRange = (streamId: string, from = 1, to = Number.POSITIVE_INFINITY): IDBKeyRange =>
  IDBKeyRange.bound([streamId, from], [streamId, to]);

/** The current version of a stream: the version of its last event, 0 when it has none. */
export async function currentVersion(events: IDBObjectStore, streamId: string): Promise<number> {
  const key = (await lastKey(events, streamRange(streamId))) as [string, number] | undefined;
  return key?.[1] ?? 0;
}

/** The highest position in the store, 0 when nothing is positioned. */
export async function currentHead(events: IDBObjectStore): Promise<number> {
  return ((await lastKey(events.index('position'), null)) as number | undefined) ?? 0;
}

export interface Planned {
  /** The stored envelopes when this append repeats an earlier one (ids already stored). */
  repeat: Envelope[] | null;
  /** The new envelopes to write (no positions yet). */
  envelopes: Envelope[];
  versionBefore: number;
  head: number;
}

/**
 * Read what an append needs and decide it, inside the append's own transaction: the
 * stored events for the given ids (idempotency), the stream version and, for an authority
 * append, the head. All reads are issued at once; IndexedDB answers them in one round.
 *
 * @example
 * const plan = await planAppend(tx.objectStore('events'), 'cart-1', events, 'any', { clientId, withHead: true });
 */
export async function planAppend(
  store: IDBObjectStore,
  streamId: string,
  events: readonly AppendEvent[],
  expected: ExpectedVersion,
  options: { clientId: string; withHead: boolean },
): Promise<Planned> {
  const ids = store.index('id');
  const anyIds = events.some((e) => e.id !== undefined);
  const [stored, versionBefore, head] = await Promise.all([
    anyIds
      ? Promise.all(
          events.map((e) => (e.id === undefined ? undefined : request<Envelope | undefined>(ids.get(e.id)))),
        )
      : [],
    currentVersion(store, streamId),
    options.withHead ? currentHead(store) : 0,
  ]);
  const repeat = anyIds ? matchRepeat(streamId, events, stored) : null;
  if (repeat) return { repeat, envelopes: [], versionBefore, head };
  checkExpectedVersion(streamId, expected, versionBefore);
  const envelopes = toEnvelopes(streamId, events, versionBefore + 1, { clientId: options.clientId });
  return { repeat: null, envelopes, versionBefore, head };
}
