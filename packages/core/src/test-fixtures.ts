import { defineAggregate } from './aggregate.js';
import { DomainError } from './errors.js';
import type { Envelope, JsonObject } from './types.js';
import { uuidv7 } from './uuid.js';

/** A small aggregate the core tests share. */
export const Cart = defineAggregate({
  type: 'cart',
  initialState: { items: {} as Record<string, number>, checkedOut: false },
  events: {
    ItemAdded: (s, e: { sku: string; qty: number }) => {
      s.items[e.sku] = (s.items[e.sku] ?? 0) + e.qty;
    },
    CheckedOut: (s) => {
      s.checkedOut = true;
    },
  },
  commands: {
    add: (s, p: { sku: string; qty: number }) => {
      if (s.checkedOut) throw new DomainError('cart is checked out', { code: 'CART_CLOSED' });
      return { type: 'ItemAdded', data: { sku: p.sku, qty: p.qty } };
    },
    checkout: (s) => {
      if (Object.keys(s.items).length === 0) throw new DomainError('empty cart', { code: 'CART_EMPTY' });
      return [{ type: 'CheckedOut', data: {} }];
    },
  },
});

/** Envelopes for `events`, versions from 1, positions from 1. */
export function envs(streamId: string, events: { type: string; data: JsonObject }[], start = 1): Envelope[] {
  return events.map((e, i) => ({
    id: uuidv7(),
    streamId,
    version: start + i,
    type: e.type,
    schemaVersion: 1,
    data: e.data,
    meta: { timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, start + i)).toISOString(), clientId: 'test' },
    position: start + i,
  }));
}
