import { expect } from 'vitest';
import type { ServerEventStore } from '../types.js';
import { pullAll, pushed } from './fixtures.js';

/**
 * For a store made with a push queue bound of `maxPushes`: 50 pushes sent at once are
 * either stored or refused at once with `UNAVAILABLE` (never both, never twice), at least
 * `50 - maxPushes` are refused, positions stay gapless, and once the queue has drained
 * the store takes pushes again.
 *
 * @example
 * await expectQueueBound(createSqliteServerStore({ filename, queue: { maxPushes: 4 } }), 'team', 4);
 */
export async function expectQueueBound(
  store: ServerEventStore,
  space: string,
  maxPushes: number,
): Promise<void> {
  const events = Array.from({ length: 50 }, (_, i) => pushed(`flood-${i}`, 1));
  const outcomes = await Promise.all(
    events.map((e) =>
      store.push(space, [e]).then(
        (outcome) => (outcome.accepted.length === 1 ? 'stored' : 'unexpected'),
        (error: { code?: string }) => error.code ?? 'unexpected',
      ),
    ),
  );
  expect(outcomes.filter((o) => o !== 'stored' && o !== 'UNAVAILABLE')).toEqual([]);
  const stored = outcomes.filter((o) => o === 'stored').length;
  expect(stored).toBeGreaterThanOrEqual(1);
  expect(stored).toBeLessThanOrEqual(maxPushes);
  const all = await pullAll(store, space);
  expect(all.map((e) => e.position)).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
  expect(new Set(all.map((e) => e.id)).size).toBe(stored);
  // Drained: pushes are let in again, and a refused one pushed again is stored once.
  const refused = events.filter((_, i) => outcomes[i] === 'UNAVAILABLE');
  for (const e of refused.slice(0, 3)) expect((await store.push(space, [e])).accepted).toHaveLength(1);
  expect(await store.head(space)).toBe(stored + Math.min(3, refused.length));
}
