import type { PositionedEnvelope } from '@tidelog/core';
import type { ErrorBody } from './error-codes.js';
import { checkPositionedEnvelope } from './event-check.js';
import { IssueList, invalid, type Validation } from './issues.js';
import { isPlainObject } from './json.js';
import { isEventId, isName, isPosition, isStreamName, isVersion, MESSAGES } from './rules.js';
import type {
  AcceptedGroup,
  EventsMessage,
  PullResponse,
  PushConflict,
  PushResponse,
  StreamAppendResponse,
  StreamReadResponse,
} from './types.js';

/**
 * Validators for response bodies, for clients that must not trust what comes over the
 * wire. Each builds a fresh value of the known fields (unknown ones are dropped) and
 * reports every problem with its path, like the request validators.
 */

const MESSAGE_COUNT = 'must be a non-negative integer';

/** The message for a field that failed its rule: absent fields are "required". */
function problem(value: unknown, message: string): string {
  return value === undefined ? 'is required' : message;
}

/** A version or count in a response: 0 … MAX_VERSION. */
function isCount(value: unknown): value is number {
  return value === 0 || isVersion(value);
}

function span(body: Record<string, unknown>, at: string, issues: IssueList): StreamAppendResponse {
  for (const key of ['fromVersion', 'toVersion'] as const) {
    if (!isVersion(body[key])) issues.add(`${at}${key}`, problem(body[key], MESSAGES.version));
  }
  for (const key of ['fromPosition', 'toPosition'] as const) {
    if (!isPosition(body[key])) issues.add(`${at}${key}`, problem(body[key], MESSAGES.position));
  }
  return {
    fromVersion: body.fromVersion as number,
    toVersion: body.toVersion as number,
    fromPosition: body.fromPosition as number,
    toPosition: body.toPosition as number,
  };
}

/** `body[key]` as an array of objects, each turned into a value by `item`. */
function listOf<T>(
  body: Record<string, unknown>,
  key: string,
  issues: IssueList,
  item: (entry: Record<string, unknown>, at: string) => T,
): T[] {
  const value = body[key];
  if (!Array.isArray(value)) {
    issues.add(key, value === undefined ? 'is required' : 'must be an array');
    return [];
  }
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (!isPlainObject(entry)) issues.add(`${key}[${i}]`, 'must be an object');
    else out.push(item(entry, `${key}[${i}].`));
  }
  return out;
}

/**
 * Validate a push response body.
 *
 * @example
 * const result = validatePushResponse(await response.json());
 */
export function validatePushResponse(input: unknown): Validation<PushResponse> {
  return envelopeBody(input, (body, issues) => {
    const accepted = listOf(body, 'accepted', issues, (entry, at): AcceptedGroup => {
      if (!isStreamName(entry.streamId))
        issues.add(`${at}streamId`, problem(entry.streamId, MESSAGES.streamId));
      return { streamId: entry.streamId as string, ...span(entry, at, issues) };
    });
    const duplicates = listOf(body, 'duplicates', issues, (entry, at) => {
      if (!isEventId(entry.id)) issues.add(`${at}id`, problem(entry.id, MESSAGES.id));
      if (!isPosition(entry.position))
        issues.add(`${at}position`, problem(entry.position, MESSAGES.position));
      return { id: entry.id as string, position: entry.position as number };
    });
    const conflicts = listOf(body, 'conflicts', issues, (entry, at): PushConflict => {
      if (!isStreamName(entry.streamId))
        issues.add(`${at}streamId`, problem(entry.streamId, MESSAGES.streamId));
      if (!isCount(entry.expectedVersion)) {
        issues.add(`${at}expectedVersion`, problem(entry.expectedVersion, MESSAGE_COUNT));
      }
      if (!isCount(entry.actualVersion)) {
        issues.add(`${at}actualVersion`, problem(entry.actualVersion, MESSAGE_COUNT));
      }
      const conflict: PushConflict = {
        streamId: entry.streamId as string,
        expectedVersion: entry.expectedVersion as number,
        actualVersion: entry.actualVersion as number,
      };
      if (entry.id !== undefined) {
        if (!isEventId(entry.id)) issues.add(`${at}id`, problem(entry.id, MESSAGES.id));
        conflict.id = entry.id as string;
      }
      return conflict;
    });
    if (!isPosition(body.head)) issues.add('head', problem(body.head, MESSAGES.position));
    if (!isName(body.serverId)) issues.add('serverId', problem(body.serverId, MESSAGES.name));
    return { accepted, duplicates, conflicts, head: body.head as number, serverId: body.serverId as string };
  });
}

