// Test helper (not exported): a runtime's sync members replaced by a controllable fake,
// so that the bridge is tested on its own, whatever the sync loop does.
import type { RejectedCommand, SerializedError } from '@tidelog/core';
import { Listeners } from '../listeners.js';
import type { Tidelog } from '../runtime.js';
import type { SyncApi, SyncStatus } from '../sync/host.js';

export interface FakeSync {
  /** Every call the runtime got, in order: `['now']`, `['retryRejected', id]`… */
  calls: unknown[][];
  /** Change the status and tell the runtime's sync subscribers. */
  setStatus(patch: Partial<SyncStatus>): void;
  /** Replace the rejected list and tell its subscribers. */
  setRejected(list: RejectedCommand[]): void;
  /** What `now()` does next: resolve with the status (default) or throw this. */
  failNow?: Error;
  /** What `retryRejected` throws next. */
  failRetry?: Error;
  /** Live listeners of the sync status and of the rejected list in the runtime. */
  listeners(): { sync: number; rejected: number };
}

/** A rejected command as the runtime stores it. */
export function rejectedCommand(commandId: string, error: SerializedError): RejectedCommand {
  return {
    entry: {
      commandId,
      aggregateType: 'counter',
      streamId: 'c-1',
      command: 'decrement',
      payload: { by: 5 },
      baseVersion: 1,
      eventIds: [`${commandId}-e1`],
      timestamp: '2026-01-01T00:00:00.000Z',
      metadata: {},
    },
    error,
    rejectedAt: '2026-01-01T00:00:01.000Z',
  };
}

/**
 * Replace `runtime`'s `sync`, `rejected`, `subscribeRejected`, `retryRejected` and
 * `discardRejected` with a fake that records calls and is driven by the test.
 *
 * @example
 * const fake = installFakeSync(await createTidelog({ aggregates: [Counter], store: new MemoryEventStore() }));
 * fake.setStatus({ state: 'live', head: 3 });
 */
export function installFakeSync(runtime: Tidelog): FakeSync {
  let status: SyncStatus = { state: 'idle', pending: 0, rejected: 0, cursor: 0, head: 0 };
  let rejected: RejectedCommand[] = [];
  const statusListeners = new Listeners<SyncStatus>();
  const rejectedListeners = new Listeners<readonly RejectedCommand[]>();
  const fake: FakeSync = {
    calls: [],
    setStatus(patch) {
      status = { ...status, ...patch };
      statusListeners.emit(status);
    },
    setRejected(list) {
      rejected = list;
      rejectedListeners.emit(rejected);
    },
    listeners: () => ({ sync: statusListeners.size, rejected: rejectedListeners.size }),
  };
  const sync: SyncApi = {
    get status() {
      return status;
    },
    getSnapshot: () => status,
    subscribe: (listener) => statusListeners.add(listener),
    async now() {
      fake.calls.push(['now']);
      const error = fake.failNow;
      fake.failNow = undefined;
      if (error) throw error;
      return status;
    },
    pause() {
      fake.calls.push(['pause']);
      fake.setStatus({ state: 'paused' });
    },
    resume() {
      fake.calls.push(['resume']);
      fake.setStatus({ state: 'idle' });
    },
  };
  Object.defineProperty(runtime, 'sync', { value: sync });
  Object.assign(runtime, {
    rejected: async () => rejected,
    subscribeRejected: (listener: (list: readonly RejectedCommand[]) => void) => {
      const off = rejectedListeners.add(listener);
      listener(rejected);
      return off;
    },
    retryRejected: async (commandId: string) => {
      fake.calls.push(['retryRejected', commandId]);
      const error = fake.failRetry;
      fake.failRetry = undefined;
      if (error) throw error;
      fake.setRejected(rejected.filter((r) => r.entry.commandId !== commandId));
    },
    discardRejected: async (commandIds?: readonly string[]) => {
      fake.calls.push(['discardRejected', commandIds]);
      fake.setRejected(commandIds ? rejected.filter((r) => !commandIds.includes(r.entry.commandId)) : []);
    },
  });
  return fake;
}
