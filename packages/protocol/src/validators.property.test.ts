import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateStreamAppendRequest } from './append.js';
import type { Validation } from './issues.js';
import { FORBIDDEN_KEYS } from './limits.js';
import { validateOutgoingPush, validatePushPerEvent, validatePushRequest } from './push.js';
import { fastPushEvents } from './push-fast.js';
import { parsePullQuery, parseStreamReadQuery, parseSubscribeQuery } from './queries.js';
import { validateEventsMessage, validatePullResponse, validatePushResponse } from './responses.js';
import { isName } from './rules.js';
import { validatePushRequestValibot } from './test-push-valibot.js';

const key = fc.string({ maxLength: 8 }).filter((k) => !FORBIDDEN_KEYS.includes(k));
/** fc.jsonValue may contain forbidden keys at any depth: round-trip and drop them. */
const withoutForbiddenKeys = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value), (k, v) => (FORBIDDEN_KEYS.includes(k) ? undefined : v)) as T;
const jsonObject = fc
  .dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
  .map(withoutForbiddenKeys);
const streamId = fc.stringMatching(/^[A-Za-z0-9._:@/-]{1,20}$/);
const timestamp = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const name = fc.string({ minLength: 1, maxLength: 30 }).filter(isName);
const meta = fc.record(
  {
    timestamp,
    clientId: name,
    commandId: name,
    correlationId: name,
    app: fc.jsonValue({ maxDepth: 2 }).map(withoutForbiddenKeys),
  },
  { requiredKeys: ['timestamp', 'clientId'] },
);

/** A valid push body: streams with contiguous versions, unique ids. */
const validPush = fc
  .array(
    fc.record({ streamId, from: fc.integer({ min: 1, max: 1000 }), count: fc.integer({ min: 1, max: 4 }) }),
    {
      maxLength: 5,
    },
  )
  .chain((groups) => {
    const slots = groups.flatMap((g) =>
      Array.from({ length: g.count }, (_, i) => ({ streamId: g.streamId, i })),
    );
    return fc.tuple(
      fc.constant(groups),
      fc.uniqueArray(fc.uuid(), { minLength: slots.length, maxLength: slots.length }),
      fc.array(
        fc.record({ type: name, schemaVersion: fc.integer({ min: 1, max: 9 }), data: jsonObject, meta }),
        {
          minLength: slots.length,
          maxLength: slots.length,
        },
      ),
      name,
    );
  })
  .map(([groups, ids, bodies, clientId]) => {
    const versions = new Map<string, number>();
    const events = [];
    let n = 0;
    for (const g of groups) {
      for (let i = 0; i < g.count; i++) {
        // Several groups may share a stream id: keep that stream's versions contiguous.
        const version = (versions.get(g.streamId) ?? g.from - 1) + 1;
        versions.set(g.streamId, version);
        events.push({ id: ids[n]!, streamId: g.streamId, version, ...bodies[n]! });
        n++;
      }
    }
    return { clientId, events };
  });

const hostileValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }),
  fc.constantFrom(Infinity, -Infinity, Number.NaN, '', 'x'.repeat(300), -1, 0, 2 ** 53, [], {}),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":1}}'),
    JSON.parse('{"constructor":{"prototype":{"p":1}}}'),
  ),
);

/** A valid body with one field of one event (or of the body) replaced by anything. */
const mutatedPush = fc
  .tuple(
    validPush.filter((b) => b.events.length > 0),
    fc.nat(),
    fc.constantFrom(
      'id',
      'streamId',
      'version',
      'type',
      'schemaVersion',
      'data',
      'meta',
      'meta.timestamp',
      'meta.clientId',
      'data.x',
      'clientId',
      'events',
      'event',
    ),
    hostileValue,
  )
  .map(([body, index, field, value]) => {
    const copy = structuredClone(body) as { clientId: unknown; events: unknown[] };
    const i = index % copy.events.length;
    const event = copy.events[i] as Record<string, Record<string, unknown>>;
    if (field === 'clientId') copy.clientId = value;
    else if (field === 'events') copy.events = value as unknown[];
    else if (field === 'event') copy.events[i] = value;
    else if (field.includes('.')) {
      const [outer, inner] = field.split('.') as [string, string];
      event[outer]![inner] = value as never;
    } else event[field] = value as never;
    return { body: copy, at: field === 'clientId' || field === 'events' ? field : `events[${i}]`, field };
  });

