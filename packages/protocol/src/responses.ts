import type { PositionedEnvelope } from '@tidelog/core';
import * as v from 'valibot';
import type { ErrorBody } from './error-codes.js';
import { checkPositionedEnvelope } from './event-check.js';
import { fromValibotIssues, IssueList, invalid, type Validation } from './issues.js';
import { isPlainObject } from './json.js';
import { isPosition, isVersion, MESSAGES } from './rules.js';
import { EventIdSchema, NameSchema, PositionSchema, StreamIdSchema, VersionSchema } from './schemas.js';
import type {
  EventsMessage,
  PullResponse,
  PushResponse,
  StreamAppendResponse,
  StreamReadResponse,
} from './types.js';

/**
 * Validators for response bodies, for clients that must not trust what comes over the
 * wire. Bodies made of envelopes use the hand-written envelope check (a pull may carry
 * 5000 events); the small ones are valibot schemas.
 */

const CountSchema = v.custom<number>(
  (x) => isPosition(x) && x <= 2_147_483_647,
  'must be a non-negative integer',
);
const SpanSchema = v.object({
  fromVersion: VersionSchema,
  toVersion: VersionSchema,
  fromPosition: PositionSchema,
  toPosition: PositionSchema,
});

export const PushResponseSchema = v.object({
  accepted: v.array(v.object({ streamId: StreamIdSchema, ...SpanSchema.entries })),
  duplicates: v.array(v.object({ id: EventIdSchema, position: PositionSchema })),
  conflicts: v.array(
    v.object({
      streamId: StreamIdSchema,
      expectedVersion: CountSchema,
      actualVersion: CountSchema,
      id: v.optional(EventIdSchema),
    }),
  ),
  head: PositionSchema,
  serverId: NameSchema,
}) as unknown as v.GenericSchema<unknown, PushResponse>;

export const StreamAppendResponseSchema = SpanSchema as unknown as v.GenericSchema<
  unknown,
  StreamAppendResponse
>;

export const ErrorBodySchema = v.object({
  error: v.object({ code: v.string(), message: v.string(), details: v.optional(v.unknown()) }),
}) as unknown as v.GenericSchema<unknown, ErrorBody>;

function withValibot<T>(schema: v.GenericSchema<unknown, T>, input: unknown): Validation<T> {
  try {
    const parsed = v.safeParse(schema, input, { abortEarly: false });
    return parsed.success
      ? { ok: true, value: parsed.output }
      : invalid(fromValibotIssues(parsed.issues).result());
  } catch (error) {
    return invalid([{ path: '', message: `could not be read: ${String(error)}` }]);
  }
}

/**
 * Validate a push response body.
 *
 * @example
 * const result = validatePushResponse(await response.json());
 */
export const validatePushResponse = (input: unknown) => withValibot(PushResponseSchema, input);

/**
 * Validate a stream append response body.
 *
 * @example
 * validateStreamAppendResponse({ fromVersion: 1, toVersion: 1, fromPosition: 7, toPosition: 7 }).ok; // true
 */
export const validateStreamAppendResponse = (input: unknown) =>
  withValibot(StreamAppendResponseSchema, input);

/**
 * Validate an error body `{ error: { code, message, details? } }`.
 *
 * @example
 * validateErrorBody({ error: { code: 'FORBIDDEN', message: 'no' } }).ok; // true
 */
export const validateErrorBody = (input: unknown) => withValibot(ErrorBodySchema, input);

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
    if (!isPosition(body.head)) issues.add('head', MESSAGES.position);
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
