import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type CommandName,
  decide,
  defineAggregate,
  type EventOf,
  type PayloadOf,
  type StateOf,
} from './index.js';
import { Cart } from './test-fixtures.js';
import { aggregateSpec } from './testing/index.js';

describe('defineAggregate types', () => {
  it('infers state, command names, payloads and events', () => {
    expectTypeOf<StateOf<typeof Cart>>().toEqualTypeOf<{
      items: Record<string, number>;
      checkedOut: boolean;
    }>();
    expectTypeOf<CommandName<typeof Cart>>().toEqualTypeOf<'add' | 'checkout'>();
    expectTypeOf<PayloadOf<typeof Cart, 'add'>>().toEqualTypeOf<{ sku: string; qty: number }>();
    expectTypeOf<PayloadOf<typeof Cart, 'checkout'>>().toEqualTypeOf<undefined>();
    expectTypeOf<EventOf<typeof Cart>>().toEqualTypeOf<
      | { type: 'ItemAdded'; data: { sku: string; qty: number } }
      | { type: 'CheckedOut'; data: Record<string, never> }
    >();
  });

  it('rejects a decide handler that returns an unknown event type or wrong data', () => {
    defineAggregate({
      type: 't',
      initialState: { n: 0 },
      events: {
        Inc: (s, e: { by: number }) => {
          s.n += e.by;
        },
      },
      commands: {
        // @ts-expect-error: 'Incremented' is not an event of this aggregate
        typo: (_s, p: { by: number }) => ({ type: 'Incremented', data: { by: p.by } }),
        // @ts-expect-error: `by` must be a number
        wrongData: (_s) => ({ type: 'Inc', data: { by: 'one' } }),
      },
    });
  });

  it('types the state in handlers', () => {
    defineAggregate({
      type: 't',
      initialState: { n: 0 },
      events: {
        Inc: (s, e: { by: number }) => {
          expectTypeOf(s.n).toEqualTypeOf<number>();
          s.n += e.by;
        },
      },
      commands: { inc: (s, p: { by: number }) => ({ type: 'Inc', data: { by: p.by + s.n } }) },
    });
  });

  it('accepts schemas whose output matches', () => {
    const A = defineAggregate({
      type: 't',
      initialState: { n: 0 },
      events: {
        Inc: (s, e: { by: number }) => {
          s.n += e.by;
        },
      },
      schemas: { Inc: z.object({ by: z.number() }) },
      commands: { inc: (_s, p: { by: number }) => ({ type: 'Inc', data: { by: p.by } }) },
    });
    expectTypeOf<PayloadOf<typeof A, 'inc'>>().toEqualTypeOf<{ by: number }>();
  });

  it('types decide', () => {
    const ctx = { streamId: 's', version: 0, now: '', commandId: '', clientId: '', metadata: {} };
    void decide(Cart, Cart.initialState, 'add', { sku: 'a', qty: 1 }, ctx);
    // @ts-expect-error: misspelled command
    void decide(Cart, Cart.initialState, 'ad', { sku: 'a', qty: 1 }, ctx);
    // @ts-expect-error: qty must be a number
    void decide(Cart, Cart.initialState, 'add', { sku: 'a', qty: '1' }, ctx);
  });

  it('types aggregateSpec commands and payloads', () => {
    const spec = aggregateSpec(Cart).given([]);
    spec.when('add', { sku: 'a', qty: 1 });
    // @ts-expect-error: unknown command
    spec.when('remove', { sku: 'a' });
    // @ts-expect-error: wrong payload field
    spec.when('add', { sku: 'a', quantity: 1 });
  });
});
