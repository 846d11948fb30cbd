import type { TidelogApi } from '@tidelog/client';
import type { AnyAggregate } from '@tidelog/core';
import { createContext, type ReactNode, useContext } from 'react';
import { MissingProviderError } from './errors.js';

const TidelogContext = createContext<TidelogApi | null>(null);

export interface TidelogProviderProps {
  /** A runtime from `createTidelog` or a client from `connectTidelog`: the hooks only use `TidelogApi`. */
  tidelog: TidelogApi;
  children?: ReactNode;
}

/**
 * Give the components below a Tidelog runtime. It does not open or close it: create it
 * before rendering (it is async) and close it yourself when the app goes away.
 *
 * @example
 * const tidelog = await connectTidelog({ name: 'app', url: workerUrl, aggregates: [Board] });
 * createRoot(el).render(<TidelogProvider tidelog={tidelog}><App /></TidelogProvider>);
 */
export function TidelogProvider({ tidelog, children }: TidelogProviderProps): ReactNode {
  return <TidelogContext.Provider value={tidelog}>{children}</TidelogContext.Provider>;
}

/**
 * The runtime of the nearest `TidelogProvider`, for what the hooks do not cover
 * (`load` with `asOfVersion`, `settled`, dead letters). Throws `MissingProviderError`
 * outside a provider.
 *
 * @example
 * const tidelog = useTidelog<typeof Board>();
 * const then = await tidelog.load(Board, 'board', { asOfVersion: 3 });
 */
export function useTidelog<R extends AnyAggregate = AnyAggregate>(): TidelogApi<R> {
  return useRuntime('useTidelog') as unknown as TidelogApi<R>;
}

/** The provider's runtime, or `MissingProviderError` naming the hook that asked. */
export function useRuntime(hook: string): TidelogApi {
  const tidelog = useContext(TidelogContext);
  if (!tidelog) throw new MissingProviderError(hook);
  return tidelog;
}
