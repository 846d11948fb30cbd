import { ConfirmConflictError } from './errors.js';
import type { ConfirmOutcome, LocalChange, OutboxEntry, RebaseStep } from './local-store.js';
import type { Envelope, PositionedEnvelope } from './types.js';

/** What a store read (inside its transaction) for `planConfirm`. */
export interface ConfirmReads {
  /** The events confirmed by the authority, in any order. */
  incoming: readonly PositionedEnvelope[];
  /** Stored events (confirmed or pending) with the incoming ids and with the outbox's event ids. */
  byId: ReadonlyMap<string, Envelope>;
  /** The stored event at a stream version, if any: the same object `byId` holds for its id. */
  atVersion(streamId: string, version: number): Envelope | undefined;
  /** The stored event at a position, if any. */
  atPosition(position: number): Envelope | undefined;
  /** The outbox, in order. */
  outbox: readonly OutboxEntry[];
  steps: readonly RebaseStep[];
}

/** What a store writes for `applyConfirmed`, in this order, in one transaction. */
export interface ConfirmPlan {
  outcome: ConfirmOutcome;
  /** Pending events to delete first (displaced or replaced). */
  drop: Envelope[];
  /** Events to store with their positions, ascending by position. */
  write: PositionedEnvelope[];
  /**
   * The outbox after the page, entry by entry as `ConfirmReads.outbox` lists them:
   * `undefined` where an entry leaves (all its events confirmed, or replaced by a rebase
   * step), a new entry where one stays marked displaced `'rebase'`, the same entry otherwise.
   */
  outbox: (OutboxEntry | undefined)[];
}

/**
 * Decide what `applyConfirmed` does, the same for every `LocalEventStore`: an incoming id
 * pending at the same stream and version confirms that event; any other new event is
 * foreign. A foreign event displaces the pending commands of its stream, after this
 * batch's own confirmations (an own command confirmed in the same batch stays confirmed),
 * unless a rebase step for the stream replaces them. A version or position held by
 * another event, or an id pending elsewhere, throws `ConfirmConflictError`.
 *
 * @example
 * const plan = planConfirm({ incoming, byId, atVersion, atPosition, outbox, steps: [] });
 */
export function planConfirm(reads: ConfirmReads): ConfirmPlan {
  const outcome: ConfirmOutcome = { confirmed: [], added: [], displaced: [] };
  const sorted = [...reads.incoming].sort((a, b) => a.position - b.position);
  const confirmedNow = new Set<string>();
  const foreignStreams = new Set<string>();
  const write: PositionedEnvelope[] = [];
  // A displaced command (its pending events dropped, waiting to be decided again) whose
  // events come back from the server was accepted before the displacement was seen (a
  // reset, a lost answer): they confirm it, they are not foreign.
  const displacedIds = new Set(reads.outbox.flatMap((o) => (o.displaced ? o.eventIds : [])));
  for (const e of sorted) {
    const known = reads.byId.get(e.id);
    if (known?.position !== undefined || confirmedNow.has(e.id)) continue;
    // `write` ascends by position: an event of this batch at this position is its last.
    const last = write.at(-1);
    const atPosition = last?.position === e.position ? last : reads.atPosition(e.position);
    if (atPosition && atPosition.id !== e.id) throw conflict(e, atPosition.id);
    if (known) {
      // A pending id confirms the event at its own place only (no lookup: a page of this
      // device's own events is the usual one).
      if (known.streamId !== e.streamId || known.version !== e.version) throw conflict(e, known.id);
    } else {
      // Only a pending event may give its place up (it is displaced); a confirmed one may not.
      const holder = reads.atVersion(e.streamId, e.version);
      if (holder?.position !== undefined) throw conflict(e, holder.id);
      outcome.added.push(e);
    }
    if (known || displacedIds.has(e.id)) {
      confirmedNow.add(e.id);
      outcome.confirmed.push(e.id);
    } else foreignStreams.add(e.streamId);
    write.push(e);
  }
  const isConfirmed = (id: string) => confirmedNow.has(id) || reads.byId.get(id)?.position !== undefined;
  const stepped = new Set(reads.steps.map((s) => s.streamId));
  const replaced = new Set(reads.steps.flatMap((s) => s.replaces));
  const drop: Envelope[] = [];
  const dropEvents = (entry: OutboxEntry) => {
    for (const id of entry.eventIds) {
      const p = reads.byId.get(id);
      if (p && !isConfirmed(id)) drop.push(p);
    }
  };
  const outbox = reads.outbox.map((entry) => {
    if (entry.eventIds.length > 0 && entry.eventIds.every(isConfirmed)) return undefined;
    if (replaced.has(entry.commandId)) {
      dropEvents(entry);
      return undefined;
    }
    if (!foreignStreams.has(entry.streamId) || stepped.has(entry.streamId)) return entry;
    dropEvents(entry);
    const displaced = { ...entry, displaced: entry.displaced ?? 'rebase' } as OutboxEntry;
    outcome.displaced.push(displaced);
    return displaced;
  });
  return { outcome, drop, write, outbox };
}

function conflict(e: PositionedEnvelope, heldBy: string): ConfirmConflictError {
  return new ConfirmConflictError(e.id, e.streamId, e.version, e.position, heldBy);
}

/**
 * The `LocalChange` an `applyConfirmed` reports: whether the outbox and the rejected list
 * changed, and `confirmed` (the event ids) when the page did nothing to the outbox but
 * confirm this device's commands.
 *
 * @example
 * listeners.emit(confirmChange(outcome, outboxChanged, steps));
 */
export function confirmChange(
  outcome: ConfirmOutcome,
  outboxChanged: boolean,
  steps: readonly RebaseStep[],
): LocalChange {
  const change: LocalChange = {
    outbox: outboxChanged,
    rejected: steps.some((s) => s.rejected.length || s.unreject?.length), // either list non-empty
    dropped: [],
  };
  if (outboxChanged && steps.length === 0 && outcome.displaced.length === 0)
    change.confirmed = outcome.confirmed;
  return change;
}
