import { describe, expect, it } from 'vitest';
import { jsonIssues, MAX_JSON_DEPTH } from './json-check.js';

describe('jsonIssues', () => {
  it('finds nothing in plain JSON', () => {
    expect(jsonIssues({ a: [1, 'x', null, true, { b: -0.5 }], emoji: '\ud83d\ude00' }, 'data')).toEqual([]);
  });

  it('reports every problem with its path, as a sync server would refuse it', () => {
    const data = {
      at: new Date(0),
      n: Number.NaN,
      list: [1, undefined, () => 1],
      text: 'A\ud800B',
      ['\udc00']: 1,
    };
    expect(jsonIssues(data, 'event.data')).toEqual([
      { path: 'event.data.at', message: 'must be a plain JSON object or array' },
      { path: 'event.data.n', message: 'must be a finite number' },
      { path: 'event.data.list[1]', message: 'undefined is not a JSON value' },
      { path: 'event.data.list[2]', message: 'function is not a JSON value' },
      { path: 'event.data.text', message: 'must be well-formed Unicode (it holds a lone surrogate)' },
      {
        path: 'event.data.\udc00',
        message: 'the key must be well-formed Unicode (it holds a lone surrogate)',
      },
    ]);
  });

  it('refuses forbidden keys and deep nesting', () => {
    const polluted = JSON.parse('{"__proto__":{"x":1},"ok":1}');
    expect(jsonIssues(polluted, 'd')).toEqual([
      { path: 'd.__proto__', message: 'the key "__proto__" is not allowed' },
    ]);
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
    expect(jsonIssues(deep, 'd')).toEqual([
      { path: `d${'[0]'.repeat(MAX_JSON_DEPTH)}`, message: `nested more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  });

  it('reports a cycle where it closes, at once, also one that branches', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonIssues(cycle, 'd')).toEqual([{ path: 'd.self', message: 'is a circular reference' }]);
    // Walked to the depth limit, this one would take 2^64 steps.
    const branching: Record<string, unknown> = { n: 1 };
    branching.a = branching;
    branching.b = [branching];
    expect(jsonIssues(branching, 'd')).toEqual([
      { path: 'd.a', message: 'is a circular reference' },
      { path: 'd.b[0]', message: 'is a circular reference' },
    ]);
    // The same object twice, not inside itself, is no cycle.
    const shared = { x: 1 };
    expect(jsonIssues({ a: shared, b: [shared] }, 'd')).toEqual([]);
  });
});
