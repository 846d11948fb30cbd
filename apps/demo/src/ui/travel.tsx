import type { AnyAggregate, StateOf } from '@tidelog/core';
import { useTidelog } from '@tidelog/react';
import { createContext, useContext, useEffect, useState } from 'react';

/** What the time-travel slider points at: one stream at one version (null: the present). */
export interface Travel {
  streamId: string;
  version: number;
}

export const TravelContext = createContext<{ travel: Travel | null; setTravel: (t: Travel | null) => void }>({
  travel: null,
  setTravel: () => undefined,
});

/** The time-travel selection and its setter. */
export const useTravel = () => useContext(TravelContext);

/**
 * A stream's state as of a version, loaded from the runtime (`load(…, { asOfVersion })`);
 * `undefined` while it loads or when `version` is null.
 *
 * @example
 * const past = useStateAsOf(Board, 'board', 3);
 */
export function useStateAsOf<A extends AnyAggregate>(
  aggregate: A,
  streamId: string,
  version: number | null,
): StateOf<A> | undefined {
  const tidelog = useTidelog();
  const [loaded, setLoaded] = useState<{ key: string; state: StateOf<A> } | undefined>();
  const key = `${streamId}@${version}`;
  useEffect(() => {
    if (version === null) return;
    let live = true;
    tidelog.load(aggregate, streamId, { asOfVersion: version }).then(
      (snapshot) => live && setLoaded({ key: `${streamId}@${version}`, state: snapshot.state as StateOf<A> }),
      (error: unknown) => live && console.warn('tidelog demo: could not load', streamId, version, error),
    );
    return () => {
      live = false;
    };
  }, [tidelog, aggregate, streamId, version]);
  return version !== null && loaded?.key === key ? loaded.state : undefined;
}
