import type { EventMeta, JsonObject } from '@tidelog/core';
import { checkJsonObject, isJsonValue, isParsedJsonObject, isParsedObject, isPlainObject } from './json.js';
import { isEventId, isNameFromJson, isStreamName, isTimestamp, isVersion, isWellFormed } from './rules.js';
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
 * Check an event's `meta` as `checkMeta` does with `partial` false, in one loop over its
 * keys: the known ones by their rule, any other value as JSON. A key present must hold a
 * valid value (`commandId: undefined` is not JSON either).
 */
function metaOk(meta: unknown, escapeFree: boolean, fromJson: boolean): meta is EventMeta {
  if (!isObject(meta, fromJson)) return false;
  let required = 0;
  for (const key in meta) {
    const value = meta[key];
    switch (key) {
      case 'timestamp':
        if (!isTimestamp(value)) return false;
        required++;
        break;
      case 'clientId':
        if (!isNameFromJson(value, escapeFree)) return false;
        required++;
        break;
      case 'commandId':
      case 'correlationId':
      case 'causationId':
        if (!isNameFromJson(value, escapeFree)) return false;
        break;
      case '__proto__':
      case 'constructor':
        return false;
      default:
        if (!escapeFree && !isWellFormed(key)) return false;
        if (!isJsonValue(value, 1, fromJson, escapeFree)) return false;
    }
  }
  return required === 2;
}

/** A plain object; from `JSON.parse`, any object that is not an array is one. */
function isObject(value: unknown, fromJson: boolean): value is Record<string, unknown> {
  return fromJson ? isParsedObject(value) : isPlainObject(value);
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
 * `JSON.parse` (no reviver): objects need no prototype check, and an event with exactly the
 * envelope's keys is returned as is, not copied (and when every event is, so is `events`).
 *
 * @example
 * const events = fastPushEvents(body.events, false) ?? fullValidation(body);
 */
export function fastPushEvents(
  events: readonly unknown[],
  escapeFree: boolean,
  fromJson = false,
): PushedEvent[] | undefined {
  // Made only when an event needs a copy: a push straight from JSON.parse whose events
  // have exactly the envelope's keys is returned as it came.
  let checked: PushedEvent[] | undefined = fromJson ? undefined : new Array(events.length);
  // Each stream's latest version so far; most pushes touch few streams.
  const streams: string[] = [];
  const latest: number[] = [];
  let versions: Map<string, number> | undefined;
  let previousId = '';
  for (let i = 0; i < events.length; i++) {
    const input = events[i];
    if (!isObject(input, fromJson)) return undefined;
    const { id, streamId, version, type, schemaVersion, data, meta } = input;
    if (
      !isEventId(id) ||
      !(previousId < id) ||
      !isStreamName(streamId) ||
      !isVersion(version) ||
      !isNameFromJson(type, escapeFree) ||
      !isVersion(schemaVersion) ||
      !(fromJson ? isParsedJsonObject(data, escapeFree) : checkJsonObject(data)) ||
      !metaOk(meta, escapeFree, fromJson)
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
    if (fromJson && hasOnlyEnvelopeKeys(input)) {
      if (checked !== undefined) checked[i] = input as unknown as PushedEvent;
      continue;
    }
    checked ??= events.slice(0, i) as PushedEvent[];
    checked[i] = {
      id,
      streamId,
      version,
      type: type as string,
      schemaVersion: schemaVersion as number,
      data: data as JsonObject,
      meta,
    };
  }
  return checked ?? (events as PushedEvent[]);
}
