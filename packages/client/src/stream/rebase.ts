import {
  type AnyAggregate,
  type Envelope,
  foldDetailed,
  hasErrorCode,
  type OutboxEntry,
  type RebaseStep,
  type RejectedCommand,
  type SerializedError,
  serializeError,
} from '@tidelog/core';
import { asEnvelope, type DecidedCommand, decideCommand, settle } from './command-events.js';

/** A command of the outbox with its pending events (none when it was displaced). */
export interface PendingCommand {
  entry: OutboxEntry;
  events: readonly Envelope[];
}

export interface RebaseInput {
  aggregate: AnyAggregate;
  streamId: string;
  clientId: string;
  /** The stream's confirmed state and version before `incoming`. */
  confirmed: { state: unknown; version: number };
  /** The stream's outbox commands, in the order they ran. */
  pending: readonly PendingCommand[];
  /** Confirmed events of this stream arriving now, ascending by version. */
  incoming: readonly Envelope[];
  /** Commands the server refused (400/413 for their events), with its error. */
  refused?: ReadonlyMap<string, SerializedError>;
  /** When a command that now fails is filed (ISO-8601). */
  now: string;
}

export interface RebaseResult {
  /** Confirmed state and version after `incoming`. */
  confirmed: { state: unknown; version: number };
  /** The state and version the app sees: the confirmed state with the pending events folded on. */
  state: unknown;
  version: number;
  /** Own commands whose every event arrived in `incoming`: they leave the outbox. */
  confirmedCommands: string[];
  /**
   * What to write when commands had to be decided again (foreign events, a refused or a
   * displaced command); `null` when the pending events stand as they are.
   */
  step: RebaseStep | null;
}

/** Errors that say nothing about the command: it stays stored and is decided again later. */
const TRANSIENT = new Set(['CLOSED', 'STORAGE_FULL', 'STORAGE_UNAVAILABLE']);

/**
 * The rebase of one stream, as a pure function of its confirmed state, its pending
 * commands and the confirmed events arriving: own events among them confirm their
 * commands (no replay); a foreign event, a command the server refused or a command left
 * displaced makes every command not confirmed yet be decided again, in order, on the new
 * confirmed state, with its original `now`, `commandId` and metadata (so its events get
 * the same ids). A command that now throws is rejected with its error, except for storage
 * and closing errors, which are thrown (nothing is written, the rebase runs again later).
 * A command that now decides nothing leaves the outbox with nothing to push.
 *
 * @example
 * const { step } = await rebase({ aggregate: Counter, streamId: 'c-1', clientId, confirmed, pending, incoming, now });
 * if (step) await store.applyConfirmed(page, { rebase: [step] });
 */
export async function rebase(input: RebaseInput): Promise<RebaseResult> {
  const { aggregate, incoming, refused } = input;
  const confirmed = foldOnto(aggregate, input.confirmed, incoming);
  const arrived = new Set(incoming.map((e) => e.id));
  const own = new Set(input.pending.flatMap((p) => p.entry.eventIds));
  // An id of a command that is not pending (and the command not displaced) was confirmed
  // by an earlier page: a page may end inside a command's events.
  const pendingIds = new Set(input.pending.flatMap((p) => p.events.map((e) => e.id)));
  const onServer = (id: string) => arrived.has(id) || !pendingIds.has(id);
  const confirmedCommands: string[] = [];
  /** Partly confirmed: the server holds all of it (a command's events are accepted whole). */
  const inFlight: Envelope[] = [];
  const open: PendingCommand[] = [];
  for (const p of input.pending) {
    const { eventIds, displaced } = p.entry;
    if (eventIds.length === 0) open.push(p);
    // A displaced command has no pending events; it is confirmed only when all its events
    // arrive (the server took it before the displacement was seen).
    else if (displaced !== undefined) {
      if (eventIds.every((id) => arrived.has(id))) confirmedCommands.push(p.entry.commandId);
      else open.push(p);
    } else if (eventIds.every(onServer)) confirmedCommands.push(p.entry.commandId);
    else if (eventIds.some(onServer)) inFlight.push(...p.events.filter((e) => !arrived.has(e.id)));
    else open.push(p);
  }
  const replay =
    incoming.some((e) => !own.has(e.id)) ||
    open.some((p) => p.entry.displaced !== undefined || refused?.has(p.entry.commandId));
  if (!replay) {
    const kept = [...inFlight, ...open.flatMap((p) => p.events)].sort((a, b) => a.version - b.version);
    return { confirmed, ...foldOnto(aggregate, confirmed, kept), confirmedCommands, step: null };
  }
  // Commands decided again follow the rest of a partly confirmed one, never take its ids.
  let current = foldOnto(aggregate, confirmed, inFlight);
  const append: DecidedCommand[] = [];
  const rejected: RejectedCommand[] = [];
  for (const { entry } of open) {
    const refusal = refused?.get(entry.commandId);
    if (refusal) {
      rejected.push({ entry: settle(entry, entry.baseVersion), error: refusal, rejectedAt: input.now });
      continue;
    }
    const baseVersion = current.version;
    let decided: DecidedCommand;
    try {
      decided = await decideCommand(aggregate, current.state, entry, input.clientId, baseVersion, true);
    } catch (error) {
      if (hasErrorCode(error) && TRANSIENT.has(error.code)) throw error;
      rejected.push({
        entry: settle(entry, baseVersion),
        error: serializeError(error),
        rejectedAt: input.now,
      });
      continue;
    }
    if (decided.events.length === 0) continue;
    const envelopes = decided.events.map((e, i) => asEnvelope(input.streamId, baseVersion + 1 + i, e));
    current = foldOnto(aggregate, current, envelopes);
    append.push(decided);
  }
  const step: RebaseStep = {
    streamId: input.streamId,
    replaces: open.map((p) => p.entry.commandId),
    append,
    rejected,
  };
  return { confirmed, ...current, confirmedCommands, step };
}

/** The state and version after `events`, folded onto `base`. */
function foldOnto(
  aggregate: AnyAggregate,
  base: { state: unknown; version: number },
  events: readonly Envelope[],
): { state: unknown; version: number } {
  const { state, version } = foldDetailed(aggregate, base.state as never, events, base.version);
  return { state, version };
}
