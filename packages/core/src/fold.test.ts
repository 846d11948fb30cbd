import * as immer from 'immer';
import { describe, expect, it, vi } from 'vitest';
import { defineAggregate } from './aggregate.js';
import { fold, foldDetailed } from './fold.js';
import { Cart, envs } from './test-fixtures.js';

vi.mock('immer', { spy: true });

describe('fold', () => {
  it('folds a batch with a single produce', () => {
    const events = envs(
      'c',
      Array.from({ length: 500 }, (_, i) => ({ type: 'ItemAdded', data: { sku: `s${i % 7}`, qty: 1 } })),
    );
    vi.mocked(immer.produce).mockClear();
    const state = fold(Cart, Cart.initialState, events);
    expect(vi.mocked(immer.produce)).toHaveBeenCalledTimes(1);
    expect(Object.values(state.items).reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('passes over and counts unknown event types, keeping the version', () => {
    const events = envs('c', [
      { type: 'ItemAdded', data: { sku: 'a', qty: 2 } },
      { type: 'FromTheFuture', data: { x: 1 } },
      { type: 'toString', data: {} },
      { type: 'ItemAdded', data: { sku: 'a', qty: 3 } },
    ]);
    const r = foldDetailed(Cart, Cart.initialState, events);
    expect(r).toMatchObject({ applied: 2, unknown: 2, version: 4 });
    expect(r.state.items).toEqual({ a: 5 });
  });

  it('does not touch the input state and freezes the output', () => {
    const before = Cart.initialState;
    const after = fold(Cart, before, envs('c', [{ type: 'ItemAdded', data: { sku: 'a', qty: 1 } }]));
    expect(before.items).toEqual({});
    expect(Object.isFrozen(after)).toBe(true);
  });

  it('returns the same state for an empty batch', () => {
    expect(fold(Cart, Cart.initialState, [])).toBe(Cart.initialState);
  });

  it('applies upcasters on read, in a chain', () => {
    const Renamed = defineAggregate({
      type: 'doc',
      initialState: { title: '' },
      events: {
        Titled: (s, e: { title: string }) => {
          s.title = e.title;
        },
      },
      commands: { title: (_s, p: { title: string }) => ({ type: 'Titled', data: { title: p.title } }) },
      upcasters: {
        Titled: [(d) => ({ name: `${d.text}` }), (d) => ({ title: `${d.name}!` })],
      },
    });
    const [old] = envs('d', [{ type: 'Titled', data: { text: 'hello' } }]);
    expect(fold(Renamed, Renamed.initialState, [old!]).title).toBe('hello!');
    const current = { ...old!, schemaVersion: 3, data: { title: 'new' } };
    expect(fold(Renamed, Renamed.initialState, [current]).title).toBe('new');
    expect(old!.data).toEqual({ text: 'hello' });
  });
});
