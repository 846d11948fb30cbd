import type {
  ConfirmOptions,
  ConfirmOutcome,
  Envelope,
  OutboxEntry,
  PositionedEnvelope,
  RebaseStep,
} from '@tidelog/core';
import { planConfirm, toEnvelopes } from '@tidelog/core/store-kit';
import { addChunks, ChunkView, currentVersion } from './chunks.js';
import { commitNow, request } from './requests.js';

/**
 * Store a command's pending events (in chunks of at most 500, none when it decided no events) and its
 * outbox entry naming them; returns the entry.
 *
 * @example
 * const entry = addPending(tx, command, plan.envelopes);
 */
export function addPending(tx: IDBTransaction, command: OutboxEntry, events: Envelope[]): OutboxEntry {
  addChunks(tx.objectStore('chunks'), events);
  const entry = { ...command, eventIds: events.map((e) => e.id) };
  tx.objectStore('outbox').add(entry);
  return entry;
}

/** Outbox entries (all, or one stream's) and their keys, in the order the commands ran. */
export function readEntries(
  outbox: IDBObjectStore,
  streamId?: string,
): Promise<[entries: OutboxEntry[], keys: IDBValidKey[]]> {
  // Same transaction, same query: values and keys come back in the same order (an index's
  // `getAllKeys` gives the primary keys). A key is a query of that key alone; `undefined`
  // queries everything.
  const source = streamId === undefined ? outbox : outbox.index('streamId');
  return Promise.all([request<OutboxEntry[]>(source.getAll(streamId)), request(source.getAllKeys(streamId))]);
}

/**
 * Pending events (no position yet) of these outbox entries, in order. A stream's pending
 * events are its last ones, so each stream's tail is read in one range (the chunks
 * holding as many versions as its waiting entries have event ids), and only ids missing
 * there (a command confirmed in part) are looked up.
 */
export async function pendingOf(view: ChunkView, entries: readonly OutboxEntry[]): Promise<Envelope[]> {
  const counts = new Map<string, number>();
  for (const o of entries) {
    // A displaced command's events are gone: counting them would read confirmed chunks.
    if (!o.displaced) counts.set(o.streamId, (counts.get(o.streamId) ?? 0) + o.eventIds.length);
  }
  await Promise.all(
    [...counts].map(async ([streamId, n]) =>
      view.from(streamId, (await currentVersion(view.store, streamId)) - n + 1),
    ),
  );
  const wanted = entries.flatMap((o) => o.eventIds);
  await view.byIds(wanted);
  return wanted
    .map((id) => view.byId.get(id))
    .filter((e): e is Envelope => e !== undefined && e.position === undefined);
}

/**
 * Drop a stream's pending events and outbox entries (in the caller's transaction) and
 * return the entries in the order the commands ran.
 */
export async function dropPending(tx: IDBTransaction, streamId: string): Promise<OutboxEntry[]> {
  const outbox = tx.objectStore('outbox');
  const [entries, keys] = await readEntries(outbox, streamId);
  const view = new ChunkView(tx.objectStore('chunks'));
  for (const e of await pendingOf(view, entries)) view.drop(e);
  view.write();
  for (const key of keys) outbox.delete(key);
  return entries;
}

/**
 * `applyConfirmed` inside one transaction over `chunks`, `outbox`, `rejected` and `meta`:
 * read what `planConfirm` needs (the outbox, the stored events of the incoming and outbox
 * ids, the places the incoming events take), let it decide (the same rules as
 * `MemoryEventStore`), then write (a rebase step reads its stream's version and its
 * rejected entries after the page's writes). Returns the outcome and the pending events the
 * rebase steps appended.
 *
 * Without `lookUpIds` (the fast path) ids are found by reading each incoming stream from
 * the first place the page takes (its pending events lie above that too), and only the
 * outbox ids that read missed are looked up. An incoming id stored anywhere else (another
 * stream, a lower version) is then unknown to the plan, and its write fails with a
 * `ConstraintError` from the unique `ids` index, which aborts the transaction: the caller
 * runs it again with `lookUpIds`, every id looked up, as the plan needs it.
 */
