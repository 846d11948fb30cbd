import type {
  ConfirmOptions,
  ConfirmOutcome,
  Envelope,
  OutboxEntry,
  PositionedEnvelope,
  RebaseStep,
} from '@tidelog/core';
import { planConfirm, toEnvelopes } from '@tidelog/core/store-kit';
import { currentVersion, streamRange } from './append.js';
import { commitNow, request } from './requests.js';

/** Outbox entries (all, or one stream's) with their keys, in the order the commands ran. */
export async function readEntries(
  outbox: IDBObjectStore,
  streamId?: string,
): Promise<{ entries: OutboxEntry[]; keys: IDBValidKey[] }> {
  // Same transaction, same range: values and keys come back in the same order (an index's
  // `getAllKeys` gives the primary keys).
  const source = streamId === undefined ? outbox : outbox.index('streamId');
  const range = streamId === undefined ? null : IDBKeyRange.only(streamId);
  const [entries, keys] = await Promise.all([
    request<OutboxEntry[]>(source.getAll(range)),
    request(source.getAllKeys(range)),
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

/** Up to this many ids, `pendingOf` looks each up instead of reading stream tails. */
const FEW_IDS = 64;

/**
 * Pending events (no position yet) of these outbox entries, in order. A stream's pending
 * events are its last ones: each stream's tail is read in one range (as many versions as
 * its entries have event ids), and only ids missing there are looked up one by one.
 */
export async function pendingOf(
  events: IDBObjectStore,
  entries: readonly OutboxEntry[],
): Promise<Envelope[]> {
  const wanted = entries.flatMap((o) => o.eventIds);
  // A few ids: their lookups go out together and come back in one round, fewer than a tail read takes.
  if (wanted.length <= FEW_IDS) {
    const found = await eventsById(events, wanted);
    return found.filter((e): e is Envelope => e !== undefined && e.position === undefined);
  }
  const counts = new Map<string, number>();
  for (const o of entries) counts.set(o.streamId, (counts.get(o.streamId) ?? 0) + o.eventIds.length);
  const tails = await Promise.all(
    [...counts].map(async ([streamId, n]) => {
      const last = await currentVersion(events, streamId);
      return n === 0 || last === 0
        ? []
        : request<Envelope[]>(events.getAll(streamRange(streamId, Math.max(1, last - n + 1), last)));
    }),
  );
  const byId = new Map<string, Envelope>();
  for (const e of tails.flat()) byId.set(e.id, e);
  const missing = wanted.filter((id) => !byId.has(id));
  const found = await eventsById(events, missing);
  missing.forEach((id, i) => {
    const e = found[i];
    if (e) byId.set(id, e);
  });
  return wanted
    .map((id) => byId.get(id))
    .filter((e): e is Envelope => e !== undefined && e.position === undefined);
}

/** Every pending event (those of the outbox's entries). */
export async function readPendingAll(events: IDBObjectStore, outbox: IDBObjectStore): Promise<Envelope[]> {
  return pendingOf(events, (await readEntries(outbox)).entries);
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
 * `applyConfirmed` inside one transaction over `events`, `outbox`, `rejected` and `meta`:
 * read what `planConfirm` needs (the outbox, the stored events of the incoming and outbox
 * ids, the places the incoming events take), let it decide (the same rules as
 * `MemoryEventStore`), then only write. Returns the outcome and the pending events the
 * rebase steps appended.
 *
 * Without `lookUpIds` (the fast path) ids are found by reading each incoming stream from
 * the first place the page takes (its pending events lie above that too), and only the
 * outbox ids that read missed are looked up one by one. An incoming id stored anywhere
 * else (another stream, a lower version) is then unknown to the plan, and its write
 * fails with a `ConstraintError` from the unique `id` index, which aborts the
 * transaction: the caller runs it again with `lookUpIds`, one `get` per id, as the plan
 * needs it.
 */
export async function confirm(
  tx: IDBTransaction,
  incoming: readonly PositionedEnvelope[],
  options: ConfirmOptions,
  clientId: string,
  lookUpIds: boolean,
): Promise<{ outcome: ConfirmOutcome; appended: Envelope[] }> {
  const events = tx.objectStore('events');
  const outbox = tx.objectStore('outbox');
  const steps = options.rebase ?? [];
  // Issued together: the backend answers them in one round.
  const [{ entries, keys }, stored, positions] = await Promise.all([
    readEntries(outbox),
    lookUpIds ? placesOf(events, incoming) : fromFirstPlace(events, incoming),
    positionsOf(events, incoming),
  ]);
  const byId = new Map<string, Envelope>();
  const places = new Map<string, string>();
  for (const e of stored) {
    byId.set(e.id, e);
    places.set(placeKey(e.streamId, e.version), e.id);
  }
  // Outbox ids the reads above did not find: one `get` each (a command split over two
  // pages, a rebase step's stream, and with `lookUpIds` every id).
  const streams = new Set([...incoming.map((e) => e.streamId), ...steps.map((s) => s.streamId)]);
  const wanted = lookUpIds
    ? [...incoming.map((e) => e.id), ...entries.flatMap((o) => o.eventIds)]
    : entries.flatMap((o) => (streams.has(o.streamId) ? o.eventIds : []));
  const ids = [...new Set(wanted)].filter((id) => !byId.has(id));
  const found = await eventsById(events, ids);
  ids.forEach((id, i) => {
    const e = found[i];
    if (e) byId.set(id, e);
  });
  const plan = planConfirm({
    incoming,
    byId,
    atVersion: (streamId, version) => places.get(placeKey(streamId, version)),
    atPosition: (position) => positions.get(position),
    outbox: entries,
    steps,
  });
  const keyOf = new Map(entries.map((o, i) => [o.commandId, keys[i]!]));
  for (const p of plan.drop) events.delete([p.streamId, p.version]);
  for (const e of plan.write) events.put(e);
  for (const id of plan.remove) outbox.delete(keyOf.get(id)!);
  for (const d of plan.displace) outbox.put(d, keyOf.get(d.commandId)!);
  const appended: Envelope[] = [];
  for (const step of steps) appended.push(...(await applyStep(tx, step, clientId)));
  if (options.sync) tx.objectStore('meta').put(options.sync, 'sync');
  commitNow(tx);
  return { outcome: plan.outcome, appended };
}

/** A rebase step's writes after the plan's (its replaced entries are already deleted). */
async function applyStep(tx: IDBTransaction, step: RebaseStep, clientId: string): Promise<Envelope[]> {
  const events = tx.objectStore('events');
  const appended: Envelope[] = [];
  let version = await currentVersion(events, step.streamId);
  for (const { command, events: decided } of step.append) {
    const envelopes = toEnvelopes(step.streamId, decided, version + 1, { clientId });
    for (const e of envelopes) events.add(e);
    const { displaced: _, ...entry } = command;
    tx.objectStore('outbox').add({ ...entry, eventIds: envelopes.map((e) => e.id) });
    version += envelopes.length;
    appended.push(...envelopes);
  }
  const rejected = tx.objectStore('rejected');
  const out = [...(step.unreject ?? []), ...step.rejected.map((r) => r.entry.commandId)];
  const stale = await Promise.all(
    out.map((id) => request(rejected.index('commandId').getAllKeys(IDBKeyRange.only(id)))),
  );
  for (const key of stale.flat()) rejected.delete(key);
  for (const r of step.rejected) rejected.add(r);
  return appended;
}

/** The place key of a stream version, for a `Map` (a tuple, never a string parsed back). */
const placeKey = (streamId: string, version: number) => JSON.stringify([streamId, version]);

/** The lowest and highest version the incoming events take in each stream. */
function spans(incoming: readonly PositionedEnvelope[]): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  for (const e of incoming) {
    const r = ranges.get(e.streamId);
    ranges.set(
      e.streamId,
      r ? [Math.min(r[0], e.version), Math.max(r[1], e.version)] : [e.version, e.version],
    );
  }
  return ranges;
}

/** The stored events at the places (stream, version) the incoming events take: one read per stream. */
async function placesOf(
  events: IDBObjectStore,
  incoming: readonly PositionedEnvelope[],
): Promise<Envelope[]> {
  const found = await Promise.all(
    [...spans(incoming)].map(([streamId, [from, to]]) =>
      request<Envelope[]>(events.getAll(streamRange(streamId, from, to))),
    ),
  );
  return found.flat();
}

/**
 * The stored events of each incoming stream from the first place the incoming events take
 * on: those places, and the stream's pending events (they follow its confirmed ones).
 */
async function fromFirstPlace(
  events: IDBObjectStore,
  incoming: readonly PositionedEnvelope[],
): Promise<Envelope[]> {
  const found = await Promise.all(
    [...spans(incoming)].map(([streamId, [from]]) =>
      request<Envelope[]>(events.getAll(streamRange(streamId, from))),
    ),
  );
  return found.flat();
}

/** The ids of stored events at the positions the incoming events span: one read. */
async function positionsOf(
  events: IDBObjectStore,
  incoming: readonly PositionedEnvelope[],
): Promise<Map<number, string>> {
  if (incoming.length === 0) return new Map();
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const e of incoming) {
    lo = Math.min(lo, e.position);
    hi = Math.max(hi, e.position);
  }
  const stored = await request<PositionedEnvelope[]>(
    events.index('position').getAll(IDBKeyRange.bound(lo, hi)) as IDBRequest<PositionedEnvelope[]>,
  );
  return new Map(stored.map((e) => [e.position, e.id]));
}
