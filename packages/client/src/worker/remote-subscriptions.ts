import type { RejectedCommand } from '@tidelog/core';
import { Listeners } from '../listeners.js';
import type { SyncStatus } from '../sync/host.js';
import type { AggregateSnapshot, DeadLetter, ProjectionSnapshot, Unsubscribe } from '../types.js';
import type { Push, Target } from './targets.js';

export type AnySnapshot = AggregateSnapshot<unknown> | ProjectionSnapshot<unknown>;
export type RejectedList = readonly RejectedCommand[];
/** What a subscription's listeners are given. */
export type Pushed = AnySnapshot | DeadLetter | SyncStatus | RejectedList;

interface KeyState {
  subId: number;
  target: Target;
  listeners: Listeners<Pushed>;
  /**
   * The last value pushed, handed to a listener that joins later: a state (streams,
   * projections) or the rejected list. Dead letters and sync statuses are not kept here.
   */
  last?: AnySnapshot | RejectedList;
}

/** How the page's subscriptions reach the runtime's session. */
export interface SubscriptionRemote {
  subscribe(subId: number, target: Target): void;
  unsubscribe(subId: number): void;
}

/** Newer states have higher revisions, even when a rebase took the version down. */
const revisionOf = (s: AnySnapshot | RejectedList | undefined) => (s && 'version' in s ? s.revision : -1);

/**
 * A page's subscriptions to its runtime: one remote subscription per key (a stream, a
 * projection, the dead-letter feed, the rejected list, the sync status), fanned out to
 * local listeners and released when the last one leaves. Keeps the last state pushed, so
 * that `getSnapshot` is synchronous and a listener joining later starts with it.
 *
 * @example
 * const subs = new RemoteSubscriptions({ subscribe: send, unsubscribe: release });
 * const off = subs.add('["projection","totals"]', { kind: 'projection', name: 'totals' }, render);
 */
export class RemoteSubscriptions {
  readonly #keys = new Map<string, KeyState>();
  readonly #bySub = new Map<number, KeyState>();
  #nextSub = 1;

  constructor(private readonly remote: SubscriptionRemote) {}

  /** Listen to `target` under the key `id`; the first listener of a key subscribes remotely. */
  add(id: string, target: Target, listener: (value: Pushed) => void): Unsubscribe {
    let key = this.#keys.get(id);
    if (!key) {
      const created: KeyState = { subId: this.#nextSub++, target, listeners: new Listeners() };
      key = created;
      this.#keys.set(id, created);
      this.#bySub.set(created.subId, created);
      this.remote.subscribe(created.subId, target);
    } else if (key.last) {
      const current = key.last;
      queueMicrotask(() => listener(current));
    }
    const state = key;
    const off = state.listeners.add(listener);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      off();
      if (state.listeners.size > 0 || this.#keys.get(id) !== state) return;
      this.#keys.delete(id);
      this.#bySub.delete(state.subId);
      this.remote.unsubscribe(state.subId);
    };
  }

  /** Every live subscription, to make again on a new session. */
  all(): { subId: number; target: Target }[] {
    return [...this.#keys.values()].map(({ subId, target }) => ({ subId, target }));
  }

  /** The last state pushed under `id`, if the page subscribes to it. */
  last(id: string): AnySnapshot | RejectedList | undefined {
    return this.#keys.get(id)?.last;
  }

  /** A state the page learnt from a call's answer (an `execute`): shown at once when newer. */
  offer(id: string, snapshot: AnySnapshot): void {
    const key = this.#keys.get(id);
    if (!key || revisionOf(snapshot) <= revisionOf(key.last)) return;
    key.last = snapshot;
    key.listeners.emit(snapshot);
  }

  /** A push from the runtime. */
  receive(message: Push): void {
    // A push for a subscription the page has dropped meanwhile is dropped too.
    const key = this.#bySub.get(message.subId);
    if (!key) return;
    if ('deadLetter' in message || 'syncStatus' in message) {
      key.listeners.emit('deadLetter' in message ? message.deadLetter : message.syncStatus);
      return;
    }
    const value = 'rejected' in message ? message.rejected : message.snapshot;
    // An older state than the one an `execute` result already showed.
    if (revisionOf(value) < revisionOf(key.last)) return;
    key.last = value;
    key.listeners.emit(value);
  }

  clear(): void {
    this.#keys.clear();
    this.#bySub.clear();
  }
}
