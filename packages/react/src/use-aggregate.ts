import type { AggregateSnapshot } from '@tidelog/client';
import type { AnyAggregate, StateOf } from '@tidelog/core';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useRuntime } from './provider.js';

/** What `useAggregate` returns. */
export interface AggregateView<S> {
  /** The state (confirmed + pending events folded); the aggregate's `initialState` while loading. */
  state: S;
  /** The stream's version; 0 while loading and for a stream with no events. */
  version: number;
  /** True until the stream's first state has arrived: show a placeholder, not `initialState`, if it matters. */
  pending: boolean;
}

/**
 * One aggregate instance's state, live: the component re-renders when this stream changes,
 * and only then. Built on `useSyncExternalStore` over the runtime's `subscribe` /
 * `getSnapshot`, so a render never mixes two versions of the stream. It never suspends:
 * while the stream loads, `pending` is true and `state` is the aggregate's initial state.
 *
 * @example
 * const { state, version, pending } = useAggregate(Board, 'board');
 * if (pending) return <Spinner />;
 * return <h1>{state.name} (v{version})</h1>;
 */
export function useAggregate<A extends AnyAggregate>(
  aggregate: A,
  streamId: string,
): AggregateView<StateOf<A>> {
  const tidelog = useRuntime('useAggregate');
  const subscribe = useCallback(
    (onChange: () => void) => tidelog.subscribe(aggregate, streamId, onChange),
    [tidelog, aggregate, streamId],
  );
  const getSnapshot = useCallback(
    () => tidelog.getSnapshot(aggregate, streamId) as AggregateSnapshot<StateOf<A>> | undefined,
    [tidelog, aggregate, streamId],
  );
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  // A cached snapshot of another stream can never show up here: the runtime keys by stream.
  return useMemo(
    () =>
      snapshot
        ? { state: snapshot.state, version: snapshot.version, pending: false }
        : { state: aggregate.initialState as StateOf<A>, version: 0, pending: true },
    [snapshot, aggregate],
  );
}
