import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import type { IssueList, PathSegment } from './issues.js';
import { formatPath } from './issues.js';
import { checkJsonObject, isPlainObject } from './json.js';
import { isEventId, isName, isPosition, isStreamName, isTimestamp, isVersion, MESSAGES } from './rules.js';
import type { PushedEvent } from './types.js';

/**
 * The hand-written hot path: checks one pushed envelope and builds a fresh object of
 * exactly the envelope's fields (unknown fields, `position` included, are dropped).
 * valibot would do the same but costs about a third of the server's push throughput
 * (bench/protocol-validate.bench.ts), far above the 10 % budget, so pushes use this.
 * Field rules come from rules.ts, shared with the valibot schemas.
 */

const OPTIONAL_META_IDS = ['commandId', 'correlationId', 'causationId'] as const;

/** Report JSON problems under `parent.name` (e.g. `events[3].data`), building paths lazily. */
const sink = (issues: IssueList, parent: string, name: string) => (path: PathSegment[], message: string) =>
  issues.add(formatPath([...splitBase(parent), name, ...path]), message);

/** `events[3]` → ['events', 3]; '' → []. Only called when reporting an issue. */
function splitBase(base: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of base.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] === undefined ? m[1]! : Number(m[2]));
  return out;
}

/**
 * Check `meta` (required `timestamp` and `clientId` unless `partial`) and return it as is
 * (it is already plain JSON when valid), or undefined when it is not.
 *
 * @example
 * checkMeta({ timestamp: '2025-01-01T00:00:00Z', clientId: 'c1' }, 'events[0]', issues, false);
 */
export function checkMeta(
  meta: unknown,
  parent: string,
  issues: IssueList,
  partial: boolean,
): Partial<EventMeta> | undefined {
  const base = parent === '' ? 'meta' : `${parent}.meta`;
  if (!isPlainObject(meta)) {
    issues.add(base, 'must be a JSON object');
    return undefined;
  }
  let ok = checkJsonObject(meta) || checkJsonObject(meta, sink(issues, parent, 'meta'));
  if (meta.timestamp !== undefined || !partial) {
    if (!isTimestamp(meta.timestamp)) {
      issues.add(`${base}.timestamp`, meta.timestamp === undefined ? 'is required' : MESSAGES.timestamp);
      ok = false;
    }
  }
  if (meta.clientId !== undefined || !partial) {
    if (!isName(meta.clientId)) {
      issues.add(`${base}.clientId`, meta.clientId === undefined ? 'is required' : MESSAGES.name);
      ok = false;
    }
  }
  for (const key of OPTIONAL_META_IDS) {
    if (meta[key] !== undefined && !isName(meta[key])) {
      issues.add(`${base}.${key}`, MESSAGES.name);
      ok = false;
    }
  }
  return ok ? (meta as Partial<EventMeta>) : undefined;
}

/** Check `data`: a JSON object. */
export function checkData(data: unknown, parent: string, issues: IssueList): data is JsonObject {
  if (data === undefined) {
    issues.add(`${parent}.data`, 'is required');
    return false;
  }
  return checkJsonObject(data) || checkJsonObject(data, sink(issues, parent, 'data'));
}

/**
 * Check one pushed envelope at `base` (e.g. `events[3]`); returns a fresh envelope or
 * undefined (the issues are in `issues`). Paths are only built for failures: this runs
 * for every pushed event.
 *
 * @example
 * const issues = new IssueList();
 * const event = checkPushedEvent(input, 'events[0]', issues);
 */
export function checkPushedEvent(input: unknown, base: string, issues: IssueList): PushedEvent | undefined {
  if (!isPlainObject(input)) {
    issues.add(base, 'must be an object');
    return undefined;
  }
  const { id, streamId, version, type, schemaVersion, data, meta } = input;
  // No closures here: this runs once per pushed event.
  let ok = isEventId(id) || fail(issues, base, 'id', id, MESSAGES.id);
  ok = (isStreamName(streamId) || fail(issues, base, 'streamId', streamId, MESSAGES.streamId)) && ok;
  ok = (isVersion(version) || fail(issues, base, 'version', version, MESSAGES.version)) && ok;
  ok = (isName(type) || fail(issues, base, 'type', type, MESSAGES.name)) && ok;
  ok =
    (isVersion(schemaVersion) || fail(issues, base, 'schemaVersion', schemaVersion, MESSAGES.version)) && ok;
  ok = checkData(data, base, issues) && ok;
  let checkedMeta: Partial<EventMeta> | undefined;
  if (meta === undefined) fail(issues, base, 'meta', meta, '');
  else checkedMeta = checkMeta(meta, base, issues, false);
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

/** Record a failed field; always false. */
function fail(issues: IssueList, base: string, name: string, value: unknown, message: string): false {
  issues.add(`${base}.${name}`, value === undefined ? 'is required' : message);
  return false;
}

/**
 * Check one envelope the server has ordered (in a pull, SSE or stream read response):
 * a pushed envelope plus a `position` ≥ 1.
 *
 * @example
 * const event = checkPositionedEnvelope(input, 'events[0]', issues);
 */
export function checkPositionedEnvelope(
  input: unknown,
  base: string,
  issues: IssueList,
): PositionedEnvelope | undefined {
  const event = checkPushedEvent(input, base, issues);
  const position = isPlainObject(input) ? input.position : undefined;
  if (!isPosition(position) || position < 1) {
    issues.add(
      `${base}.position`,
      position === undefined ? 'is required' : 'must be an integer of at least 1',
    );
    return undefined;
  }
  return event && { ...event, position };
}
