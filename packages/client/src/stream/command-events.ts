import {
  type AnyAggregate,
  type AppendEvent,
  type CommandContext,
  decide,
  type Envelope,
  type EventMeta,
  type OutboxEntry,
  ValidationError,
} from '@tidelog/core';
import { DEFAULT_LIMITS, validatePushPerEvent } from '@tidelog/protocol';
import { processEventId } from '../process/process-ids.js';

/**
 * The events of one decision, ready to append: each gets an id derived from the command id
 * and its index (`processEventId`), so a command decided again in a rebase writes the same
 * ids and a process manager that reacted to the first decision knows it; and the command's
 * meta (time, device, command, correlation and causation ids, the app's metadata).
 *
 * @example
 * const events = commandEvents(await decide(Counter, state, 'increment', { by: 1 }, ctx), ctx);
 */
export function commandEvents(decided: readonly AppendEvent[], ctx: CommandContext): AppendEvent[] {
  const { metadata, commandId } = ctx;
  /** The app's id from its metadata, else the command's own. */
  const idOr = (id: unknown) => (typeof id === 'string' ? id : commandId);
  const meta: Partial<EventMeta> = {
    ...metadata,
    timestamp: ctx.now,
    clientId: ctx.clientId,
    commandId,
    correlationId: idOr(metadata.correlationId),
    causationId: idOr(metadata.causationId),
  };
  return decided.map((e, i) => ({ ...e, id: processEventId(commandId, i), meta }));
}

/**
 * Refuse, with a `ValidationError`, a command's events that a sync server would refuse
 * (names, meta fields, more events or bytes than one push may carry; their data `decide`
 * has checked): with sync they would otherwise be stored, then block every push behind
 * them. `fromVersion` is the version the first event would take.
 *
 * @example
 * assertPushable('cart-1', 3, events, ctx.clientId);
 */
export function assertPushable(
  streamId: string,
  fromVersion: number,
  events: readonly AppendEvent[],
  clientId: string,
): void {
  const envelopes = events.map((e, i) => asEnvelope(streamId, fromVersion + i, e));
  // The versions are contiguous and the ids derived from the command id and each index
  // (`commandEvents`), distinct: the checks across events could never refuse them. `decide`
  // has walked each event's data with the server's JSON rules (`jsonIssues`): not again.
  const checked = validatePushPerEvent({ clientId, events: envelopes.map((e) => ({ ...e, data: {} })) });
  if (!checked.ok) {
    // A failed validation names at least one issue.
    const { issues } = checked;
    throw new ValidationError(
      `the command's events would be refused by a sync server: ${issues[0]!.path} ${issues[0]!.message}`,
      issues,
    );
  }
  // Only a push of this command alone is certain to be possible: it cannot be split.
  const bytes = new TextEncoder().encode(JSON.stringify({ clientId, events: envelopes })).length;
  if (bytes > DEFAULT_LIMITS.maxPushBytes) {
    throw new ValidationError(`the command's events take ${bytes} bytes, more than one push may carry`, [
      { path: 'events', message: `more than ${DEFAULT_LIMITS.maxPushBytes} bytes` },
    ]);
  }
}

/**
 * An event of a decision as the store will write it (to fold a state on, to check it as a
 * push would): the meta the store fills in is left empty where the event has none.
 *
 * @example
 * const envelope = asEnvelope('cart-1', 3, events[0]);
 */
export function asEnvelope(streamId: string, version: number, e: AppendEvent): Envelope {
  return {
    id: e.id!,
    streamId,
    version,
    type: e.type,
    schemaVersion: e.schemaVersion ?? 1,
    data: e.data,
    meta: { timestamp: '', clientId: '', ...e.meta },
  };
}

/** A command decided: its outbox entry as stored with its events, and the events to append. */
export interface DecidedCommand {
  command: OutboxEntry;
  events: AppendEvent[];
}

/**
 * Decide a command, as its outbox entry holds it, on `state` at `version`: with the entry's
 * `timestamp` as `ctx.now`, its `commandId` and metadata (a command decided again, in a
 * rebase or a retried rejection, gets the same event ids), and give its events their ids and
 * meta (`commandEvents`); with `pushable` (sync), check them as a push (`assertPushable`).
 * The entry comes back as it is stored with them: decided at `version`, not displaced, with
 * their ids (and a null payload for none). Throws what `decide` or the check throws.
 *
 * @example
 * const { command, events } = await decideCommand(Counter, state, entry, clientId, version, true);
 */
export async function decideCommand(
  aggregate: AnyAggregate,
  state: unknown,
  entry: OutboxEntry,
  clientId: string,
  version: number,
  pushable: boolean,
): Promise<DecidedCommand> {
  const { streamId, commandId } = entry;
  const ctx: CommandContext = {
    streamId,
    version,
    now: entry.timestamp,
    commandId,
    clientId,
    metadata: entry.metadata,
  };
  const decided = await decide(aggregate, state as never, entry.command, entry.payload as never, ctx);
  const events = commandEvents(decided, ctx);
  if (pushable) assertPushable(streamId, version + 1, events, clientId);
  const eventIds = events.map((e) => e.id!);
  return { command: { ...settle(entry, version), payload: entry.payload ?? null, eventIds }, events };
}

/**
 * The entry as it is stored again: decided at `baseVersion`, no longer displaced.
 *
 * @example
 * const entry = settle(displacedEntry, 4);
 */
export function settle(entry: OutboxEntry, baseVersion: number): OutboxEntry {
  const { displaced: _, ...rest } = entry;
  return { ...rest, baseVersion };
}
