import type { Draft } from 'immer';
import type { EventStore } from './event-store.js';
import { foldWith } from './fold.js';
import type { Envelope, JsonObject } from './types.js';
import type { Upcasters } from './upcast.js';

/** A projection handler: mutate the draft for one event (of any stream). */
export type ProjectionHandler<S, D = JsonObject> = (
  draft: Draft<S>,
  data: D,
  event: Envelope<string, D>,
) => void;

/** What `defineProjection` takes: a name, an initial state and a handler per event type. */
export interface ProjectionConfig<S> {
  name: string;
  initialState: S;
  /** Handlers by event type; events of other types are passed over. */
  events: Record<string, ProjectionHandler<S, never>>;
  upcasters?: Upcasters;
  /** Bump when handlers change meaning: stored checkpoints of another version are rebuilt. */
  version?: number;
}

/** A projection as `defineProjection` returns it: a read model over every stream. */
export interface Projection<S = unknown> extends Required<ProjectionConfig<S>> {
  readonly kind: 'projection';
}

/** Any projection, whatever its state type. */
// biome-ignore lint/suspicious/noExplicitAny: the one place variance needs a wildcard
export type AnyProjection = Projection<any>;

/**
 * Define a projection: a read model folded over the events of all streams.
 *
 * @example
 * const Totals = defineProjection({
 *   name: 'totals',
 *   initialState: { count: 0 },
 *   events: { Incremented: (s, e: { by: number }) => { s.count += e.by; } },
 * });
 */
export function defineProjection<S>(config: ProjectionConfig<S>): Projection<S> {
  return { kind: 'projection', upcasters: {}, version: 1, ...config };
}

/**
 * Fold events (in position order) into a projection state, one `produce` per batch. A
 * batch with no event the projection handles returns `state` itself.
 *
 * @example
 * const next = foldProjection(Totals, Totals.initialState, events);
 */
export function foldProjection<S>(projection: Projection<S>, state: S, events: readonly Envelope[]): S {
  return events.some((e) => Object.hasOwn(projection.events, e.type))
    ? foldWith(projection, state, events).state
    : state;
}

/** A projection's state and the last position folded into it. */
export interface ProjectionState<S> {
  state: S;
  checkpoint: number;
}

/**
 * Catch a projection up with a store: fold `readAll` after the checkpoint, page by page,
 * and only as far as positions follow on without a gap. An event stored past a gap (a
 * sync confirmed a later position first) waits for the gap to fill: folded then, it is
 * never passed over for good.
 *
 * @example
 * const { state, checkpoint } = await runProjection(store, Totals);
 */
export async function runProjection<S>(
  store: EventStore,
  projection: Projection<S>,
  from: ProjectionState<S> = { state: projection.initialState, checkpoint: 0 },
  pageSize = 1000,
): Promise<ProjectionState<S>> {
  let { state, checkpoint } = from;
  for (;;) {
    const read = await store.readAll({ after: checkpoint, limit: pageSize });
    const page = contiguous(read, checkpoint);
    if (page.length === 0) return { state, checkpoint };
    state = foldProjection(projection, state, page);
    checkpoint = page.at(-1)!.position;
    if (page.length < read.length || read.length < pageSize) return { state, checkpoint };
  }
}

/**
 * The leading events of `events` (ascending by position) whose positions follow `after`
 * one by one: where a gap starts, the rest waits.
 *
 * @example
 * contiguous(events, 4).at(-1)?.position; // 4 + its length, or undefined when position 5 is missing
 */
export function contiguous<E extends { position: number }>(events: readonly E[], after: number): E[] {
  let n = 0;
  while (n < events.length && events[n]!.position === after + n + 1) n++;
  return n === events.length ? (events as E[]) : events.slice(0, n);
}
