import type { PositionedEnvelope } from '@tidelog/core';
import type { ServerEventStore } from '../store/types.js';

/**
 * The events of `space` from `from` to `to`, inclusive, reading page by page (a dead
 * letter's batch, read again for a retry).
 *
 * @example
 * const events = await readRange(store, 'shop', 11, 20);
 */
export async function readRange(
  store: ServerEventStore,
  space: string,
  from: number,
  to: number,
): Promise<PositionedEnvelope[]> {
  const out: PositionedEnvelope[] = [];
  let after = from - 1;
  while (after < to) {
    const page = await store.pull(space, { after, limit: Math.min(5000, to - after) });
    if (page.events.length === 0) break;
    for (const e of page.events) if (e.position <= to) out.push(e);
    after = page.events[page.events.length - 1]!.position;
  }
  return out;
}
