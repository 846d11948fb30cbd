import type { ConfirmOutcome, Envelope, OutboxEntry, PositionedEnvelope } from '@tidelog/core';
import { request } from './requests.js';

/** Outbox entries (all, or one stream's) with their keys, in the order the commands ran. */
export async function readEntries(
  outbox: IDBObjectStore,
  streamId?: string,
): Promise<{ entries: OutboxEntry[]; keys: IDBValidKey[] }> {
  const source = streamId === undefined ? outbox : outbox.index('streamId');
  const range = streamId === undefined ? null : IDBKeyRange.only(streamId);
  // Same transaction, same range: values and keys come back in the same order.
  const [entries, keys] = await Promise.all([
    request<OutboxEntry[]>(source.getAll(range)),
    source instanceof IDBIndex ? request(source.getAllKeys(range)) : request(outbox.getAllKeys(range)),
  ]);
  return { entries, keys };
}

/** The stored events of these ids (undefined where none is stored). */
export function eventsById(
  events: IDBObjectStore,
  ids: readonly string[],
): Promise<(Envelope | undefined)[]> {
  const index = events.index('id');
  return Promise.all(ids.map((id) => request<Envelope | undefined>(index.get(id))));
}

/** Pending events (no position yet) of these outbox entries, in order. */
export async function pendingOf(
  events: IDBObjectStore,
  entries: readonly OutboxEntry[],
): Promise<Envelope[]> {
  const found = await eventsById(
    events,
    entries.flatMap((o) => o.eventIds),
  );
  return found.filter((e): e is Envelope => e !== undefined && e.position === undefined);
}

/**
 * Drop a stream's pending events and outbox entries (in the caller's transaction) and
 * return the entries in the order the commands ran.
 */
export async function dropPending(
  events: IDBObjectStore,
  outbox: IDBObjectStore,
  streamId: string,
): Promise<OutboxEntry[]> {
  const { entries, keys } = await readEntries(outbox, streamId);
  for (const e of await pendingOf(events, entries)) events.delete([e.streamId, e.version]);
  for (const key of keys) outbox.delete(key);
  return entries;
}

/**
 * `applyConfirmed` inside one transaction over `events` and `outbox`. Same rules as
 * `MemoryEventStore`: an own pending event (same id, stream and version) takes its
 * position; a foreign event for a stream with pending events drops them and their
 * commands (returned as `displaced`); ids already confirmed are skipped; outbox entries
 * whose events are all confirmed leave.
 */
export async function confirm(
  events: IDBObjectStore,
  outbox: IDBObjectStore,
  incoming: readonly PositionedEnvelope[],
): Promise<ConfirmOutcome> {
  const outcome: ConfirmOutcome = { confirmed: [], added: [], displaced: [] };
  const sorted = [...incoming].sort((a, b) => a.position - b.position);
  const [{ entries, keys }, known] = await Promise.all([
    readEntries(outbox),
    eventsById(
      events,
      sorted.map((e) => e.id),
    ),
  ]);
  // Everything below works on what was read: the only requests left are writes.
  const byId = new Map<string, Envelope>();
  sorted.forEach((e, i) => {
    const k = known[i];
    if (k) byId.set(e.id, k);
  });
  for (const [id, e] of zip(
    entries.flatMap((o) => o.eventIds),
    await eventsById(
      events,
      entries.flatMap((o) => o.eventIds),
    ),
  )) {
    if (e) byId.set(id, e);
  }
  const live = entries.map((entry, i) => ({ entry, key: keys[i]!, dropped: false }));
  const displace = (streamId: string) => {
    for (const item of live) {
      if (item.dropped || item.entry.streamId !== streamId) continue;
      item.dropped = true;
      outbox.delete(item.key);
      outcome.displaced.push(item.entry);
      for (const id of item.entry.eventIds) {
        const p = byId.get(id);
        if (p && p.position === undefined) {
          events.delete([p.streamId, p.version]);
          byId.delete(id);
        }
      }
    }
  };
  const hasPending = (streamId: string) =>
    live.some(
      (l) =>
        !l.dropped &&
        l.entry.streamId === streamId &&
        l.entry.eventIds.some((id) => byId.get(id)?.position === undefined && byId.has(id)),
    );
  for (const e of sorted) {
    const k = byId.get(e.id);
    if (k?.position !== undefined) continue;
    if (k && k.streamId === e.streamId && k.version === e.version) {
      outcome.confirmed.push(e.id);
    } else {
      // An id pending elsewhere would break the unique id index: that stream rebases too.
      if (k) displace(k.streamId);
      if (hasPending(e.streamId)) displace(e.streamId);
      outcome.added.push(e);
    }
    events.put(e);
    byId.set(e.id, e);
  }
  for (const item of live) {
    if (!item.dropped && item.entry.eventIds.every((id) => byId.get(id)?.position !== undefined))
      outbox.delete(item.key);
  }
  return outcome;
}

function zip<A, B>(a: readonly A[], b: readonly B[]): [A, B][] {
  return a.map((x, i) => [x, b[i] as B]);
}
