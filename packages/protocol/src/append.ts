import type { ExpectedVersion, JsonObject } from '@tidelog/core';
import { checkData, checkMeta } from './event-check.js';
import { checkBody, IssueList, invalid, tooMany, type Validation } from './issues.js';
import { isPlainObject } from './json.js';
import { DEFAULT_LIMITS, MAX_VERSION, type ProtocolLimits } from './limits.js';
import { isEventId, isName, isVersion, MESSAGES } from './rules.js';
import type { AppendEventInput, StreamAppendRequest } from './types.js';

const EXPECTED_WORDS = ['any', 'no_stream', 'stream_exists'] as const;

function expectedVersionOf(value: unknown, issues: IssueList): ExpectedVersion {
  if (value === undefined) return 'any';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_VERSION)
    return value;
  if (typeof value === 'string' && (EXPECTED_WORDS as readonly string[]).includes(value)) {
    return value as ExpectedVersion;
  }
  issues.add(
    'expectedVersion',
    `must be an integer from 0 to ${MAX_VERSION}, "any", "no_stream" or "stream_exists"`,
  );
  return 'any';
}

function checkAppendEvent(input: unknown, index: number, issues: IssueList): AppendEventInput | undefined {
  const base = `events[${index}]`;
  if (!isPlainObject(input)) {
    issues.add(base, 'must be an object');
    return undefined;
  }
  const { id, type, data, schemaVersion, meta } = input;
  let ok = true;
  if (id !== undefined && !isEventId(id)) {
    issues.add(`${base}.id`, MESSAGES.id);
    ok = false;
  }
  if (!isName(type)) {
    issues.add(`${base}.type`, type === undefined ? 'is required' : MESSAGES.name);
    ok = false;
  }
  if (schemaVersion !== undefined && !isVersion(schemaVersion)) {
    issues.add(`${base}.schemaVersion`, MESSAGES.version);
    ok = false;
  }
  if (!checkData(data, index, issues)) ok = false;
  const checkedMeta = meta === undefined ? {} : checkMeta(meta, index, issues, true);
  if (!ok || !checkedMeta) return undefined;
  const event: AppendEventInput = { type: type as string, data: data as JsonObject, meta: checkedMeta };
  if (id !== undefined) event.id = id as string;
  if (schemaVersion !== undefined) event.schemaVersion = schemaVersion as number;
  return event;
}

/**
 * Validate a `POST /v1/spaces/:space/streams/:streamId` body: `expectedVersion` (a number,
 * 0 meaning no stream, or "any" | "no_stream" | "stream_exists"; absent means "any") and
 * 1 to `maxEventsPerPush` events `{ id?, type, data, schemaVersion?, meta? }` with unique
 * ids. Fields the server sets (streamId, version, position) are ignored if sent.
 *
 * @example
 * validateStreamAppendRequest({ expectedVersion: 0, events: [{ type: 'opened', data: {} }] }).ok; // true
 */
export function validateStreamAppendRequest(
  input: unknown,
  limits: Pick<ProtocolLimits, 'maxEventsPerPush'> = DEFAULT_LIMITS,
): Validation<StreamAppendRequest> {
  return checkBody(input, (body) => {
    const issues = new IssueList();
    const expectedVersion = expectedVersionOf(body.expectedVersion, issues);
    const { events } = body;
    if (!Array.isArray(events) || events.length === 0) {
      issues.add('events', events === undefined ? 'is required' : 'must be a non-empty array');
      return invalid(issues.result());
    }
    if (events.length > limits.maxEventsPerPush) return tooMany(events.length, limits.maxEventsPerPush);
    const checked: AppendEventInput[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < events.length; i++) {
      const event = checkAppendEvent(events[i], i, issues);
      if (!event) continue;
      checked.push(event);
      if (event.id === undefined) continue;
      const first = seen.get(event.id);
      if (first !== undefined) issues.add(`events[${i}].id`, `duplicates the id of events[${first}]`);
      else seen.set(event.id, i);
    }
    return issues.empty
      ? { ok: true, value: { expectedVersion, events: checked } }
      : invalid(issues.result());
  });
}
