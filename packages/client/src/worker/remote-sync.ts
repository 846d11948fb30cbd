import { Listeners } from '../listeners.js';
import type { SyncApi, SyncStatus } from '../sync/host.js';
import type { Unsubscribe } from '../types.js';

/** What `RemoteSync` needs from the page's client: calls to the runtime and its status feed. */
export interface SyncPort {
  /** Hold one remote subscription to the runtime's sync status; returns its release. */
  watch(onStatus: (status: SyncStatus) => void): Unsubscribe;
  now(): Promise<SyncStatus>;
  pause(): Promise<SyncStatus>;
  resume(): Promise<SyncStatus>;
  /** Throw (`ClosedError`, `WorkerLostError`) when no call can go through any more. */
  assertOpen(): void;
}

/** A status as a comparable string: a push that changes nothing is not announced. */
const sameStatus = (a: SyncStatus, b: SyncStatus) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `client.sync` in a page: the runtime's sync loop seen through the bridge. `status` and
 * `getSnapshot()` are synchronous, from the last status the runtime sent (at connect, in
 * the answer of `now`/`pause`/`resume`, and pushed while this page has listeners, over one
 * remote subscription).
 *
 * @example
 * const off = client.sync.subscribe((status) => render(status.state));
 * await client.sync.now();
 */
export class RemoteSync implements SyncApi {
  readonly #listeners = new Listeners<SyncStatus>();
  #status: SyncStatus;
  #unwatch: Unsubscribe | undefined;

  constructor(
    private readonly port: SyncPort,
    initial: SyncStatus,
  ) {
    this.#status = initial;
  }

  get status(): SyncStatus {
    return this.#status;
  }

  getSnapshot(): SyncStatus {
    return this.#status;
  }

  subscribe(listener: (status: SyncStatus) => void): Unsubscribe {
    this.port.assertOpen();
    const off = this.#listeners.add(listener);
    this.#unwatch ??= this.port.watch((status) => this.receive(status));
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      off();
      if (this.#listeners.size > 0) return;
      this.#unwatch?.();
      this.#unwatch = undefined;
    };
  }

  now(): Promise<SyncStatus> {
    return this.port.now().then((status) => {
      this.#answered(status);
      return status;
    });
  }

  pause(): void {
    this.port.assertOpen();
    this.port.pause().then((status) => this.#answered(status), reportError);
  }

  resume(): void {
    this.port.assertOpen();
    this.port.resume().then((status) => this.#answered(status), reportError);
  }

  /**
   * A status in a call's answer. Pushes travel on a channel of their own, so an answer may
   * overtake a push sent before it: while pushes come, they alone move the status.
   */
  #answered(status: SyncStatus): void {
    if (!this.#unwatch) this.receive(status);
  }

  /** A status from the runtime (or the page's own, when the worker is lost): keep it, announce a change. */
  receive(status: SyncStatus): void {
    if (sameStatus(status, this.#status)) return;
    this.#status = status;
    this.#listeners.emit(status);
  }

  /** Forget every listener and the remote subscription (the client is closed). */
  clear(): void {
    this.#listeners.clear();
    this.#unwatch = undefined;
  }
}

function reportError(error: unknown): void {
  console.error('tidelog: sync call failed', error);
}
