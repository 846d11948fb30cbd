import { describe, expect, it } from 'vitest';
import { MAX_VERSION } from './limits.js';
import { validateOutgoingPush, validatePushPerEvent, validatePushRequest } from './push.js';
import { validatePushRequestValibot } from './test-push-valibot.js';
import { pushedEvent, streamEvents, testId } from './test-support.js';

const validators = [
  ['hand-written', validatePushRequest],
  ['hand-written, no quick pass', validateOutgoingPush],
  ['valibot', validatePushRequestValibot],
] as const;

function issuesOf(result: ReturnType<typeof validatePushRequest>) {
  if (result.ok) throw new Error('expected a failure');
  return result.issues;
}

describe.each(validators)('push request validation (%s)', (_, validate) => {
  it('accepts a valid body and returns fresh envelopes without unknown fields', () => {
    const event = { ...pushedEvent(), position: 9, extra: true };
    const result = validate({ clientId: 'device-1', events: [event], ignored: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({ clientId: 'device-1', events: [pushedEvent({ id: event.id })] });
    expect(result.value.events[0]).not.toHaveProperty('position');
    expect(result.value.events[0]).not.toBe(event);
  });

  it('accepts an empty push', () => {
    expect(validate({ clientId: 'c', events: [] })).toEqual({
      ok: true,
      value: { clientId: 'c', events: [] },
    });
  });

  it('keeps app fields of meta', () => {
    const meta = {
      timestamp: '2025-01-31T12:00:00Z',
      clientId: 'c',
      commandId: 'cmd-1',
      app: { a: [1, 'x', null] },
    };
    const result = validate({ clientId: 'c', events: [pushedEvent({ meta })] });
    expect(result.ok && result.value.events[0]!.meta).toEqual(meta);
  });

  it.each([
    ['an array', [] as unknown],
    ['null', null],
    ['a string', 'x'],
  ])('refuses a body that is %s', (_, body) => {
    const result = validate(body);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    expect(issuesOf(result)[0]!.message).toBeTruthy();
  });

  it.each([
    ['clientId', { events: [] }, 'clientId', 'is required'],
    ['clientId', { clientId: '', events: [] }, 'clientId', 'characters'],
    ['clientId', { clientId: 'a\nb', events: [] }, 'clientId', 'control'],
    ['clientId', { clientId: 'x'.repeat(201), events: [] }, 'clientId', '1-200'],
    ['events', { clientId: 'c' }, 'events', 'is required'],
    ['events', { clientId: 'c', events: {} }, 'events', 'array'],
  ])('refuses a bad %s', (_, body, path, message) => {
    const issues = issuesOf(validate(body));
    expect(issues[0]).toMatchObject({ path });
    expect(issues[0]!.message).toContain(message);
  });

  it.each([
    ['id: not a UUID', { id: 'nope' }, 'events[0].id'],
    ['id: uppercase', { id: '0190F5B8-8D5A-7C3E-9A1B-2C3D4E5F6A7B' }, 'events[0].id'],
    ['id: missing', { id: undefined }, 'events[0].id'],
    ['streamId: space', { streamId: 'a b' }, 'events[0].streamId'],
    ['streamId: too long', { streamId: 'a'.repeat(201) }, 'events[0].streamId'],
    ['streamId: empty', { streamId: '' }, 'events[0].streamId'],
    ['version: 0', { version: 0 }, 'events[0].version'],
    ['version: fraction', { version: 1.5 }, 'events[0].version'],
    ['version: string', { version: '1' }, 'events[0].version'],
    ['version: too large', { version: MAX_VERSION + 1 }, 'events[0].version'],
    ['type: empty', { type: '' }, 'events[0].type'],
    ['type: too long', { type: 't'.repeat(201) }, 'events[0].type'],
    ['type: number', { type: 7 }, 'events[0].type'],
    ['schemaVersion: 0', { schemaVersion: 0 }, 'events[0].schemaVersion'],
    ['data: array', { data: [] }, 'events[0].data'],
    ['data: null', { data: null }, 'events[0].data'],
    ['data: string', { data: 'x' }, 'events[0].data'],
    ['data: missing', { data: undefined }, 'events[0].data'],
    ['data: Infinity inside', { data: { a: { b: [Infinity] } } }, 'events[0].data.a.b[0]'],
    ['data: undefined inside', { data: { a: undefined } }, 'events[0].data.a'],
    ['data: a Date inside', { data: { when: new Date(0) } }, 'events[0].data.when'],
    ['data: a function inside', { data: { f: () => 1 } }, 'events[0].data.f'],
    ['meta: missing', { meta: undefined }, 'events[0].meta'],
    ['meta: array', { meta: [] }, 'events[0].meta'],
    ['meta.timestamp: missing', { meta: { clientId: 'c' } }, 'events[0].meta.timestamp'],
    [
      'meta.timestamp: not UTC',
      { meta: { clientId: 'c', timestamp: '2025-01-31T12:00:00+01:00' } },
      'events[0].meta.timestamp',
    ],
    [
      'meta.timestamp: Feb 30',
      { meta: { clientId: 'c', timestamp: '2024-02-30T12:00:00Z' } },
      'events[0].meta.timestamp',
    ],
    [
      'meta.timestamp: hour 24',
      { meta: { clientId: 'c', timestamp: '2024-02-01T24:00:00Z' } },
      'events[0].meta.timestamp',
    ],
    ['meta.clientId: missing', { meta: { timestamp: '2025-01-31T12:00:00Z' } }, 'events[0].meta.clientId'],
    [
      'meta.commandId: number',
      { meta: { timestamp: '2025-01-31T12:00:00Z', clientId: 'c', commandId: 5 } },
      'events[0].meta.commandId',
    ],
    [
      'meta.causationId: empty',
      { meta: { timestamp: '2025-01-31T12:00:00Z', clientId: 'c', causationId: '' } },
      'events[0].meta.causationId',
    ],
  ])('refuses %s with the path of the field', (_, overrides, path) => {
    const issues = issuesOf(validate({ clientId: 'c', events: [pushedEvent(overrides)] }));
    expect(issues.map((i) => i.path)).toContain(path);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
  });

  it('reports the index of the bad event', () => {
    const events = [pushedEvent(), pushedEvent({ streamId: 'b' }), pushedEvent({ streamId: 'c', type: '' })];
    expect(issuesOf(validate({ clientId: 'c', events }))).toEqual([
      { path: 'events[2].type', message: expect.any(String) },
    ]);
  });

  it.each(['__proto__', 'constructor'])('refuses a %s key anywhere in data or meta', (key) => {
    const data = JSON.parse(`{"ok":{"${key}":{"polluted":true}}}`);
    const meta = JSON.parse(`{"timestamp":"2025-01-31T12:00:00Z","clientId":"c","${key}":{}}`);
    const issues = issuesOf(
      validate({ clientId: 'c', events: [pushedEvent({ data }), pushedEvent({ meta, streamId: 'b' })] }),
    );
    const formatted = key === '__proto__' ? '__proto__' : 'constructor';
    expect(issues.map((i) => i.path)).toEqual([
      `events[0].data.ok.${formatted}`,
      `events[1].meta.${formatted}`,
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores a __proto__ key at the envelope level without touching any prototype', () => {
    const event = JSON.parse(JSON.stringify(pushedEvent()).replace('{', '{"__proto__":{"version":5},'));
    const result = validate({ clientId: 'c', events: [event] });
    expect(result.ok && result.value.events[0]!.version).toBe(1);
    expect(result.ok && Object.getPrototypeOf(result.value.events[0])).toBe(Object.prototype);
  });

  it('refuses data nested deeper than 64 levels without overflowing the stack', () => {
    let data: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) data = { d: data };
    const issues = issuesOf(validate({ clientId: 'c', events: [pushedEvent({ data })] }));
    expect(issues[0]!.message).toContain('nested more than 64');
  });

  it('refuses versions of one stream that are not contiguous and ascending', () => {
    const [a1, a2, a3] = streamEvents('a', 3);
    const issues = issuesOf(validate({ clientId: 'c', events: [a1, a3, a2] }));
    expect(issues[0]).toEqual({ path: 'events[1].version', message: expect.stringContaining('must be 2') });
  });

  it('accepts interleaved streams, each contiguous, starting anywhere', () => {
    const [a5, a6] = streamEvents('a', 2, 5);
    const [b1, b2] = streamEvents('b', 2);
    expect(validate({ clientId: 'c', events: [a5, b1, a6, b2] }).ok).toBe(true);
  });

  it('refuses a duplicate id within one push (400, not a silent dedupe)', () => {
    const [a1, a2] = streamEvents('a', 2);
    const issues = issuesOf(validate({ clientId: 'c', events: [a1, { ...a2!, id: a1!.id }] }));
    expect(issues).toContainEqual({ path: 'events[1].id', message: 'duplicates the id of events[0]' });
  });

  it('refuses a repeated id whether the ids ascend or not', () => {
    const [a1, a2, a3] = streamEvents('a', 3);
    // Ascending ids but for the repeat; then a repeat whose ids descend first.
    const repeatLast = [a1!, a2!, { ...a3!, id: a1!.id }];
    expect(issuesOf(validate({ clientId: 'c', events: repeatLast }))).toContainEqual({
      path: 'events[2].id',
      message: 'duplicates the id of events[0]',
    });
    const descending = [
      { ...a1!, id: a3!.id },
      { ...a2!, id: a2!.id },
      { ...a3!, id: a3!.id },
    ];
    expect(issuesOf(validate({ clientId: 'c', events: descending }))).toContainEqual({
      path: 'events[2].id',
      message: 'duplicates the id of events[0]',
    });
    const unordered = [{ ...a1!, id: a3!.id }, a2!, { ...a3!, id: a1!.id }];
    expect(validate({ clientId: 'c', events: unordered }).ok).toBe(true);
  });

  it('answers PAYLOAD_TOO_LARGE above the event limit, INVALID_REQUEST at it', () => {
    const events = streamEvents('a', 11);
    expect(validate({ clientId: 'c', events }, { maxEventsPerPush: 11 }).ok).toBe(true);
    const result = validate({ clientId: 'c', events }, { maxEventsPerPush: 10 });
    expect(result).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE', issues: [{ path: 'events' }] });
  });

  it('caps the number of issues reported and says how many were left out', () => {
    const events = Array.from({ length: 100 }, () => pushedEvent({ id: 'bad', type: '' }));
    const issues = issuesOf(validate({ clientId: 'c', events }));
    expect(issues).toHaveLength(51);
    expect(issues[50]!.message).toBe('150 more issue(s) not shown');
  });

  it('never throws on hostile objects', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          return Object.prototype;
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const result = validate({ clientId: 'c', events: [pushedEvent({ data: hostile })] });
    expect(result.ok).toBe(false);
    const getter = { clientId: 'c', events: [] } as Record<string, unknown>;
    Object.defineProperty(getter, 'events', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(validate(getter).ok).toBe(false);
  });

  it('accepts ids of any UUID version in canonical lowercase form', () => {
    expect(validate({ clientId: 'c', events: [pushedEvent({ id: crypto.randomUUID() })] }).ok).toBe(true);
    expect(validate({ clientId: 'c', events: [pushedEvent({ id: testId() })] }).ok).toBe(true);
  });
});

describe('push request validation, many streams in one push', () => {
  // 40 streams interleaved, 3 versions each, ids ascending: the quick pass's per-stream
  // bookkeeping changes form past 16 streams.
  const interleaved = () => {
    const streams = Array.from({ length: 40 }, (_, s) => streamEvents(`s-${s}`, 3));
    // Fresh ids in array order, so they ascend and the quick pass takes the push.
    return Array.from({ length: 120 }, (_, i) => ({
      ...streams[i % 40]![Math.floor(i / 40)]!,
      id: testId(),
    }));
  };

  it('accepts contiguous versions in every stream', () => {
    const events = interleaved();
    const json = JSON.stringify({ clientId: 'c', events });
    const value = JSON.parse(json) as { events: unknown[] };
    const result = validatePushRequest(value, undefined, { json });
    // Taken by the quick pass: the parsed events come back as they are.
    if (result.ok) expect(result.value.events[0]).toBe(value.events[0]);
    expect(result).toEqual({
      ok: true,
      value: { clientId: 'c', events },
    });
  });

  it.each([3, 20, 35])('refuses a gap in stream %i', (stream) => {
    const events = interleaved();
    const i = 80 + stream; // that stream's third event
    events[i] = { ...events[i]!, version: 4 };
    const json = JSON.stringify({ clientId: 'c', events });
    const result = validatePushRequest(JSON.parse(json), undefined, { json });
    expect(issuesOf(result)).toContainEqual(expect.objectContaining({ path: `events[${i}].version` }));
  });
});

describe('push request validation with the JSON source text', () => {
  const parsed = (body: unknown) => {
    const json = JSON.stringify(body);
    return { value: JSON.parse(json) as unknown, json };
  };

  it('still refuses escaped control characters and DEL in names', () => {
    for (const bad of ['Item\nAdded', 'a\u0000b', 'tab\there', 'del\u007f']) {
      for (const body of [
        { clientId: 'c', events: [pushedEvent({ type: bad })] },
        {
          clientId: 'c',
          events: [pushedEvent({ meta: { timestamp: '2025-01-31T12:00:00Z', clientId: bad } })],
        },
        {
          clientId: 'c',
          events: [
            pushedEvent({ meta: { timestamp: '2025-01-31T12:00:00Z', clientId: 'c', commandId: bad } }),
          ],
        },
      ]) {
        const { value, json } = parsed(body);
        const result = validatePushRequest(value, undefined, { json });
        expect(result.ok, json).toBe(false);
        expect(result).toEqual(validatePushRequest(value));
      }
    }
  });

  it('returns parsed events with exactly the envelope fields as they are, copies the others without extras', () => {
    const [a1, a2] = streamEvents('a', 2);
    const { value, json } = parsed({ clientId: 'c', events: [a1, { ...a2, position: 7 }] });
    const result = validatePushRequest(value, undefined, { json });
    if (!result.ok) throw new Error('expected a valid push');
    const given = (value as { events: unknown[] }).events;
    expect(result.value.events[0]).toBe(given[0]);
    expect(result.value.events[1]).not.toBe(given[1]);
    expect(result.value.events[1]).toEqual(a2);
    // Without the text nothing is known about where the objects came from: always copies.
    const copied = validatePushRequest(value);
    if (!copied.ok) throw new Error('expected a valid push');
    expect(copied.value.events[0]).not.toBe(given[0]);
  });

  it('answers exactly as without it for a valid body', () => {
    const { value, json } = parsed({ clientId: 'c', events: streamEvents('a', 3) });
    expect(validatePushRequest(value, undefined, { json })).toEqual(validatePushRequest(value));
    expect(validatePushRequest(value, undefined, { json }).ok).toBe(true);
  });

  it('returns the parsed events array itself when no event needs a copy, and keeps order when one does', () => {
    const events = streamEvents('a', 4);
    const whole = parsed({ clientId: 'c', events });
    const result = validatePushRequest(whole.value, undefined, { json: whole.json });
    if (!result.ok) throw new Error('expected a valid push');
    expect(result.value.events).toBe((whole.value as { events: unknown[] }).events);
    // The third event carries an extra key: the first two stay as they are, the third is
    // copied without it, the fourth is the parsed object again.
    const mixed = parsed({ clientId: 'c', events: events.map((e, i) => (i === 2 ? { ...e, extra: 1 } : e)) });
    const given = (mixed.value as { events: unknown[] }).events;
    const out = validatePushRequest(mixed.value, undefined, { json: mixed.json });
    if (!out.ok) throw new Error('expected a valid push');
    expect(out.value.events).not.toBe(given);
    expect(out.value.events).toEqual(events);
    expect(out.value.events[0]).toBe(given[0]);
    expect(out.value.events[1]).toBe(given[1]);
    expect(out.value.events[2]).not.toBe(given[2]);
    expect(out.value.events[3]).toBe(given[3]);
  });

  it('judges data and meta parsed from text as it judges objects: numbers, keys, depth, required fields', () => {
    const timestamp = '2025-01-31T12:00:00Z';
    const deep = (n: number): string => (n === 0 ? '1' : `{"d":${deep(n - 1)}}`);
    const event = (data: string, meta: string) =>
      `{"id":"${testId()}","streamId":"s","version":1,"type":"t","schemaVersion":1,"data":${data},"meta":${meta}}`;
    const meta = `{"timestamp":"${timestamp}","clientId":"c"}`;
    const cases: [text: string, ok: boolean][] = [
      [event('{"n":1e400}', meta), false], // Infinity after JSON.parse
      [event('{"a":[1,-1e999]}', meta), false],
      [event('{"__proto__":{"x":1}}', meta), false],
      [event('{"a":{"constructor":1}}', meta), false],
      [event(deep(64), meta), true], // 64 objects deep: the deepest at depth 63
      [event(deep(65), meta), false],
      [event('[1]', meta), false],
      [event('null', meta), false],
      [event('{}', `{"timestamp":"${timestamp}","clientId":"c","app":{"n":1e400}}`), false],
      [event('{}', `{"timestamp":"${timestamp}","clientId":"c","__proto__":1}`), false],
      [event('{}', `{"timestamp":"${timestamp}","clientId":"c","app":{"nested":[1,"x",null,true]}}`), true],
      [event('{}', `{"clientId":"c"}`), false],
      [event('{}', `{"timestamp":"${timestamp}"}`), false],
      [event('{}', `{"timestamp":"${timestamp}","clientId":"c","commandId":null}`), false],
      [event('{}', `{"timestamp":"${timestamp}","clientId":"c","causationId":""}`), false],
      [event('{}', `{"timestamp":"2025-02-30T12:00:00Z","clientId":"c"}`), false],
      [event('{}', '[]'), false],
    ];
    for (const [text, ok] of cases) {
      const json = `{"clientId":"c","events":[${text}]}`;
      const value = JSON.parse(json) as unknown;
      const withText = validatePushRequest(value, undefined, { json });
      expect(withText.ok, text).toBe(ok);
      expect(withText, text).toEqual(validatePushRequest(value));
    }
  });
});

describe('validatePushPerEvent', () => {
  it('checks each event as the push validators do', () => {
    const body = { clientId: 'c', events: [pushedEvent(), { ...pushedEvent(), type: '' }] };
    expect(validatePushPerEvent(body)).toEqual(validateOutgoingPush(body));
    const sound = { clientId: 'c', events: streamEvents('a', 2) };
    expect(validatePushPerEvent(sound)).toEqual(validateOutgoingPush(sound));
  });

  it('leaves out the checks across events (repeated ids, versions that are not contiguous)', () => {
    const [a1, a2, a3] = streamEvents('a', 3);
    expect(validatePushPerEvent({ clientId: 'c', events: [a1, a3] }).ok).toBe(true);
    expect(validatePushPerEvent({ clientId: 'c', events: [a1, { ...a2!, id: a1!.id }] }).ok).toBe(true);
  });

  it('refuses more events than one push may carry', () => {
    const result = validatePushPerEvent(
      { clientId: 'c', events: streamEvents('a', 3) },
      { maxEventsPerPush: 2 },
    );
    expect(result).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});
