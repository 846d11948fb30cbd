import type { SyncApi, SyncStatus, TidelogApi, Unsubscribe } from '@tidelog/client';
import { DomainError, defineAggregate, defineProjection, type RejectedCommand } from '@tidelog/core';

export const Counter = defineAggregate({
  type: 'counter',
  initialState: { count: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.count += e.by;
    },
  },
  commands: {
    increment: (s, p: { by: number }) => {
      if (s.count + p.by > 10) throw new DomainError('too high', { code: 'TOO_HIGH' });
      return { type: 'Incremented', data: { by: p.by } };
    },
    reset: (s) => ({ type: 'Incremented', data: { by: -s.count } }),
  },
});

export const Totals = defineProjection({
  name: 'totals',
  initialState: { total: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.total += e.by;
    },
  },
});

const idle: SyncStatus = { state: 'idle', pending: 0, rejected: 0, cursor: 0, head: 0 };

/** A sync API whose status a test sets by hand; `copies` hands out a fresh equal object per read, as a worker client may. */
export function fakeSync(
  copies = false,
): SyncApi & { set(status: Partial<SyncStatus>): void; paused: boolean } {
  let status = idle;
  const listeners = new Set<(s: SyncStatus) => void>();
  return {
    paused: false,
    get status() {
      return status;
    },
    subscribe(listener: (s: SyncStatus) => void): Unsubscribe {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => (copies ? { ...status } : status),
    now: async () => status,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
    set(next: Partial<SyncStatus>) {
      status = { ...status, ...next };
      for (const l of listeners) l(status);
    },
  };
}

/** Rejected-list members a test drives by hand, to lay over a runtime with `Object.assign`. */
export function fakeRejected(): Pick<
  TidelogApi,
  'rejected' | 'subscribeRejected' | 'retryRejected' | 'discardRejected'
> & {
  set(list: RejectedCommand[]): void;
  calls: string[];
} {
  let list: RejectedCommand[] = [];
  const listeners = new Set<(l: readonly RejectedCommand[]) => void>();
  const set = (next: RejectedCommand[]) => {
    list = next;
    for (const l of listeners) l(list);
  };
  const calls: string[] = [];
  return {
    calls,
    set,
    rejected: async () => list,
    subscribeRejected(listener) {
      listeners.add(listener);
      queueMicrotask(() => listeners.has(listener) && listener(list));
      return () => listeners.delete(listener);
    },
    async retryRejected(commandId) {
      calls.push(`retry ${commandId}`);
      set(list.filter((r) => r.entry.commandId !== commandId));
    },
    async discardRejected(ids) {
      calls.push(`discard ${ids?.join(',') ?? 'all'}`);
      set(ids ? list.filter((r) => !ids.includes(r.entry.commandId)) : []);
    },
  };
}

/** A rejected command as the runtime files it. */
export const rejectedMove = (commandId: string): RejectedCommand => ({
  entry: {
    commandId,
    aggregateType: 'counter',
    streamId: 'c-1',
    command: 'increment',
    payload: { by: 5 },
    baseVersion: 1,
    eventIds: [],
    timestamp: '2026-01-01T00:00:00.000Z',
    metadata: {},
  },
  error: { name: 'DomainError', code: 'TOO_HIGH', message: 'too high' },
  rejectedAt: '2026-01-01T00:00:01.000Z',
});
