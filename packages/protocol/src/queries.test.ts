import { describe, expect, it } from 'vitest';
import { parsePullQuery, parseStreamReadQuery, parseSubscribeQuery } from './queries.js';

describe('parsePullQuery', () => {
  it('defaults after to 0 and limit to 500', () => {
    expect(parsePullQuery({})).toEqual({ ok: true, value: { after: 0, limit: 500 } });
    expect(parsePullQuery({ after: null, limit: null })).toEqual({
      ok: true,
      value: { after: 0, limit: 500 },
    });
  });

  it('clamps a larger limit to 5000 (or the configured maximum)', () => {
    expect(parsePullQuery({ limit: '5001' })).toEqual({ ok: true, value: { after: 0, limit: 5000 } });
    expect(parsePullQuery({ limit: '9'.repeat(300) })).toEqual({
      ok: true,
      value: { after: 0, limit: 5000 },
    });
    expect(parsePullQuery({ limit: '80' }, { defaultPullLimit: 10, maxPullLimit: 50 })).toMatchObject({
      value: { limit: 50 },
    });
  });

  it('reads after and limit', () => {
    expect(parsePullQuery({ after: '42', limit: '7' })).toEqual({ ok: true, value: { after: 42, limit: 7 } });
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '-1' }],
    ['limit', { limit: '1.5' }],
    ['limit', { limit: 'ten' }],
    ['limit', { limit: '' }],
    ['limit', { limit: '1e3' }],
    ['after', { after: '-1' }],
    ['after', { after: '1.0' }],
    ['after', { after: 'abc' }],
    ['after', { after: '' }],
    ['after', { after: ' 1' }],
    ['after', { after: '0x10' }],
    ['after', { after: '9007199254740993' }],
  ])('refuses a bad %s: %j', (path, query) => {
    const result = parsePullQuery(query);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST', issues: [{ path }] });
  });
});

describe('parseSubscribeQuery', () => {
  it('lets Last-Event-ID win over after', () => {
    expect(parseSubscribeQuery({ after: '5', lastEventId: '12' })).toEqual({
      ok: true,
      value: { after: 12 },
    });
    expect(parseSubscribeQuery({ after: '5', lastEventId: '' })).toEqual({ ok: true, value: { after: 5 } });
    expect(parseSubscribeQuery({})).toEqual({ ok: true, value: { after: 0 } });
  });

  it('refuses a bad Last-Event-ID even with a good after', () => {
    expect(parseSubscribeQuery({ after: '5', lastEventId: 'x' })).toMatchObject({
      ok: false,
      issues: [{ path: 'Last-Event-ID' }],
    });
    expect(parseSubscribeQuery({ after: '-5' })).toMatchObject({ ok: false, issues: [{ path: 'after' }] });
  });
});

describe('parseStreamReadQuery', () => {
  it('defaults from to 1 and reads 0 as 1', () => {
    expect(parseStreamReadQuery({})).toEqual({ ok: true, value: { from: 1, limit: 500 } });
    expect(parseStreamReadQuery({ from: '0' })).toEqual({ ok: true, value: { from: 1, limit: 500 } });
    expect(parseStreamReadQuery({ from: '3' })).toEqual({ ok: true, value: { from: 3, limit: 500 } });
  });

  it('pages stream reads as pull: limit defaults to 500, is clamped to 5000, and is at least 1', () => {
    expect(parseStreamReadQuery({ limit: '7' })).toEqual({ ok: true, value: { from: 1, limit: 7 } });
    expect(parseStreamReadQuery({ limit: '9'.repeat(400) })).toEqual({
      ok: true,
      value: { from: 1, limit: 5000 },
    });
    expect(parseStreamReadQuery({ limit: '0' })).toMatchObject({ ok: false, issues: [{ path: 'limit' }] });
  });

  it.each(['-1', 'x', '2147483648', '1.5'])('refuses from=%s', (from) => {
    expect(parseStreamReadQuery({ from })).toMatchObject({ ok: false, issues: [{ path: 'from' }] });
  });
});
