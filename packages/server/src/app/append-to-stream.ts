import { ConcurrencyError, DuplicateEventError, type ExpectedVersion, uuidv7 } from '@tidelog/core';
import { MAX_VERSION, type StreamAppendRequest, type StreamAppendResponse } from '@tidelog/protocol';
import type { PushedEvent, ServerEventStore } from '../store/types.js';

/** How often an `"any"` / `"stream_exists"` append re-reads and retries after losing a race. */
const MAX_ATTEMPTS = 10;

export interface AppendContext {
  store: ServerEventStore;
  space: string;
  streamId: string;
  /** Filled into `meta.timestamp` when an event has none. */
  now: Date;
  /** Filled into `meta.clientId` when an event has none. */
  clientId: string;
}

/** Does the stream's current version satisfy what the request expects? */
function satisfies(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  if (expected === 'stream_exists') return current > 0;
  return current === expected;
}

/** The version an exact expectation names (`no_stream` is 0), or undefined for the loose ones. */
function exactVersion(expected: ExpectedVersion): number | undefined {
  return expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected : undefined;
}

/**
 * Append events to one stream for a server-side producer, on top of the store's `push`:
 * read the stream's version, check `expectedVersion`, push the events as the next
 * versions. The store's group check makes a race safe: the loser gets a conflict, which is
 * a 409 for an exact expectation and a re-read and retry for `"any"` / `"stream_exists"`.
 * Missing ids are minted (UUIDv7) once, before the first attempt.
 *
 * A repeat of an append with client-given ids and an exact `expectedVersion` (a retry after
 * a lost response) answers the original result instead of a conflict, when the stream
 * holds exactly those ids right after that version.
 *
 * @example
 * const span = await appendToStream({ store, space, streamId: 'order-7', now: new Date(), clientId: 'server' },
 *   { expectedVersion: 0, events: [{ type: 'OrderPlaced', data: {} }] });
 */
export async function appendToStream(
  ctx: AppendContext,
  request: StreamAppendRequest,
): Promise<StreamAppendResponse> {
  const { store, space, streamId } = ctx;
  const timestamp = ctx.now.toISOString();
  const ids = request.events.map((e) => e.id ?? uuidv7());
  const everyIdGiven = request.events.every((e) => e.id !== undefined);
  const expected = request.expectedVersion;
  let current = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    current = (await store.readStream(space, streamId, { fromVersion: MAX_VERSION })).version;
    if (!satisfies(expected, current)) {
      const repeat = everyIdGiven ? await originalAppend(ctx, ids, expected) : undefined;
      if (repeat) return repeat;
      throw new ConcurrencyError(streamId, expected, current);
    }
    const events: PushedEvent[] = request.events.map((e, i) => ({
      id: ids[i]!,
      streamId,
      version: current + 1 + i,
      type: e.type,
      schemaVersion: e.schemaVersion ?? 1,
      data: e.data,
      meta: {
        ...e.meta,
        timestamp: e.meta?.timestamp ?? timestamp,
        clientId: e.meta?.clientId ?? ctx.clientId,
      },
    }));
    const outcome = await store.push(space, events);
    const conflict = outcome.conflicts[0];
    if (!conflict) {
      // Accepted (or, if a twin request with the same ids won the race, acknowledged as duplicates).
      const positions = [
        ...outcome.accepted.flatMap((g) => [g.fromPosition, g.toPosition]),
        ...outcome.duplicates.map((d) => d.position),
      ];
      return {
        fromVersion: current + 1,
        toVersion: current + events.length,
        fromPosition: Math.min(...positions),
        toPosition: Math.max(...positions),
      };
    }
    if (conflict.id !== undefined) {
      const repeat = everyIdGiven ? await originalAppend(ctx, ids, expected) : undefined;
      if (repeat) return repeat;
      throw new DuplicateEventError(conflict.id);
    }
    current = conflict.actualVersion;
    if (exactVersion(expected) !== undefined) throw new ConcurrencyError(streamId, expected, current);
  }
  throw new ConcurrencyError(
    streamId,
    expected,
    current,
    `stream "${streamId}" kept changing: gave up after ${MAX_ATTEMPTS} attempts`,
  );
}

/** The span of an earlier append of exactly `ids` right after the expected version, if there was one. */
async function originalAppend(
  ctx: AppendContext,
  ids: string[],
  expected: ExpectedVersion,
): Promise<StreamAppendResponse | undefined> {
  const after = exactVersion(expected);
  if (after === undefined) return undefined;
  const { events } = await ctx.store.readStream(ctx.space, ctx.streamId, {
    fromVersion: after + 1,
    limit: ids.length,
  });
  if (events.length < ids.length || !ids.every((id, i) => events[i]!.id === id)) return undefined;
  return {
    fromVersion: after + 1,
    toVersion: after + ids.length,
    fromPosition: events[0]!.position,
    toPosition: events[ids.length - 1]!.position,
  };
}
