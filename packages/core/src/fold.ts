import { produce } from 'immer';
import type { AnyAggregate, StateOf } from './aggregate.js';
import type { Envelope } from './types.js';
import { type Upcasters, upcast } from './upcast.js';

/** The outcome of folding a batch: the state, the last version seen, and what was passed over. */
export interface FoldResult<S> {
  state: S;
  /** Version of the last event folded (or passed over); the input version when there were none. */
  version: number;
  applied: number;
  /** Events whose type this aggregate does not know: kept in the log, skipped by the fold. */
  unknown: number;
}

type Handler = (draft: unknown, data: unknown, event: Envelope) => void;

/**
 * Fold a batch of events into a state with one immer `produce` for the whole batch, so a
 * long stream pays immer's draft/finalize cost once, not once per event. Upcasters run on
 * read; unknown event types are counted and passed over. It is `foldWith`, typed for an
 * aggregate (no wrapper around it).
 *
 * @example
 * const { state, unknown } = foldDetailed(Counter, Counter.initialState, envelopes);
 */
export const foldDetailed: <A extends AnyAggregate>(
  aggregate: A,
  state: StateOf<A>,
  events: readonly Envelope[],
  fromVersion?: number,
) => FoldResult<StateOf<A>> = foldWith;

/**
 * `foldDetailed` for anything with handlers by event type and upcasters: an aggregate, or
 * a projection (`foldProjection`, whose handlers take the events of every stream).
 *
 * @example
 * const { state } = foldWith(Totals, Totals.initialState, events);
 */
export function foldWith<S>(
  folder: { events: object; upcasters: Upcasters },
  state: S,
  events: readonly Envelope[],
  fromVersion = 0,
): FoldResult<S> {
  let applied = 0;
  let unknown = 0;
  let version = fromVersion;
  if (events.length === 0) return { state, version, applied, unknown };
  const handlers = folder.events as Record<string, Handler | undefined>;
  const upcasters = folder.upcasters;
  const next = produce(state, (draft: unknown) => {
    for (const event of events) {
      version = event.version;
      const handler = handlers[event.type];
      if (handler === undefined || !Object.hasOwn(handlers, event.type)) {
        unknown++;
        continue;
      }
      const current = upcasters[event.type] ? upcast(event, upcasters) : event;
      handler(draft, current.data, current);
      applied++;
    }
  }) as S;
  return { state: next, version, applied, unknown };
}

/**
 * Fold a batch of events into a state (one `produce` per batch). See `foldDetailed` for
 * the version and the count of unknown events.
 *
 * @example
 * const state = fold(Counter, Counter.initialState, envelopes);
 */
export function fold<A extends AnyAggregate>(
  aggregate: A,
  state: StateOf<A>,
  events: readonly Envelope[],
): StateOf<A> {
  return foldDetailed(aggregate, state, events).state;
}
