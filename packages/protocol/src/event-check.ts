import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import { type Field, pick } from './fields.js';
import type { IssueList, PathSegment } from './issues.js';
import { formatPath } from './issues.js';
import { isPlainObject, reportJsonObject } from './json.js';
import { isEventId, isName, isPosition, isStreamName, isTimestamp, isVersion, MESSAGES } from './rules.js';
import type { PushedEvent } from './types.js';

/**
 * The reporting check of one event of a body's `events` array: every problem with its path
 * (`events[3].meta.timestamp`), and a fresh object of exactly the envelope's fields
 * (unknown fields, `position` included, are dropped). Field rules come from rules.ts,
 * shared with the valibot schemas and with the push quick pass (push-fast.ts), which is the
 * server's hot path; here the fields are checked from tables, as response bodies are
 * (fields.ts). It runs on the server for a push the quick pass refused and for appends, on
 * a client for the events it sends and receives.
 */

/** The fields of an event's `meta` the protocol knows; others may be any JSON. */
const META: readonly Field[] = [
  ['timestamp', isTimestamp, MESSAGES.timestamp],
  ['clientId', isName, MESSAGES.name],
  ['commandId', isName, MESSAGES.name, true],
  ['correlationId', isName, MESSAGES.name, true],
  ['causationId', isName, MESSAGES.name, true],
];

/** An envelope's fields besides `data` and `meta`. */
const ENVELOPE: readonly Field[] = [
  ['id', isEventId, MESSAGES.id],
  ['streamId', isStreamName, MESSAGES.streamId],
  ['version', isVersion, MESSAGES.version],
  ['type', isName, MESSAGES.name],
  ['schemaVersion', isVersion, MESSAGES.version],
];

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
  const found = issues.count;
  reportJsonObject(meta, sink(issues, index, 'meta'));
  pick(meta, META, issues, `events[${index}].meta.`, partial);
  return issues.count === found ? (meta as Partial<EventMeta>) : undefined;
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
  const found = issues.count;
  const event = pick<PushedEvent>(input, ENVELOPE, issues, `events[${index}].`);
  const { data, meta } = input;
  if (checkData(data, index, issues)) event.data = data;
  if (meta === undefined) issues.add(at(index, 'meta'), 'is required');
  else event.meta = checkMeta(meta, index, issues, false) as EventMeta;
  return issues.count === found ? event : undefined;
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
