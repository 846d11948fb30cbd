import type { SyncStatus } from '@tidelog/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useRuntime } from './provider.js';

/**
 * The sync loop's status, live: `state` (`idle`, `pushing`, `pulling`, `live`, `paused`,
 * `offline`, `error`, `reset`), `pending` and `rejected` counts, `cursor`, `head`,
 * `lastSyncedAt`, `lastError`. Without sync configured the state stays `idle`. The offline
 * switch is `useTidelog().sync.pause()` / `.resume()`.
 *
 * @example
 * const { state, pending } = useSyncStatus();
 * return <span>{state} · {pending} to send</span>;
 */
export function useSyncStatus(): SyncStatus {
  const tidelog = useRuntime('useSyncStatus');
  const last = useRef<{ status: SyncStatus; json: string } | null>(null);
  const subscribe = useCallback((onChange: () => void) => tidelog.sync.subscribe(onChange), [tidelog]);
  // useSyncExternalStore needs the same object back while nothing changed; a status that
  // crossed a worker boundary is a fresh copy each time, so equal content keeps the old one.
  const getSnapshot = useCallback(() => {
    const status = tidelog.sync.getSnapshot();
    if (last.current?.status === status) return status;
    const json = JSON.stringify(status);
    if (last.current?.json === json) return last.current.status;
    last.current = { status, json };
    return status;
  }, [tidelog]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
