import type { EventMeta, JsonObject, PositionedEnvelope } from '@tidelog/core';
import * as v from 'valibot';
import { formatPath, IssueList, type PathSegment } from './issues.js';
import { checkJsonObject, isPlainObject } from './json.js';
import { isEventId, isName, isPosition, isStreamName, isTimestamp, isVersion, MESSAGES } from './rules.js';
import type { PushedEvent } from './types.js';

/**
 * valibot schemas of the protocol's values: a second, independent statement of the rules,
 * used only by tests (a property test checks the hand-written validators against it) and
 * by bench/protocol-validate.bench.ts. Not part of the package. Every field rule is one of
 * the predicates of rules.ts, so the hand-written push validator (push.ts) and these
 * schemas agree.
 */

const toPathItems = (
  input: unknown,
  path: PathSegment[],
): [v.UnknownPathItem, ...v.UnknownPathItem[]] | undefined =>
  path.length === 0
    ? undefined
    : (path.map((key) => ({ type: 'unknown', origin: 'value', input, key, value: undefined })) as [
        v.UnknownPathItem,
        ...v.UnknownPathItem[],
      ]);

/** A plain object whose every nested value is JSON (see `checkJsonObject`). */
const jsonObject = <T extends Record<string, unknown>>(message: string) =>
  v.pipe(
    v.custom<T>(isPlainObject, message),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      checkJsonObject(dataset.value, (path, m) =>
        addIssue({ message: m, path: toPathItems(dataset.value, path) }),
      );
    }),
  );

export const EventIdSchema = v.custom<string>(isEventId, MESSAGES.id);
export const StreamIdSchema = v.custom<string>(isStreamName, MESSAGES.streamId);
export const NameSchema = v.custom<string>(isName, MESSAGES.name);
export const VersionSchema = v.custom<number>(isVersion, MESSAGES.version);
export const PositionSchema = v.custom<number>(isPosition, MESSAGES.position);
export const TimestampSchema = v.custom<string>(isTimestamp, MESSAGES.timestamp);

/** Event data: a JSON object. */
export const EventDataSchema = jsonObject<JsonObject>('must be a JSON object');

/** `meta`: timestamp and clientId, the optional ids, and app fields that are JSON. */
export const EventMetaSchema = v.pipe(
  jsonObject<Record<string, unknown>>('must be a JSON object'),
  v.looseObject({
    timestamp: TimestampSchema,
    clientId: NameSchema,
    commandId: v.optional(NameSchema),
    correlationId: v.optional(NameSchema),
    causationId: v.optional(NameSchema),
  }),
) as unknown as v.GenericSchema<unknown, EventMeta>;

/** `meta` of an append, where the server fills in a missing timestamp and clientId. */
export const PartialEventMetaSchema = v.pipe(
  jsonObject<Record<string, unknown>>('must be a JSON object'),
  v.looseObject({
    timestamp: v.optional(TimestampSchema),
    clientId: v.optional(NameSchema),
    commandId: v.optional(NameSchema),
    correlationId: v.optional(NameSchema),
    causationId: v.optional(NameSchema),
  }),
) as unknown as v.GenericSchema<unknown, Partial<EventMeta>>;

const envelopeEntries = {
  id: EventIdSchema,
  streamId: StreamIdSchema,
  version: VersionSchema,
  type: NameSchema,
  schemaVersion: VersionSchema,
  data: EventDataSchema,
  meta: EventMetaSchema,
};

/** Refuse arrays and class instances before valibot's object check (which accepts arrays). */
const objectOf = <S extends v.GenericSchema<Record<string, unknown>>>(schema: S) =>
  v.pipe(v.custom<Record<string, unknown>>(isPlainObject, 'must be an object'), schema);

/** An envelope as a client pushes it (no position). Unknown fields are dropped. */
export const PushedEventSchema = objectOf(v.object(envelopeEntries)) as unknown as v.GenericSchema<
  unknown,
  PushedEvent
>;

/** An envelope the server has ordered. */
export const PositionedEnvelopeSchema = objectOf(
  v.object({
    ...envelopeEntries,
    position: v.custom<number>((x) => isPosition(x) && x >= 1, 'must be >= 1'),
  }),
) as unknown as v.GenericSchema<unknown, PositionedEnvelope>;

export { objectOf };

/** Turn valibot issues into `{ path, message }` pairs with formatted paths. */
export function fromValibotIssues(issues: readonly v.BaseIssue<unknown>[], prefix: PathSegment[] = []) {
  const list = new IssueList();
  for (const issue of issues) {
    const segments: PathSegment[] = [...prefix];
    for (const item of issue.path ?? []) {
      const key = item.key;
      if (typeof key === 'number' || typeof key === 'string') segments.push(key);
      else segments.push(String(key));
    }
    // valibot words a missing key as "Invalid key: Expected ..."; say what is meant.
    const missing = issue.path?.at(-1)?.origin === 'key';
    list.add(formatPath(segments), missing ? 'is required' : issue.message);
  }
  return list;
}
