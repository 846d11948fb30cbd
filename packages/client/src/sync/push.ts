import { serializeError } from '@tidelog/core';
import type { PushResponse } from '@tidelog/protocol';
import type { Timers } from '../timers.js';
import { type PushItem, type PushLimits, planBatches, pushItems, utf8Length } from './batches.js';
import { InvalidRequestError, PayloadTooLargeError } from './errors.js';
import type { FreshOutbox } from './fresh-outbox.js';
import type { SyncHost } from './host.js';
import type { SyncHttp } from './http.js';

/** What one push round did. */
export interface PushRound {
  /** Events sent at least once. */
  sent: number;
  /**
   * The runtime rebases after this round, so it was not clean: a stream group (or an id)
   * conflicted (pull, and the runtime rebases), a command was rejected (its stream is
   * rebased), or displaced commands wait for their rebase (pushed in a later round, once
   * decided again).
   */
  rebasing?: boolean;
  /** A command was moved to `rejected`: the round stopped there. */
  rejected?: boolean;
}

/** What a push round needs from the loop. */
export interface PushContext {
  host: SyncHost;
  http: SyncHttp;
  limits: PushLimits;
  signal: AbortSignal;
  /**
   * Ids the server acknowledged (accepted or duplicate) with their positions, kept until a
   * pull or the live stream confirms them: not sent again meanwhile.
   */
  acknowledged: Map<string, number>;
  /** What waits to be pushed when known without a read; told what each round sent. */
  fresh: FreshOutbox;
  /** The loop's clock. */
  timers: Pick<Timers, 'now'>;
  /** Called first with each answer: throws when the server was reset. */
  answered(response: PushResponse): void;
  /** Called before the first request of a round that has something to send. */
  starting(): void;
}

/**
 * Push everything pending, in outbox order, in batches as large as the limits allow,
 * never splitting a command. A 400 or 413 for a batch is narrowed down by halves to the
 * one command that causes it, which goes to `rejected` with the server's error instead
 * of blocking the queue; the round stops there, as that stream is now being rebased.
 *
 * @example
 * const round = await pushPending(context);
 * if (round.rebasing) await pull(); // the loop pulls, and the runtime rebases
 */
export async function pushPending(context: PushContext): Promise<PushRound> {
  const { host, fresh } = context;
  const round: PushRound = { sent: 0 };
  // Commands appended since the last round that sent everything: no need to read them back.
  let items = fresh.take();
  let mark: number | undefined;
  const readAt = context.timers.now();
  if (items === undefined) {
    mark = fresh.mark();
    const [outbox, pending] = await Promise.all([host.store.readOutbox(), host.store.readPending()]);
    const { acknowledged } = context;
    const waiting = acknowledged.size === 0 ? pending : pending.filter((e) => !acknowledged.has(e.id));
    items = pushItems(outbox, waiting);
    round.rebasing = outbox.some((entry) => entry.displaced !== undefined);
  }
  try {
    if (items.length > 0) context.starting();
    for (const batch of planBatches(items, context.limits, utf8Length(host.clientId))) {
      await send(context, batch, round);
      if (round.rejected) break;
    }
  } catch (error) {
    fresh.forget();
    throw error;
  }
  if (round.rebasing) fresh.forget();
  else if (mark !== undefined) fresh.sentAll(mark, readAt);
  return round;
}

/** Push `items` in one request; on a 400 or 413, narrow it down (and stop at the rejection). */
async function send(context: PushContext, items: PushItem[], round: PushRound): Promise<void> {
  const events = items.flatMap((item) => item.events);
  let response: PushResponse;
  try {
    response = await context.http.push({ clientId: context.host.clientId, events }, context.signal);
  } catch (error) {
    if (!(error instanceof InvalidRequestError || error instanceof PayloadTooLargeError)) throw error;
    if (items.length === 1) {
      await context.host.reject([(items[0] as PushItem).entry.commandId], serializeError(error));
      round.rejected = true;
      round.rebasing = true;
      return;
    }
    // The server names no culprit: halve until one command alone is refused. Order is
    // kept, so a stream's later commands never go before its earlier ones.
    const middle = Math.ceil(items.length / 2);
    await send(context, items.slice(0, middle), round);
    if (!round.rejected) await send(context, items.slice(middle), round);
    return;
  }
  context.answered(response);
  round.sent += events.length;
  if (response.conflicts.length > 0) round.rebasing = true;
  remember(context.acknowledged, events, response);
}

/** Note which of `events` the server holds now, and at which position. */
function remember(
  acknowledged: Map<string, number>,
  events: readonly { id: string; streamId: string; version: number }[],
  response: PushResponse,
): void {
  for (const duplicate of response.duplicates) acknowledged.set(duplicate.id, duplicate.position);
  const groups = new Map<string, { fromVersion: number; toVersion: number; fromPosition: number }>();
  for (const group of response.accepted) groups.set(group.streamId, group);
  for (const event of events) {
    const group = groups.get(event.streamId);
    if (group === undefined || event.version < group.fromVersion || event.version > group.toVersion) continue;
    if (acknowledged.has(event.id)) continue; // a duplicate inside an accepted range keeps its own position
    // An accepted group's positions are contiguous and follow its versions (one commit).
    acknowledged.set(event.id, group.fromPosition + (event.version - group.fromVersion));
  }
}
