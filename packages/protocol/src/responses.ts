import type { PositionedEnvelope } from '@tidelog/core';
import type { ErrorBody } from './error-codes.js';
import { checkPositionedEnvelope } from './event-check.js';
import { type Field, pick } from './fields.js';
import { checkBody, IssueList, invalid, type Validation } from './issues.js';
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

/**
 * A version or count in a response: 0 … MAX_VERSION. Its message is `MESSAGES.position`'s,
 * "must be a non-negative integer".
 */
function isCount(value: unknown): value is number {
  return value === 0 || isVersion(value);
}

const isBoolean = (value: unknown) => typeof value === 'boolean';

const SPAN: readonly Field[] = [
  ['fromVersion', isVersion, MESSAGES.version],
  ['toVersion', isVersion, MESSAGES.version],
  ['fromPosition', isPosition, MESSAGES.position],
  ['toPosition', isPosition, MESSAGES.position],
];
const ACCEPTED: readonly Field[] = [['streamId', isStreamName, MESSAGES.streamId], ...SPAN];
const DUPLICATE: readonly Field[] = [
  ['id', isEventId, MESSAGES.id],
  ['position', isPosition, MESSAGES.position],
];
const CONFLICT: readonly Field[] = [
  ['streamId', isStreamName, MESSAGES.streamId],
  ['expectedVersion', isCount, MESSAGES.position],
  ['actualVersion', isCount, MESSAGES.position],
  ['id', isEventId, MESSAGES.id, true],
];

/** `body[key]` as an array of objects, each checked and copied as `fields`. */
function listOf<T>(
  body: Record<string, unknown>,
  key: string,
  issues: IssueList,
  fields: readonly Field[],
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
    else out.push(pick(entry, fields, issues, `${key}[${i}].`));
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
  return envelopeBody(input, (body, issues) => ({
    accepted: listOf<AcceptedGroup>(body, 'accepted', issues, ACCEPTED),
    duplicates: listOf<{ id: string; position: number }>(body, 'duplicates', issues, DUPLICATE),
    conflicts: listOf<PushConflict>(body, 'conflicts', issues, CONFLICT),
    ...pick<Pick<PushResponse, 'head' | 'serverId'>>(
      body,
      [
        ['head', isPosition, MESSAGES.position],
        ['serverId', isName, MESSAGES.name],
      ],
      issues,
    ),
  }));
}

/**
 * Validate a stream append response body.
 *
 * @example
 * validateStreamAppendResponse({ fromVersion: 1, toVersion: 1, fromPosition: 7, toPosition: 7 }).ok; // true
 */
export function validateStreamAppendResponse(input: unknown): Validation<StreamAppendResponse> {
  return envelopeBody(input, (body, issues) => pick<StreamAppendResponse>(body, SPAN, issues));
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
    const isString = (value: unknown) => typeof value === 'string';
    const fields: readonly Field[] = [
      ['code', isString, 'must be a string'],
      ['message', isString, 'must be a string'],
      ['details', () => true, '', true],
    ];
    return { error: pick<ErrorBody['error']>(error, fields, issues, 'error.') };
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
  return checkBody(input, (body) => {
    const issues = new IssueList();
    const value = build(body, issues);
    return issues.empty ? { ok: true, value } : invalid(issues.result());
  });
}

/**
 * Validate a pull response body: events ascending by position, `head`, `hasMore`, `serverId`.
 *
 * @example
 * const page = validatePullResponse(await response.json());
 * if (page.ok) cursor = page.value.events.at(-1)?.position ?? cursor;
 */
export function validatePullResponse(input: unknown): Validation<PullResponse> {
  return envelopeBody(input, (body, issues) => ({
    events: checkEnvelopes(body.events, issues, 'position'),
    ...pick<Omit<PullResponse, 'events'>>(
      body,
      [
        ['head', isPosition, MESSAGES.position],
        ['hasMore', isBoolean, 'must be a boolean'],
        ['serverId', (v) => typeof v === 'string' && v !== '', 'must be a non-empty string'],
      ],
      issues,
    ),
  }));
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
  return envelopeBody(input, (body, issues) => ({
    events: checkEnvelopes(body.events, issues, 'version'),
    ...pick<Omit<StreamReadResponse, 'events'>>(
      body,
      [
        ['version', isCount, MESSAGES.position],
        ['hasMore', isBoolean, 'must be a boolean'],
      ],
      issues,
    ),
  }));
}
