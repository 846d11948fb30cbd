import type { PushedEvent } from './types.js';

/** Test helpers (not shipped: excluded from the build). */

let counter = 0;

/** A fresh canonical lowercase UUID for tests, distinct on every call. */
export function testId(): string {
  counter++;
  return `0190f5b8-8d5a-7c3e-9a1b-${counter.toString(16).padStart(12, '0')}`;
}

/** A valid pushed event, with overrides. */
export function pushedEvent(overrides: Partial<Record<keyof PushedEvent, unknown>> = {}): PushedEvent {
  return {
    id: testId(),
    streamId: 'cart-1',
    version: 1,
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { sku: 'abc', qty: 1 },
    meta: { timestamp: '2025-01-31T12:00:00.000Z', clientId: 'device-1' },
    ...overrides,
  } as PushedEvent;
}

/** `count` valid events of one stream, versions `from`, `from + 1`, … */
export function streamEvents(streamId: string, count: number, from = 1): PushedEvent[] {
  return Array.from({ length: count }, (_, i) => pushedEvent({ streamId, version: from + i }));
}
