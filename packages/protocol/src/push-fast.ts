import type { EventMeta, JsonObject } from '@tidelog/core';
import { checkJsonObject, isPlainObject } from './json.js';
import { isEventId, isNameFromJson, isStreamName, isTimestamp, isVersion } from './rules.js';
import type { PushedEvent } from './types.js';

/*
 * The yes/no pass of push validation: one loop over the events with the same predicates
 * as event-check.ts and push-groups.ts, but no issue list, no paths, no second loop and no
 * map of ids. Pushes from a correct client pass it; anything it does not accept goes
 * through the full, reporting validation, which decides. So it must never accept what the
 * full validation refuses (validators.property.test.ts checks both agree); refusing more
 * only costs time.
 */

/**
 * Check an event's `meta` as `checkMeta` does with `partial` false.
 */
function metaOk(meta: unknown, escapeFree: boolean): meta is EventMeta {
  if (!checkJsonObject(meta)) return false;
  const m = meta as Record<string, unknown>;
  return (
    isTimestamp(m.timestamp) &&
    isNameFromJson(m.clientId, escapeFree) &&
    (m.commandId === undefined || isNameFromJson(m.commandId, escapeFree)) &&
    (m.correlationId === undefined || isNameFromJson(m.correlationId, escapeFree)) &&
    (m.causationId === undefined || isNameFromJson(m.causationId, escapeFree))
  );
}

/**
 * True when a checked event (all seven envelope fields present) has no other key, so it
 * can stand for itself: no copy to allocate per event (allocation is most of what
 * validation adds to a push, through the garbage collector). Only asked for objects made
 * by `JSON.parse`: plain data, no getters, no hidden keys.
 */
function hasOnlyEnvelopeKeys(event: Record<string, unknown>): boolean {
  let keys = 0;
  for (const _ in event) keys++;
  return keys === 7;
}

/**
 * The checked envelopes of a push's `events` when every event is valid, ids ascend
 * (UUIDv7s minted in order on one device, hence unique) and each stream's versions are
 * contiguous and ascending; otherwise undefined, and the caller runs the full validation.
 * `escapeFree`: see `checkPushedEvent`. `fromJson`: the events come straight from
 * `JSON.parse`, so an event with exactly the envelope's keys is returned as is, not copied.
 *
 * @example
 * const events = fastPushEvents(body.events, false) ?? fullValidation(body);
 */
export function fastPushEvents(
  events: readonly unknown[],
  escapeFree: boolean,
  fromJson = false,
): PushedEvent[] | undefined {
  const checked: PushedEvent[] = new Array(events.length);
  // Each stream's latest version so far; most pushes touch few streams.
  const streams: string[] = [];
  const latest: number[] = [];
  let versions: Map<string, number> | undefined;
  let previousId = '';
  for (let i = 0; i < events.length; i++) {
    const input = events[i];
    if (!isPlainObject(input)) return undefined;
    const { id, streamId, version, type, schemaVersion, data, meta } = input;
    if (
      !isEventId(id) ||
      !(previousId < id) ||
      !isStreamName(streamId) ||
      !isVersion(version) ||
      !isNameFromJson(type, escapeFree) ||
      !isVersion(schemaVersion) ||
      !checkJsonObject(data) ||
      !metaOk(meta, escapeFree)
    ) {
      return undefined;
    }
    if (versions === undefined) {
      let k = 0;
      while (k < streams.length && streams[k] !== streamId) k++;
      if (k < streams.length) {
        if (version !== latest[k]! + 1) return undefined;
        latest[k] = version;
      } else if (k < 16) {
        streams.push(streamId);
        latest.push(version);
      } else {
        versions = new Map();
        for (let j = 0; j < streams.length; j++) versions.set(streams[j]!, latest[j]!);
      }
    }
    if (versions !== undefined) {
      const last = versions.get(streamId);
      if (last !== undefined && version !== last + 1) return undefined;
      versions.set(streamId, version);
    }
    previousId = id;
    checked[i] =
      fromJson && hasOnlyEnvelopeKeys(input)
        ? (input as unknown as PushedEvent)
        : {
            id,
            streamId,
            version,
            type: type as string,
            schemaVersion: schemaVersion as number,
            data: data as JsonObject,
            meta,
          };
  }
  return checked;
}