/**
 * Validate a stream append response body.
 *
 * @example
 * validateStreamAppendResponse({ fromVersion: 1, toVersion: 1, fromPosition: 7, toPosition: 7 }).ok; // true
 */
export function validateStreamAppendResponse(input: unknown): Validation<StreamAppendResponse> {
  return envelopeBody(input, (body, issues) => span(body, '', issues));
}

/**
 * Validate an error body `{ error: { code, message, details? } }`.
 *
 * @example
 * validateErrorBody({ error: { code: 'FORBIDDEN', message: 'no' } }).ok; // true
 */
export function validateErrorBody(input: unknown): Validation<ErrorBody> {
  return envelopeBody(input, (body, issues): ErrorBody => {
    const error = body.error;
    if (!isPlainObject(error)) {
      issues.add('error', error === undefined ? 'is required' : 'must be an object');
      return body as unknown as ErrorBody;
    }
    if (typeof error.code !== 'string') issues.add('error.code', problem(error.code, 'must be a string'));
    if (typeof error.message !== 'string') {
      issues.add('error.message', problem(error.message, 'must be a string'));
    }
    const out: ErrorBody = { error: { code: error.code as string, message: error.message as string } };
    if (error.details !== undefined) out.error.details = error.details as ErrorBody['error']['details'];
    return out;
  });
}

/** Check `events` of a body: an array of positioned envelopes, ascending by position. */
function checkEnvelopes(
  value: unknown,
  issues: IssueList,
  ascending: 'position' | 'version',
): PositionedEnvelope[] {
  if (!Array.isArray(value)) {
    issues.add('events', value === undefined ? 'is required' : 'must be an array');
    return [];
  }
  const out: PositionedEnvelope[] = [];
  for (let i = 0; i < value.length; i++) {
    const event = checkPositionedEnvelope(value[i], i, issues);
    if (!event) continue;
    const previous = out[out.length - 1];
    if (previous && event[ascending] <= previous[ascending])
      issues.add(`events[${i}].${ascending}`, `must be ascending`);
    out.push(event);
  }
  return out;
}

/** Check a response body: a JSON object, built into a value by `build`; never throws. */
function envelopeBody<T>(
  input: unknown,
  build: (body: Record<string, unknown>, issues: IssueList) => T,
): Validation<T> {
  try {
    if (!isPlainObject(input)) return invalid([{ path: '', message: 'the body must be a JSON object' }]);
    const issues = new IssueList();
    const value = build(input, issues);
    return issues.empty ? { ok: true, value } : invalid(issues.result());
  } catch (error) {
    return invalid([{ path: '', message: `could not be read: ${String(error)}` }]);
  }
}

/**
 * Validate a pull response body: events ascending by position, `head`, `hasMore`, `serverId`.
 *
 * @example
 * const page = validatePullResponse(await response.json());
 * if (page.ok) cursor = page.value.events.at(-1)?.position ?? cursor;
 */
export function validatePullResponse(input: unknown): Validation<PullResponse> {
  return envelopeBody(input, (body, issues) => {
    const events = checkEnvelopes(body.events, issues, 'position');
    if (!isPosition(body.head)) issues.add('head', problem(body.head, MESSAGES.position));
    if (typeof body.hasMore !== 'boolean') issues.add('hasMore', 'must be a boolean');
    if (typeof body.serverId !== 'string' || body.serverId === '')
      issues.add('serverId', 'must be a non-empty string');
    return {
      events,
      head: body.head as number,
      hasMore: body.hasMore as boolean,
      serverId: body.serverId as string,
    };
  });
}

/**
 * Validate the data of an `event: events` SSE message (a JSON string or a parsed value).
 *
 * @example
 * source.addEventListener('events', (m) => { const r = validateEventsMessage(m.data); });
 */
export function validateEventsMessage(input: unknown): Validation<EventsMessage> {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      return invalid([{ path: '', message: 'is not valid JSON' }]);
    }
  }
  return envelopeBody(input, (body, issues) => ({ events: checkEnvelopes(body.events, issues, 'position') }));
}

/**
 * Validate a stream read response body: events ascending by version, `version`, `hasMore`.
 *
 * @example
 * validateStreamReadResponse({ events: [], version: 0, hasMore: false }).ok; // true
 */
export function validateStreamReadResponse(input: unknown): Validation<StreamReadResponse> {
  return envelopeBody(input, (body, issues) => {
    const events = checkEnvelopes(body.events, issues, 'version');
    if (!(body.version === 0 || isVersion(body.version)))
      issues.add('version', 'must be a non-negative integer');
    if (typeof body.hasMore !== 'boolean') issues.add('hasMore', 'must be a boolean');
    return { events, version: body.version as number, hasMore: body.hasMore as boolean };
  });
}
