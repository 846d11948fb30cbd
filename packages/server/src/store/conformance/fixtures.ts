import { type JsonObject, type PositionedEnvelope, uuidv7 } from '@tidelog/core';
import type { PushedEvent, ServerEventStore } from '../types.js';

/** What each conformance case gets: a fresh store (closed after the case) and helpers. */
export interface CaseContext {
  store: ServerEventStore;
  /** Open another store on the same data (another replica), or undefined if the store cannot. */
  openReplica: (() => Promise<ServerEventStore>) | undefined;
  /** A space name no other case (or earlier run on a shared database) has used. */
  space(): string;
}

/** One behaviour every server store must show. */
export interface ConformanceCase {
  name: string;
  run(context: CaseContext): Promise<void>;
}

const meta = { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'conformance' };

/**
 * A pushed event with a fresh UUIDv7 id.
 *
 * @example
 * const e = pushed('cart-1', 1, { data: { sku: 'x' } });
 */
export function pushed(streamId: string, version: number, overrides: Partial<PushedEvent> = {}): PushedEvent {
  return {
    id: uuidv7(),
    streamId,
    version,
    type: 'happened',
    schemaVersion: 1,
    data: { streamId, version } satisfies JsonObject,
    meta,
    ...overrides,
  };
}

/**
 * Versions from..to of one stream, as one push's group.
 *
 * @example
 * await store.push(space, run('cart-1', 1, 3)); // three events, versions 1 to 3
 */
export function run(streamId: string, from: number, to: number): PushedEvent[] {
  const out: PushedEvent[] = [];
  for (let v = from; v <= to; v++) out.push(pushed(streamId, v));
  return out;
}

/**
 * Every event of a space, paging with `limit`.
 *
 * @example
 * const events = await pullAll(store, space);
 */
export async function pullAll(
  store: ServerEventStore,
  space: string,
  limit = 1000,
): Promise<PositionedEnvelope[]> {
  const out: PositionedEnvelope[] = [];
  let after = 0;
  for (;;) {
    const page = await store.pull(space, { after, limit });
    out.push(...page.events);
    if (!page.hasMore) return out;
    after = page.events[page.events.length - 1]!.position;
  }
}

/** 1, 2, … n. */
export function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The envelope a store must give back for a pushed event at `position`. */
export function at(event: PushedEvent, position: number): PositionedEnvelope {
  return { ...event, position };
}
