import type { RejectedCommand } from '@tidelog/core';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useRuntime } from './provider.js';

/** What `useRejected` returns. */
export interface RejectedView {
  /** Commands that failed when re-run on newer state (or that the server refused), oldest first. */
  rejected: readonly RejectedCommand[];
  /** True until the runtime has delivered the list once. */
  pending: boolean;
  /** Run one again on the current state; rejects with its error if it fails again (it then stays). */
  retry(commandId: string): Promise<void>;
  /** Forget some (by command id) or all of them. */
  discard(commandIds?: readonly string[]): Promise<void>;
}

const NONE: readonly RejectedCommand[] = [];

/**
 * The rejected commands of this device, live, with the two ways out: retry or discard.
 * Each entry has the command (`entry.command`, `entry.payload`, `entry.streamId`) and the
 * coded error that rejected it (`error.code`, `error.message`).
 *
 * @example
 * const { rejected, retry, discard } = useRejected();
 * return rejected.map((r) => (
 *   <p key={r.entry.commandId}>{r.error.message} <button onClick={() => discard([r.entry.commandId])}>Discard</button></p>
 * ));
 */
export function useRejected(): RejectedView {
  const tidelog = useRuntime('useRejected');
  // `subscribeRejected` pushes whole lists and has no synchronous getter: keep the last one.
  const source = useMemo(() => {
    let current: readonly RejectedCommand[] | undefined;
    return {
      subscribe: (onChange: () => void) =>
        tidelog.subscribeRejected((list) => {
          current = list;
          onChange();
        }),
      getSnapshot: () => current,
    };
  }, [tidelog]);
  const list = useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
  const retry = useCallback((commandId: string) => tidelog.retryRejected(commandId), [tidelog]);
  const discard = useCallback((ids?: readonly string[]) => tidelog.discardRejected(ids), [tidelog]);
  return useMemo(
    () => ({ rejected: list ?? NONE, pending: list === undefined, retry, discard }),
    [list, retry, discard],
  );
}
