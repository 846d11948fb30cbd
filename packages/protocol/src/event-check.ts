import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import type { IssueList, PathSegment } from './issues.js';
import { formatPath } from './issues.js';
import { isPlainObject, reportJsonObject } from './json.js';
import { isEventId, isName, isPosition, isStreamName, isTimestamp, isVersion, MESSAGES } from './rules.js';
import type { PushedEvent } from './types.js';

/**
 * The hand-written hot path: checks one event of a body's `events` array and builds a
 * fresh object of exactly the envelope's fields (unknown fields, `position` included, are
 * dropped). valibot would do the same but costs far more than the 10 % budget of the
 * server's push throughput (bench/protocol-validate.bench.ts), so pushes use this. Field
 * rules come from rules.ts, shared with the valibot schemas. Events are addressed by index
 * and paths (`events[3].meta.timestamp`) are only built for failures: this runs per event.
 */

const OPTIONAL_META_IDS = ['commandId', 'correlationId', 'causationId'] as const;

/** `events[3]`, `events[3].meta`, `events[3].data.a`, … */
const at = (index: number, ...rest: PathSegment[]) => formatPath(['events', index, ...rest]);

/** Report JSON problems under `events[index].<name>`, with the nested path. */
const sink = (issues: IssueList, index: number, name: string) => (path: PathSegment[], message: string) =>
  issues.add(at(index, name, ...path), message);

/**
 * Check an event's `meta` (required `timestamp` and `clientId` unless `partial`) and return
 * it as is (it is plain JSON when valid), or undefined when it is not.
 *
 * @example
 * checkMeta({ timestamp: '2025-01-01T00:00:00Z', clientId: 'c1' }, 0, issues, false);
 */
export function checkMeta(
  meta: unknown,
  index: number,
  issues: IssueList,
  partial: boolean,
): Partial<EventMeta> | undefined {
  if (!isPlainObject(meta)) {
    issues.add(at(index, 'meta'), 'must be a JSON object');
    return undefined;
  }
  let ok = reportJsonObject(meta, sink(issues, index, 'meta'));
  const { timestamp, clientId } = meta;
  if ((timestamp !== undefined || !partial) && !isTimestamp(timestamp)) {
    issues.add(at(index, 'meta', 'timestamp'), timestamp === undefined ? 'is required' : MESSAGES.timestamp);
    ok = false;
  }
  if ((clientId !== undefined || !partial) && !isName(clientId)) {
    issues.add(at(index, 'meta', 'clientId'), clientId === undefined ? 'is required' : MESSAGES.name);
    ok = false;
  }
  for (const key of OPTIONAL_META_IDS) {
    if (meta[key] !== undefined && !isName(meta[key])) {
      issues.add(at(index, 'meta', key), MESSAGES.name);
      ok = false;
    }
  }
  return ok ? (meta as Partial<EventMeta>) : undefined;
}

/**
 * Check an event's `data`: a JSON object.
 *
 * @example
 * checkData({ sku: 'abc' }, 0, issues); // true
 */
export function checkData(data: unknown, index: number, issues: IssueList): data is JsonObject {
  if (data === undefined) {
    issues.add(at(index, 'data'), 'is required');
    return false;
  }
  return reportJsonObject(data, sink(issues, index, 'data'));
}

/** Record a failed field; always false. */
function fail(issues: IssueList, index: number, name: string, value: unknown, message: string): false {
  issues.add(at(index, name), value === undefined ? 'is required' : message);
  return false;
}

/**
 * Check `events[index]` of a push; returns a fresh envelope, or undefined with the
 * problems in `issues`. The reporting pass: it runs only for a push the quick pass
 * (push-fast.ts) refused, or where there is none, so it takes no shortcut for JSON text.
 *
 * @example
 * const issues = new IssueList();
 * const event = checkPushedEvent(body.events[0], 0, issues);
 */
export function checkPushedEvent(input: unknown, index: number, issues: IssueList): PushedEvent | undefined {
  if (!isPlainObject(input)) {
    issues.add(at(index), 'must be an object');
    return undefined;
  }
  const { id, streamId, version, type, schemaVersion, data, meta } = input;
  // No closures here: this runs once per pushed event.
  let ok = isEventId(id) || fail(issues, index, 'id', id, MESSAGES.id);
  ok = (isStreamName(streamId) || fail(issues, index, 'streamId', streamId, MESSAGES.streamId)) && ok;
  ok = (isVersion(version) || fail(issues, index, 'version', version, MESSAGES.version)) && ok;
  ok = (isName(type) || fail(issues, index, 'type', type, MESSAGES.name)) && ok;
  ok =
    (isVersion(schemaVersion) || fail(issues, index, 'schemaVersion', schemaVersion, MESSAGES.version)) && ok;
  ok = checkData(data, index, issues) && ok;
  let checkedMeta: Partial<EventMeta> | undefined;
  if (meta === undefined) fail(issues, index, 'meta', meta, '');
  else checkedMeta = checkMeta(meta, index, issues, false);
  if (!ok || !checkedMeta) return undefined;
  return {
    id: id as string,
    streamId: streamId as string,
    version: version as number,
    type: type as string,
    schemaVersion: schemaVersion as number,
    data: data as JsonObject,
    meta: checkedMeta as EventMeta,
  };
}

/**
 * Check `events[index]` of a response (pull, SSE, stream read): a pushed envelope plus a
 * `position` ≥ 1.
 *
 * @example
 * const event = checkPositionedEnvelope(page.events[0], 0, issues);
 */
export function checkPositionedEnvelope(
  input: unknown,
  index: number,
  issues: IssueList,
): PositionedEnvelope | undefined {
  const event = checkPushedEvent(input, index, issues);
  const position = isPlainObject(input) ? input.position : undefined;
  if (!isPosition(position) || position < 1) {
    issues.add(
      at(index, 'position'),
      position === undefined ? 'is required' : 'must be an integer of at least 1',
    );
    return undefined;
  }
  return event && { ...event, position };
}
