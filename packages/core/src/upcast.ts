import type { Envelope, JsonObject } from './types.js';

/** One step: data at schemaVersion n → data at n+1. */
export type Upcaster = (data: JsonObject, event: Envelope) => JsonObject;

/** Upcaster chains by event type: index i turns schemaVersion i+1 into i+2. */
export type Upcasters = Record<string, readonly Upcaster[]>;

/**
 * The schemaVersion new events of `type` are written at: one past the last upcaster.
 *
 * @example
 * currentSchemaVersion({ ItemAdded: [(d) => ({ ...d, qty: 1 })] }, 'ItemAdded'); // 2
 */
export function currentSchemaVersion(upcasters: Upcasters, type: string): number {
  return (upcasters[type]?.length ?? 0) + 1;
}

/**
 * Bring a stored event up to the current schema of its type. Events already current (or
 * from a newer writer than this code knows) are returned as they are; the stored event is
 * never changed.
 *
 * @example
 * const ups = { Renamed: [(d) => ({ name: d.title ?? '' })] };
 * upcast({ ...event, type: 'Renamed', schemaVersion: 1, data: { title: 'a' } }, ups).data; // { name: 'a' }
 */
export function upcast<E extends Envelope>(event: E, upcasters: Upcasters): E {
  const chain = upcasters[event.type];
  if (!chain || event.schemaVersion > chain.length) return event;
  let data = event.data;
  for (let v = event.schemaVersion; v <= chain.length; v++) {
    data = chain[v - 1]!(data, event);
  }
  return { ...event, data, schemaVersion: chain.length + 1 };
}