/** Every failure has a code and at least one issue, each with a string path and a message. */
function expectWellFormed<T>(result: Validation<T>): void {
  if (result.ok) return;
  expect(['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE']).toContain(result.code);
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

const mutatedBody = mutatedPush.map((m) => m.body);
const anyInput = fc.oneof(hostileValue, fc.jsonValue(), mutatedBody, validPush);

// Thousands of generated bodies per property: on a loaded 2-core machine one property takes
// longer than vitest's default 5 s, which says nothing about the validators.
describe('protocol validators (property)', { timeout: 60_000 }, () => {
  it('accept every valid push, returning exactly its envelopes', () => {
    fc.assert(
      fc.property(validPush, (body) => {
        const result = validatePushRequest(body);
        expect(result).toEqual({ ok: true, value: body });
        expect(validatePushRequestValibot(body).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw: every input is valid or rejected with paths and messages', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expectWellFormed(validatePushRequest(input));
        expectWellFormed(validatePushRequestValibot(input));
        expectWellFormed(validateStreamAppendRequest(input));
        expectWellFormed(validatePullResponse(input));
        expectWellFormed(validateEventsMessage(input));
        expectWellFormed(validatePushResponse(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('the hand-written and the valibot push validators agree on every input', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedBody, validPush, hostileValue), (input) => {
        expect(validatePushRequest(input).ok).toBe(validatePushRequestValibot(input).ok);
        expect(validateOutgoingPush(input)).toEqual(validatePushRequest(input));
        // Without the checks across events: the same answer but where only those refuse.
        const full = validateOutgoingPush(input);
        const perEvent = validatePushPerEvent(input);
        if (full.ok || !perEvent.ok) expect(perEvent).toEqual(full);
      }),
      { numRuns: 1000 },
    );
  });

  it('given the JSON text a body was parsed from, the push validator answers exactly the same', () => {
    // Names with any characters (control characters and DEL included, which JSON escapes or
    // keeps raw), and mutated bodies that survive a JSON round trip.
    const anyName = fc.string({ unit: 'binary', maxLength: 12 });
    const renamed = fc
      .tuple(
        validPush.filter((b) => b.events.length > 0),
        fc.nat(),
        anyName,
        fc.constantFrom('type', 'clientId', 'commandId', 'body'),
      )
      .map(([body, index, value, field]) => {
        const copy = structuredClone(body) as unknown as {
          clientId: unknown;
          events: Record<string, Record<string, unknown>>[];
        };
        const event = copy.events[index % copy.events.length]!;
        if (field === 'body') copy.clientId = value;
        else if (field === 'type') event.type = value as never;
        else event.meta![field] = value;
        return copy;
      });
    const roundTrips = fc.oneof(validPush, renamed, mutatedBody).filter((input) => {
      try {
        return JSON.stringify(input) !== undefined;
      } catch {
        return false; // a BigInt or a cycle: not JSON
      }
    });
    fc.assert(
      fc.property(roundTrips, (input) => {
        const json = JSON.stringify(input);
        const value = JSON.parse(json) as unknown;
        expect(validatePushRequest(value, undefined, { json })).toEqual(validatePushRequest(value));
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('the quick pass takes every valid push whose ids ascend, returning the same envelopes', () => {
    const ascending = validPush.map((body) => {
      const ids = body.events.map((e) => e.id).sort();
      return { ...body, events: body.events.map((e, i) => ({ ...e, id: ids[i]! })) };
    });
    fc.assert(
      fc.property(ascending, (body) => {
        const quick = fastPushEvents(body.events, false);
        expect(quick).toEqual(body.events);
        expect(validatePushRequest(body)).toEqual({ ok: true, value: body });
      }),
      { numRuns: 300 },
    );
  });

  it('the quick pass accepts nothing that the valibot validator refuses', () => {
    // Mutations of pushes whose ids ascend, so the quick pass sees them whole.
    const mutated = fc.tuple(mutatedPush, fc.boolean()).map(([{ body }, sortIds]) => {
      const events = (body as { events: unknown }).events;
      if (!sortIds || !Array.isArray(events)) return body;
      const ids = events
        .map((e) => (e as { id?: unknown } | null)?.id)
        .filter((id): id is string => typeof id === 'string')
        .sort();
      let n = 0;
      for (const e of events) {
        if (typeof (e as { id?: unknown } | null)?.id === 'string') (e as { id: string }).id = ids[n++]!;
      }
      return body;
    });
    fc.assert(
      fc.property(mutated, (body) => {
        const events = (body as { events: unknown }).events;
        if (!Array.isArray(events)) return;
        // (escapeFree is a promise about JSON text: the JSON-text property covers it.)
        const quick = fastPushEvents(events, false);
        if (!quick) return;
        const full = validatePushRequestValibot({ clientId: 'c', events });
        expect(full.ok).toBe(true);
        if (full.ok) expect(full.value.events).toEqual(quick);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('a mutated push is accepted, or rejected with an issue at the mutated place', () => {
    fc.assert(
      fc.property(mutatedPush, ({ body, at, field }) => {
        const result = validatePushRequest(body);
        expectWellFormed(result);
        if (result.ok) return;
        // A version that is a valid number but breaks contiguity may be reported at the
        // stream's next event instead; so may a valid streamId that moves the event out of
        // its stream (e.g. to "x"), leaving a gap in the stream it left.
        const located = result.issues.some(
          (i) =>
            i.path.startsWith(at) ||
            ((field === 'version' || field === 'streamId') && /^events\[\d+\]\.version$/.test(i.path)),
        );
        expect(located, JSON.stringify({ at, issues: result.issues })).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never leaks a polluted prototype', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        validatePushRequest(input);
        validatePushRequestValibot(input);
        validateStreamAppendRequest(input);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).p).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('query parsers take any string and never throw', () => {
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^-?[0-9]{0,30}$/),
      fc.constantFrom(undefined, null),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const pull = parsePullQuery({ after: a, limit: b });
        expectWellFormed(pull);
        if (pull.ok) {
          expect(Number.isSafeInteger(pull.value.after) && pull.value.after >= 0).toBe(true);
          expect(pull.value.limit >= 1 && pull.value.limit <= 5000).toBe(true);
        }
        expectWellFormed(parseSubscribeQuery({ after: a, lastEventId: b }));
        expectWellFormed(parseStreamReadQuery({ from: a }));
      }),
      { numRuns: 1000 },
    );
  });
});
