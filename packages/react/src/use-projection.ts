import type { ProjectionSnapshot } from '@tidelog/client';
import type { Projection } from '@tidelog/core';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useRuntime } from './provider.js';

/** What `useProjection` returns. */
export interface ProjectionView<S> {
  /** The confirmed state with this device's pending events folded on top; `initialState` while loading. */
  state: S;
  /** The last confirmed position folded in (0 while loading). */
  checkpoint: number;
  /** How many pending (not yet confirmed) events the state includes. */
  unconfirmed: number;
  /** True until the projection's first state has arrived. */
  pending: boolean;
}

/**
 * A projection's state, live, without suspending. Re-renders when the projection changes.
 *
 * @example
 * const { state } = useProjection(Overview);
 * return <p>{state.total} cards</p>;
 */
export function useProjection<S>(projection: Projection<S>): ProjectionView<S> {
  const tidelog = useRuntime('useProjection');
  const subscribe = useCallback(
    (onChange: () => void) => tidelog.subscribeProjection(projection, onChange),
    [tidelog, projection],
  );
  const getSnapshot = useCallback(
    () => tidelog.getProjection(projection) as ProjectionSnapshot<S> | undefined,
    [tidelog, projection],
  );
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  return useMemo(
    () =>
      snapshot
        ? {
            state: snapshot.state,
            checkpoint: snapshot.checkpoint,
            unconfirmed: snapshot.pending,
            pending: false,
          }
        : { state: projection.initialState, checkpoint: 0, unconfirmed: 0, pending: true },
    [snapshot, projection],
  );
}
