import { ClosedError, type SerializedError } from '@tidelog/core';
import { LeaseLostError } from './errors.js';
import type { CommitAction, ConsumerCheckpoint, ConsumerStore, DeadLetter, ParkedBatch } from './types.js';

interface Lease {
  owner: string;
  fence: number;
  expiresAt: number;
}

/** Options of `createMemoryConsumerStore`. */
export interface MemoryConsumerStoreOptions {
  /** The clock leases expire by (default `Date.now`); tests move it by hand. */
  now?: () => number;
}

/**
 * Offsets, leases and dead letters held in memory, for tests and for consumers of a memory
 * server store. There is no transaction to share, so handlers run at least once only.
 *
 * @example
 * const consumers = createMemoryConsumerStore();
 * const consumer = runConsumer({ events: store, consumers, name: 'mailer', spaces: ['team-1'], handle });
 */
export function createMemoryConsumerStore(options: MemoryConsumerStoreOptions = {}): ConsumerStore {
  const now = options.now ?? Date.now;
  const leases = new Map<string, Lease>();
  const offsets = new Map<string, Map<string, ConsumerCheckpoint>>();
  const letters = new Map<number, DeadLetter>();
  let nextLetter = 1;
  let closed = false;

  const open = () => {
    if (closed) throw new ClosedError('memory consumer store is closed');
  };
  /** Throw unless `fence` holds an unexpired lease of `name`. */
  const hold = (name: string, fence: number) => {
    const lease = leases.get(name);
    if (!lease || lease.fence !== fence || lease.expiresAt <= now()) throw new LeaseLostError(name, fence);
  };
  const setOffset = (name: string, space: string, checkpoint: ConsumerCheckpoint) => {
    const byName = offsets.get(name) ?? new Map<string, ConsumerCheckpoint>();
    offsets.set(name, byName);
    byName.set(space, checkpoint);
  };

  return {
    kind: 'memory',
    async acquire(name, owner, ttlMs) {
      open();
      const lease = leases.get(name);
      if (lease && lease.owner !== owner && lease.expiresAt > now()) return undefined;
      const fence = (lease?.fence ?? 0) + 1;
      leases.set(name, { owner, fence, expiresAt: now() + ttlMs });
      return fence;
    },
    async renew(name, fence, ttlMs) {
      open();
      const lease = leases.get(name);
      if (!lease || lease.fence !== fence || lease.expiresAt <= now()) return false;
      lease.expiresAt = now() + ttlMs;
      return true;
    },
    async release(name, fence) {
      open();
      const lease = leases.get(name);
      if (lease?.fence === fence) lease.expiresAt = 0;
    },
    async checkpoints(name) {
      open();
      return new Map(offsets.get(name));
    },
    async commit(name: string, fence: number, action: CommitAction, work?: (tx: never) => unknown) {
      open();
      hold(name, fence);
      if (work) await work(undefined as never);
      hold(name, fence); // the handler may have outlived the lease
      if (action.kind === 'offset') {
        const checkpoint: ConsumerCheckpoint = { position: action.position };
        if (action.state) {
          checkpoint.state = structuredClone(action.state.value);
          checkpoint.stateVersion = action.state.version;
        }
        setOffset(name, action.space, checkpoint);
      } else letters.delete(action.deadLetterId);
    },
    async park(name, fence, batch: ParkedBatch) {
      open();
      hold(name, fence);
      const letter: DeadLetter = {
        id: nextLetter++,
        consumer: name,
        ...batch,
        parkedAt: new Date(now()).toISOString(),
        retryRequested: false,
      };
      letters.set(letter.id, letter);
      const previous = offsets.get(name)?.get(batch.space);
      setOffset(name, batch.space, { ...previous, position: batch.toPosition });
      return { ...letter };
    },
    async failAgain(name, fence, id, error: SerializedError) {
      open();
      hold(name, fence);
      const letter = letters.get(id);
      if (!letter) return;
      letter.attempts++;
      letter.error = error;
      letter.parkedAt = new Date(now()).toISOString();
      letter.retryRequested = false;
    },
    async deadLetters(name) {
      open();
      return [...letters.values()]
        .filter((l) => name === undefined || l.consumer === name)
        .map((l) => ({ ...l }));
    },
    async requestRetry(id) {
      open();
      const letter = letters.get(id);
      if (!letter) return false;
      letter.retryRequested = true;
      return true;
    },
    async close() {
      closed = true;
    },
  };
}