export async function confirm(
  tx: IDBTransaction,
  incoming: readonly PositionedEnvelope[],
  options: ConfirmOptions,
  clientId: string,
  lookUpIds: boolean,
): Promise<[outcome: ConfirmOutcome, appended: Envelope[]]> {
  const view = new ChunkView(tx.objectStore('chunks'));
  const outbox = tx.objectStore('outbox');
  const steps = options.rebase ?? [];
  const first = new Map<string, number>();
  let lo = Infinity;
  let hi = 0;
  for (const e of incoming) {
    first.set(e.streamId, Math.min(first.get(e.streamId) ?? e.version, e.version));
    lo = Math.min(lo, e.position);
    hi = Math.max(hi, e.position);
  }
  // Issued together: the backend answers them in one round (then the chunks holding the
  // positions the page spans, if any are taken).
  const reads = [...first].map(([streamId, from]) => view.from(streamId, from));
  if (hi > 0) reads.push(view.positions(IDBKeyRange.bound(lo, hi)));
  const [[entries, keys]] = await Promise.all([readEntries(outbox), Promise.all(reads)]);
  // Outbox ids the reads above did not find (a command split over two pages, a rebase
  // step's stream, and with `lookUpIds` every id).
  const streams = new Set([...first.keys(), ...steps.map((s) => s.streamId)]);
  await view.byIds(
    lookUpIds
      ? [...incoming.map((e) => e.id), ...entries.flatMap((o) => o.eventIds)]
      : entries.flatMap((o) => (streams.has(o.streamId) ? o.eventIds : [])),
  );
  const positions = new Map<number, Envelope>();
  for (const e of view.byId.values()) if (e.position !== undefined) positions.set(e.position, e);
  const plan = planConfirm({
    incoming,
    byId: view.byId,
    atVersion: (streamId, version) => view.at(streamId, version),
    atPosition: (position) => positions.get(position),
    outbox: entries,
    steps,
  });
  for (const e of plan.drop) view.drop(e);
  for (const e of plan.write) view.put(e);
  view.write();
  plan.outbox.forEach((o, i) => {
    if (o === undefined) outbox.delete(keys[i]!);
    else if (o !== entries[i]) outbox.put(o, keys[i]);
  });
  const appended: Envelope[] = [];
  for (const step of steps) appended.push(...(await applyStep(tx, step, clientId)));
  if (options.sync) tx.objectStore('meta').put(options.sync, 'sync');
  commitNow(tx);
  return [plan.outcome, appended];
}

/** A rebase step's writes after the plan's (its replaced entries are already deleted). */
async function applyStep(tx: IDBTransaction, step: RebaseStep, clientId: string): Promise<Envelope[]> {
  const version = await currentVersion(tx.objectStore('chunks'), step.streamId);
  const appended: Envelope[] = [];
  for (const { command, events } of step.append) {
    const envelopes = toEnvelopes(step.streamId, events, version + appended.length + 1, { clientId });
    const { displaced: _, ...entry } = command;
    addPending(tx, entry, envelopes);
    appended.push(...envelopes);
  }
  const rejected = tx.objectStore('rejected');
  await deleteRejected(rejected, [...(step.unreject ?? []), ...step.rejected.map((r) => r.entry.commandId)]);
  for (const r of step.rejected) rejected.add(r);
  return appended;
}

/**
 * Delete the rejected commands filed under these command ids (found by the `commandId`
 * index, not by reading the whole list).
 *
 * @example
 * await deleteRejected(tx.objectStore('rejected'), ['c-1']);
 */
export async function deleteRejected(rejected: IDBObjectStore, commandIds: readonly string[]): Promise<void> {
  const keys = await Promise.all(commandIds.map((id) => request(rejected.index('commandId').getAllKeys(id))));
  for (const key of keys.flat()) rejected.delete(key);
}
