import { describe, expect, it } from 'vitest';
import { formatPath } from './issues.js';
import { checkJsonObject, isParsedJsonObject } from './json.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import { isEventId, isName, isTimestamp } from './rules.js';

describe('isTimestamp', () => {
  it.each([
    '2025-01-31T12:00:00Z',
    '2025-01-31T12:00:00.123Z',
    '2025-01-31T12:00:00.123456789Z',
    '2024-02-29T23:59:59Z',
    '2000-02-29T00:00:00Z',
  ])('accepts %s', (value) => expect(isTimestamp(value)).toBe(true));

  it.each([
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-00-01T00:00:00Z',
    '2025-01-00T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T23:60:00Z',
    '2025-01-01T23:59:60Z',
    '2025-01-01T00:00:00',
    '2025-01-01T00:00:00+00:00',
    '2025-01-01 00:00:00Z',
    '2025-01-01T00:00:00.Z',
    '2025-01-01',
    '',
    1735689600000,
  ])('refuses %j', (value) => expect(isTimestamp(value)).toBe(false));
});

describe('names and ids', () => {
  it('takes only canonical lowercase UUIDs as ids', () => {
    expect(isEventId('0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b')).toBe(true);
    expect(isEventId('0190F5B8-8D5A-7C3E-9A1B-2C3D4E5F6A7B')).toBe(false);
    expect(isEventId('0190f5b88d5a7c3e9a1b2c3d4e5f6a7b')).toBe(false);
    expect(isEventId('{0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b}')).toBe(false);
  });

  it('takes 1-200 characters without control characters as names', () => {
    expect(isName('Cart.ItemAdded v2 ✓')).toBe(true);
    expect(isName('x'.repeat(200))).toBe(true);
    expect(isName('x'.repeat(201))).toBe(false);
    expect(isName('a\tb')).toBe(false);
    expect(isName('a\u007fb')).toBe(false);
  });
});

describe('formatPath', () => {
  it('writes paths as JavaScript accessors', () => {
    expect(formatPath(['events', 3, 'meta', 'timestamp'])).toBe('events[3].meta.timestamp');
    expect(formatPath(['data', 'a b', 0])).toBe('data["a b"][0]');
    expect(formatPath([])).toBe('');
  });
});

describe('checkJsonObject', () => {
  it('reports every problem with its path', () => {
    const problems: string[] = [];
    const ok = checkJsonObject({ a: [1, Number.NaN], b: { c: undefined }, d: new Map() }, (path, message) =>
      problems.push(`${formatPath(path)}: ${message}`),
    );
    expect(ok).toBe(false);
    expect(problems).toEqual([
      'a[1]: must be a finite number',
      'b.c: undefined is not a JSON value',
      'd: must be a plain JSON object or array',
    ]);
  });

  it('accepts null-prototype objects and all JSON value kinds', () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(checkJsonObject({ bare, s: '', n: -0.5, t: true, z: null, arr: [[], {}] })).toBe(true);
  });
});

describe('isParsedJsonObject', () => {
  it('agrees with checkJsonObject on anything JSON.parse makes', async () => {
    const fc = (await import('fast-check')).default;
    const hostile = fc.constantFrom(
      '{"a":1e400}',
      '{"__proto__":{}}',
      '{"a":[{"constructor":0}]}',
      '[{}]',
      'null',
      '7',
    );
    fc.assert(
      fc.property(fc.oneof(fc.json({ depthSize: 'large' }), hostile), (text) => {
        const value = JSON.parse(text) as unknown;
        expect(isParsedJsonObject(value)).toBe(checkJsonObject(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('resolveLimits', () => {
  it('fills defaults and refuses nonsense', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxEventsPerPush: 5 }).maxEventsPerPush).toBe(5);
    expect(() => resolveLimits({ maxPushBytes: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxPullLimit: 1.5 })).toThrow(RangeError);
    expect(() => resolveLimits({ defaultPullLimit: 10, maxPullLimit: 5 })).toThrow(RangeError);
  });
});

describe('isStreamName', () => {
  it('agrees with core isValidStreamId on any string', async () => {
    const { isValidStreamId } = await import('@tidelog/core');
    const fc = (await import('fast-check')).default;
    const { isStreamName } = await import('./rules.js');
    const candidate = fc.oneof(
      fc.string({ maxLength: 210 }),
      fc.stringMatching(/^[A-Za-z0-9._:@/ -]{0,205}$/),
    );
    fc.assert(
      fc.property(candidate, (s) => {
        expect(isStreamName(s)).toBe(isValidStreamId(s));
      }),
      { numRuns: 2000 },
    );
    expect(isStreamName('a'.repeat(200))).toBe(true);
    expect(isStreamName('a'.repeat(201))).toBe(false);
  });
});

describe('isEventId', () => {
  it('agrees with a UUID regular expression on any string', async () => {
    const fc = (await import('fast-check')).default;
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const candidate = fc.oneof(
      fc.uuid(),
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[0-9a-gA-F-]{36}$/),
    );
    fc.assert(
      fc.property(candidate, (s) => {
        expect(isEventId(s)).toBe(re.test(s));
      }),
      { numRuns: 2000 },
    );
  });
});
