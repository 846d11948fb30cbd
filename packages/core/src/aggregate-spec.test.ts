import { describe, expect, it } from 'vitest';
import { Cart } from './test-fixtures.js';
import { aggregateSpec } from './testing/index.js';

describe('aggregateSpec', () => {
  it('passes when the command produces the expected events', async () => {
    await aggregateSpec(Cart)
      .given([{ type: 'ItemAdded', data: { sku: 'a', qty: 1 } }])
      .when('checkout', undefined)
      .then([{ type: 'CheckedOut', data: {} }]);
  });

  it('fails when the events differ', async () => {
    const spec = aggregateSpec(Cart).given([]).when('add', { sku: 'a', qty: 1 });
    await expect(spec.then([{ type: 'ItemAdded', data: { sku: 'a', qty: 2 } }])).rejects.toThrow(/expected/);
  });

  it('checks thrown codes, and fails when nothing is thrown', async () => {
    await aggregateSpec(Cart).given([]).when('checkout', undefined).thenThrows('CART_EMPTY');
    await aggregateSpec(Cart)
      .given([{ type: 'CheckedOut', data: {} }])
      .when('add', { sku: 'a', qty: 1 })
      .thenThrows('CART_CLOSED');
    await expect(
      aggregateSpec(Cart).given([]).when('add', { sku: 'a', qty: 1 }).thenThrows('X'),
    ).rejects.toThrow(/succeeded/);
  });
});

describe('aggregateSpec awaited directly', () => {
  it('resolves to the produced events instead of hanging', async () => {
    const events = await (aggregateSpec(Cart)
      .given([])
      .when('add', { sku: 'a', qty: 2 }) as unknown as Promise<{ type: string }[]>);
    expect(events.map((e) => e.type)).toEqual(['ItemAdded']);
  });
});
