import { ConcurrencyError, DuplicateEventError, ValidationError } from './errors.js';
import { assertStreamId } from './names.js';
import type {
  AppendEvent,
  AppendResult,
  Envelope,
  ExpectedVersion,
  JsonObject,
  PositionedEnvelope,
} from './types.js';
import { isUuid, uuidv7 } from './uuid.js';

/**
 * Throw `ConcurrencyError` unless a stream at `actual` satisfies `expected`.
 * `0` and `'no_stream'` mean the stream must be empty; `'stream_exists'` that it is not.
 *
 * @example
 * checkExpectedVersion('cart-1', 'no_stream', 0); // ok
 * checkExpectedVersion('cart-1', 2, 3); // throws ConcurrencyError
 */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'stream_exists' && actual > 0) ||
    expected === actual;
  if (!ok) throw new ConcurrencyError(streamId, expected, actual);
}

/** Meta fields a sync server holds to its name rule (1-200 characters). */
const META_NAMES = ['clientId', 'commandId', 'correlationId', 'causationId'] as const;

/**
 * Validate what an append was given before any store looks at it.
 *
 * @example
 * validateAppend(streamId, events, options.expectedVersion ?? 'any'); // throws ValidationError on bad input
 */
export function validateAppend(
  streamId: string,
  events: readonly AppendEvent[],
  expected: ExpectedVersion,
): void {
  assertStreamId(streamId);
  if (
    !(expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') &&
    !(Number.isSafeInteger(expected) && expected >= 0)
  ) {
    throw new ValidationError(
      'expectedVersion must be a non-negative integer, "any", "no_stream" or "stream_exists"',
      [{ path: 'expectedVersion', message: `got ${JSON.stringify(expected)}` }],
    );
  }
  const seen = new Set<string>();
  events.forEach((e, i) => {
    /** Throw a ValidationError for this event's `field`, whose message is its path and `rule`. */
    const refuse = (field: string, rule: string) => {
      const path = `events[${i}].${field}`;
      throw new ValidationError(`${path} ${rule}`, [{ path, message: rule }]);
    };
    if (!isName(e.type)) refuse('type', 'must be a string of 1-200 characters');
    if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) {
      refuse('data', 'must be a JSON object');
    }
    for (const key of META_NAMES) {
      const v = e.meta?.[key];
      if (v !== undefined && !isName(v)) refuse(`meta.${key}`, 'must be a string of 1-200 characters');
    }
    if (e.id !== undefined) {
      if (!isUuid(e.id)) refuse('id', 'must be a UUID');
      if (seen.has(e.id)) refuse('id', 'must be unique within an append (it is repeated)');
      seen.add(e.id);
    }
  });
}

/** An event type or a meta id: a string of 1-200 characters. */
function isName(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

/** Defaults a store fills in for fields an `AppendEvent` leaves out. */
export interface EnvelopeDefaults {
  clientId: string;
  now?: string;
}

/**
 * Turn the events of one append into envelopes at versions `fromVersion`, `fromVersion + 1`…
 *
 * @example
 * const [env] = toEnvelopes('cart-1', [{ type: 'Opened', data: {} }], 1, { clientId: 'dev-1' });
 */
export function toEnvelopes(
  streamId: string,
  events: readonly AppendEvent[],
  fromVersion: number,
  defaults: EnvelopeDefaults,
): Envelope[] {
  const now = defaults.now ?? new Date().toISOString();
  return events.map((e, i) => ({
    id: e.id ?? uuidv7(),
    streamId,
    version: fromVersion + i,
    type: e.type,
    schemaVersion: e.schemaVersion ?? 1,
    data: e.data,
    meta: { ...e.meta, timestamp: e.meta?.timestamp ?? now, clientId: e.meta?.clientId ?? defaults.clientId },
  }));
}

/**
 * Deep equality of JSON values, for telling an idempotent repeat from a reused id.
 *
 * @example
 * jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }); // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as JsonObject);
  const kb = Object.keys(b as JsonObject);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as JsonObject)[k], (b as JsonObject)[k]));
}

/**
 * Decide whether an append whose ids are partly or wholly stored already is a repeat of an
 * earlier append (return the stored envelopes, in order) or a misuse (throw
 * `DuplicateEventError`). `stored[i]` is the stored envelope with `events[i].id`, if any.
 * Returns `null` when none of the ids is stored: a new append.
 *
 * @example
 * const stored = await Promise.all(events.map((e) => (e.id ? getById(e.id) : undefined)));
 * const repeat = matchRepeat(streamId, events, stored);
 * if (repeat) return toAppendResult(repeat);
 */
export function matchRepeat(
  streamId: string,
  events: readonly AppendEvent[],
  stored: readonly (Envelope | undefined)[],
): Envelope[] | null {
  if (stored.every((s) => s === undefined)) return null;
  events.forEach((e, i) => {
    const s = stored[i];
    // At i = 0, s is stored[0]; any later i is reached only when stored[0] is an envelope.
    if (
      s === undefined ||
      s.streamId !== streamId ||
      s.type !== e.type ||
      !jsonEqual(s.data, e.data) ||
      s.version !== stored[0]!.version + i
    ) {
      // An event without an id has no stored envelope (s is undefined): '?' names it.
      throw new DuplicateEventError(e.id ?? '?');
    }
  });
  return stored.slice(0, events.length) as Envelope[];
}

/**
 * The `AppendResult` of the events one append stored (or, for a repeat, found stored).
 * With no events it reports the stream as it was: versions `versionBefore`, positions 0.
 *
 * @example
 * toAppendResult('cart-1', stored, 0).toVersion; // version of the last stored event
 */
export function toAppendResult(
  streamId: string,
  events: PositionedEnvelope[],
  versionBefore: number,
): AppendResult {
  const first = events[0];
  const last = events.at(-1);
  return {
    streamId,
    fromVersion: first?.version ?? versionBefore,
    toVersion: last?.version ?? versionBefore,
    fromPosition: first?.position ?? 0,
    toPosition: last?.position ?? 0,
    events,
  };
}
