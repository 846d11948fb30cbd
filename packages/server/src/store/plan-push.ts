import type { PositionedEnvelope } from '@tidelog/core';
import { ValidationError } from '@tidelog/core';
import type { AcceptedGroup, PushConflict, PushedEvent, PushOutcome } from './types.js';

/** Where an event id already stored in the space lives. */
export interface StoredEventRef {
  streamId: string;
  version: number;
  position: number;
}

/** What a store knows, read inside its append transaction, before planning a push. */
export interface PushPlanInput {
  events: readonly PushedEvent[];
  /** Highest position in the space (0 when empty). */
  head: number;
  /**
   * Current version of each stream the push touches; a missing stream is version 0. Only
   * `get` is called, once per stream of the push: a Map, or a lookup into the store's own index.
   */
  versions: Pick<ReadonlyMap<string, number>, 'get'>;
  /** Stored events among the push's ids; ids not stored are absent. */
  known: ReadonlyMap<string, StoredEventRef>;
}

/** A push decided: the outcome to answer, and the events to append, in position order. */
export interface PushPlan {
  outcome: PushOutcome;
  append: PositionedEnvelope[];
}

/**
 * Decide a push (docs/protocol.md, "Push") from what the store holds. Pure: the store
 * reads `head`, `versions` and `known` inside its append transaction, calls this, and
 * writes `plan.append` in the same transaction.
 *
 * - Events are grouped by stream in order of each stream's first appearance; groups get
 *   positions in that order, from `head + 1`, gapless.
 * - An id stored with the same stream and version is a duplicate (acknowledged with its
 *   position) and taken out of its group; the rest must start at the current version + 1,
 *   else the whole group is a conflict (`expectedVersion` = its first version − 1).
 * - An id stored with another stream or version makes its whole group a conflict with `id`.
 * - An id repeated inside one push (the HTTP layer answers 400 before a store sees it) is
 *   never stored twice: a later occurrence is judged against the earlier accepted one as if
 *   it were stored, and a repeat inside one group makes that group a conflict with `id`.
 * - A stream whose versions are not contiguous and ascending throws `ValidationError`:
 *   the caller must check it first, so nothing is stored.
 *
 * @example
 * const plan = planPush({
 *   events: [{ id: 'a', streamId: 's', version: 1, type: 't', schemaVersion: 1, data: {}, meta }],
 *   head: 0,
 *   versions: new Map(),
 *   known: new Map(),
 * });
 * plan.outcome.accepted; // [{ streamId: 's', fromVersion: 1, toVersion: 1, fromPosition: 1, toPosition: 1 }]
 */
export function planPush(input: PushPlanInput): PushPlan {
  const { groups, repeats } = groupByStream(input.events);
  // Only a push that repeats an id needs to see the ids it accepts itself (rare: the HTTP
  // layer refuses such pushes); the usual push looks ids up in `input.known` alone.
  const acceptedHere = repeats ? new Map<string, StoredEventRef>() : undefined;
  const accepted: AcceptedGroup[] = [];
  const duplicates: { id: string; position: number }[] = [];
  const conflicts: PushConflict[] = [];
  const append: PositionedEnvelope[] = [];
  let head = input.head;

  for (const [streamId, events] of groups) {
    const current = input.versions.get(streamId) ?? 0;
    let rest = events;
    let clashId: string | undefined;
    if (input.known.size > 0 || acceptedHere) {
      rest = [];
      const seen = acceptedHere ? new Set<string>() : undefined;
      for (const event of events) {
        const stored = input.known.get(event.id) ?? acceptedHere?.get(event.id);
        if (stored && stored.streamId === streamId && stored.version === event.version) {
          duplicates.push({ id: event.id, position: stored.position });
          continue;
        }
        if ((stored || seen?.has(event.id)) && clashId === undefined) clashId = event.id;
        seen?.add(event.id);
        rest.push(event);
      }
    }
    const first = rest[0];
    if (!first) continue;
    if (clashId !== undefined || first.version !== current + 1) {
      const conflict: PushConflict = { streamId, expectedVersion: first.version - 1, actualVersion: current };
      if (clashId !== undefined) conflict.id = clashId;
      conflicts.push(conflict);
      continue;
    }
    const fromPosition = head + 1;
    for (const e of rest) {
      head++;
      // An explicit literal (not a spread) keeps one object shape and copies only envelope fields.
      append.push({
        id: e.id,
        streamId,
        version: e.version,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        meta: e.meta,
        position: head,
      });
      acceptedHere?.set(e.id, { streamId, version: e.version, position: head });
    }
    const last = rest[rest.length - 1]!;
    accepted.push({
      streamId,
      fromVersion: first.version,
      toVersion: last.version,
      fromPosition,
      toPosition: head,
    });
  }
  return { outcome: { accepted, duplicates, conflicts, head }, append };
}

/**
 * Group by stream, checking each stream's versions are contiguous and ascending, and note
 * whether any id occurs twice in the push.
 */
function groupByStream(events: readonly PushedEvent[]): {
  groups: Map<string, PushedEvent[]>;
  repeats: boolean;
} {
  const groups = new Map<string, PushedEvent[]>();
  // Ids in ascending order (UUIDv7s minted on one device) cannot repeat: no set of them
  // is built unless an id breaks the order (allocation is most of what planning costs).
  let ids: Set<string> | undefined;
  let previousId: string | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (!Number.isSafeInteger(event.version) || event.version < 1) {
      throw new ValidationError(`event ${event.id}: version must be a positive integer`, [
        { path: 'version', message: `got ${String(event.version)}` },
      ]);
    }
    if (ids) ids.add(event.id);
    else if (previousId === undefined || previousId < event.id) previousId = event.id;
    else {
      ids = new Set();
      for (let j = 0; j <= i; j++) ids.add(events[j]!.id);
    }
    const group = groups.get(event.streamId);
    if (group) {
      const previous = group[group.length - 1]!;
      if (event.version !== previous.version + 1) {
        throw new ValidationError(
          `events of stream "${event.streamId}" must have contiguous, ascending versions`,
          [{ path: 'version', message: `version ${event.version} follows ${previous.version}` }],
        );
      }
      group.push(event);
    } else {
      groups.set(event.streamId, [event]);
    }
  }
  return { groups, repeats: ids !== undefined && ids.size !== events.length };
}

/**
 * The distinct stream ids and event ids of a push: what a store must look up to plan it.
 *
 * @example
 * const { streamIds, ids } = pushKeys(events);
 * const plan = planPush({ events, head, versions: await readVersions(streamIds), known: await readIds(ids) });
 */
export function pushKeys(events: readonly PushedEvent[]): { streamIds: string[]; ids: string[] } {
  const streamIds = new Set<string>();
  const ids = new Set<string>();
  for (const event of events) {
    streamIds.add(event.streamId);
    ids.add(event.id);
  }
  return { streamIds: [...streamIds], ids: [...ids] };
}
