import { ClosedError, hasErrorCode, serializeError } from '@tidelog/core';
import type { ProtocolLimits } from '@tidelog/protocol';
import type { TimerHandle, Timers } from '../timers.js';
import type { Unsubscribe } from '../types.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { Confirmer } from './confirmer.js';
import {
  ForbiddenError,
  SyncPausedError,
  SyncProtocolError,
  SyncResetError,
  SyncUnreachableError,
  UnauthorizedError,
} from './errors.js';
import { FreshOutbox } from './fresh-outbox.js';
import type { SyncHost, SyncOptions, SyncStatus } from './host.js';
import { RetryLater, SyncHttp } from './http.js';
import { LiveFollower } from './live-follower.js';
import type { NetworkWatch } from './network.js';
import { pushPending } from './push.js';
import { StatusStore } from './status.js';
import { NowWaiters, Wake } from './waiters.js';

/** What the loop is built from (`createSyncEngine` fills the defaults in). */
export interface LoopParts {
  host: SyncHost;
  options: SyncOptions;
  fetch: typeof fetch;
  timers: Timers;
  random: () => number;
  network: NetworkWatch;
  limits: ProtocolLimits;
  backoff: BackoffOptions;
}

/**
 * The sync loop (`docs/sync.md`): one task that sleeps until there is work (a local
 * change, `now()`, a retry falling due, the network coming back, the live stream ending),
 * then runs a round: push what is pending, pull to the head, (re)open the live stream.
 * Failures are sorted into those that stop the loop until the app acts (401/403: `resume`;
 * a reset server: `resume` too) and those retried with backoff.
 */
export class SyncLoop {
  readonly #status = new StatusStore();
  readonly #wake = new Wake();
  readonly #waiters = new NowWaiters();
  readonly #acknowledged = new Map<string, number>();
  readonly #fresh: FreshOutbox;
  readonly #http: SyncHttp;
  readonly #unsubscribe: Unsubscribe[];
  readonly #done: Promise<void>;
  #confirmer: Confirmer | undefined;
  #closed = false;
  #paused = false;
  #offline: boolean;
  /** What stopped the loop until `resume()`: a 401/403, or a reset server (`SyncResetError`). */
  #halt: Error | undefined;
  #resetAccepted = false;
  /** Reset done, new log not yet pulled to its head: pull, then `caughtUp`, before any push. */
  #afterReset = false;
  #token: string | undefined;
  #tokenStale = true;
  #dirtyPush = true;
  #dirtyPull = true;
  #attempt = 0;
  #failing: 'error' | 'offline' | undefined;
  #retry: { handle: TimerHandle; blocking: boolean } | undefined;
  #requests = new AbortController();
  readonly #live: LiveFollower;
  #counting: Promise<void> | undefined;
  #countAgain = false;

  readonly #parts: LoopParts;

  constructor(parts: LoopParts) {
    this.#parts = parts;
    const { options, network, host } = parts;
    this.#token = options.token;
    this.#offline = !network.online();
    this.#fresh = new FreshOutbox(() => parts.timers.now());
    this.#http = new SyncHttp({
      ...options, // url, space
      fetch: parts.fetch,
      token: () => this.#token,
      now: () => parts.timers.now(),
    });
    this.#live = new LiveFollower({
      ...parts, // timers, random, backoff
      http: this.#http,
      changed: () => this.#settle(),
      stored: () => this.#stored(0),
      ended: (error) => this.#liveEnded(error),
      due: () => this.#wake.set(),
    });
    this.#unsubscribe = [
      host.onLocalChange((change) => {
        this.#fresh.changed(change);
        this.#dirtyPush = true;
        void this.#refreshCounts();
        this.#wake.set();
      }),
      network.subscribe((online) => (online ? this.#online() : this.#goneOffline())),
    ];
    void this.#refreshCounts();
    this.#done = this.#run();
  }

  get status(): SyncStatus {
    return this.#status.get();
  }

  subscribe(listener: (status: SyncStatus) => void): Unsubscribe {
    return this.#status.subscribe(listener);
  }

  now(): Promise<SyncStatus> {
    if (this.#closed) return Promise.reject(new ClosedError('the sync loop is closed'));
    if (this.#paused) return Promise.reject(new SyncPausedError());
    if (this.#halt) return Promise.reject(this.#halt);
    if (this.#offline) return Promise.reject(new SyncUnreachableError('the device is offline'));
    const done = this.#waiters.add();
    this.#fresh.forget(); // everything pending: read the outbox (another tab may have written to it)
    this.#dirtyPush = true;
    this.#dirtyPull = true;
    this.#clearRetry(); // the app asks now: no backoff wait
    this.#wake.set();
    return done;
  }

  pause(): void {
    if (this.#closed || this.#paused) return;
    this.#paused = true;
    this.#interrupt(new SyncPausedError());
    this.#settle();
  }

  resume(): void {
    if (this.#closed) return;
    const halt = this.#halt;
    if (!this.#paused && halt === undefined) return;
    this.#paused = false;
    this.#halt = undefined;
    if (halt instanceof SyncResetError) this.#resetAccepted = true;
    else if (halt) this.#tokenStale = true; // a 401/403: ask getToken again
    this.#status.set({ lastError: undefined });
    this.#afresh();
    this.#settle();
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const off of this.#unsubscribe) off();
      this.#interrupt(new ClosedError('the sync loop is closed'));
      this.#wake.set();
    }
    await Promise.all([this.#done, this.#live.done, this.#counting]);
    this.#status.clear();
  }

  /** Abort what is in flight, stop timers and the live stream, fail the `now()` callers. */
  #interrupt(reason: unknown): void {
    this.#requests.abort();
    this.#requests = new AbortController();
    this.#live.stop();
    this.#clearRetry();
    this.#waiters.rejectAll(reason);
  }

  #online(): void {
    if (!this.#offline) return;
    this.#offline = false;
    this.#afresh();
  }

  /** Resumed or back online: forget past failures (no backoff wait) and run a full round at once. */
  #afresh(): void {
    this.#attempt = 0;
    this.#live.forgive();
    this.#failing = undefined;
    this.#clearRetry();
    this.#dirtyPush = true;
    this.#dirtyPull = true;
    this.#wake.set();
  }

  #goneOffline(): void {
    if (this.#offline || this.#closed) return;
    this.#offline = true;
    this.#interrupt(new SyncUnreachableError('the device went offline'));
    this.#settle();
  }

  /** Whether a round should run now. */
  #hasWork(): boolean {
    if (this.#closed || this.#paused || this.#halt || this.#offline) return false;
    // Waiting out a retry: only a local change (for a conflict's rebase) starts a round sooner.
    // An accepted reset needs no test of its own: resume() marks the push dirty with it, and a
    // round clears that mark only after it has carried the reset out.
    if (this.#retry) return !this.#retry.blocking && this.#dirtyPush;
    return this.#dirtyPush || this.#dirtyPull || this.#waiters.size > 0;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (!this.#hasWork()) {
        this.#ensureLive();
        this.#settle();
        await this.#wake.wait();
        continue;
      }
      const served = this.#waiters.ticket;
      const signal = this.#requests.signal;
      try {
        const clean = await this.#round(signal);
        if (this.#closed || signal.aborted) continue;
        this.#failing = undefined;
        this.#status.set({ lastError: undefined });
        if (clean) {
          this.#attempt = 0;
          this.#clearRetry();
          this.#ensureLive();
          this.#settle();
          this.#waiters.resolveUpTo(served, this.#status.get());
        } else {
          // A conflict, a rejection, displaced commands: the runtime is rebasing. Its outbox change wakes
          // the next round; the timer is there in case none comes.
          this.#scheduleRetry(backoffDelay(this.#attempt++, this.#parts.random, this.#parts.backoff), false);
        }
      } catch (error) {
        if (this.#closed || signal.aborted) continue;
        await this.#refreshCounts(); // the status a failed now() leaves behind is current
        this.#failed(error, served);
      }
    }
  }

  /** One round: push, then pull to the head. True when nothing conflicted or was refused. */
  async #round(signal: AbortSignal): Promise<boolean> {
    const { host } = this.#parts;
    this.#confirmer ??= await Confirmer.open(host);
    const confirmer = this.#confirmer;
    this.#status.set({ cursor: confirmer.cursor });
    if (this.#parts.options.getToken && (this.#tokenStale || this.#token === undefined)) {
      this.#token = await this.#parts.options.getToken();
      this.#tokenStale = false;
    }
    if (this.#resetAccepted) {
      // The app chose to follow the new server: drop the confirmed copy and start at 0;
      // pending commands wait, displaced, to be decided again on what the pull brings.
      await host.resetConfirmed();
      confirmer.forget();
      this.#fresh.forget();
      this.#acknowledged.clear();
      this.#resetAccepted = false;
      this.#status.set({ cursor: 0, head: 0 });
      this.#afterReset = true;
    }
    const wantsPull = this.#dirtyPull || this.#waiters.size > 0;
    this.#dirtyPull = false;
    if (this.#afterReset) {
      await this.#pull(signal);
      await confirmer.caughtUp();
      this.#afterReset = false;
    }
    this.#dirtyPush = false;
    const pushed = await pushPending({
      ...this.#parts, // host, limits, timers
      http: this.#http,
      signal,
      acknowledged: this.#acknowledged,
      fresh: this.#fresh,
      answered: (response) => {
        this.#checkServer(response.serverId);
        this.#status.set({ head: Math.max(response.head, this.#status.get().head) });
      },
      starting: () => this.#status.set({ state: 'pushing' }),
    });
    const clean = !pushed.rebasing;
    // With the live stream open, what was accepted comes back through it: no pull needed,
    // unless the app waits for `now()` or a conflict needs the server's events.
    if (wantsPull || !clean || (pushed.sent > 0 && !this.#live.open) || this.#dirtyPull) {
      this.#dirtyPull = false;
      await this.#pull(signal);
    }
    await this.#refreshCounts();
    return clean;
  }

  /**
   * Pull from the stored cursor to the server's head, one page at a time, each page stored
   * with its cursor in one step (`host.confirm`).
   */
  async #pull(signal: AbortSignal): Promise<void> {
    const confirmer = this.#confirmer as Confirmer;
    this.#status.set({ state: 'pulling' });
    for (;;) {
      const page = await this.#http.pull(confirmer.cursor, this.#parts.limits.maxPullLimit, signal);
      this.#checkServer(page.serverId);
      if (!(await confirmer.deliver(page.events, page.serverId))) {
        throw new SyncProtocolError(
          `the pull after position ${confirmer.cursor} skipped positions (first: ${page.events[0]?.position})`,
        );
      }
      this.#stored(page.head);
      // `hasMore` with an empty page would loop for ever: a broken server, not progress.
      if (!page.hasMore) break;
      if (page.events.length === 0) throw new SyncProtocolError('a pull page had no events but hasMore');
    }
    // Everything the server acknowledged before this pull is now stored.
    this.#acknowledged.clear();
  }

  #checkServer(serverId: string): void {
    const known = this.#confirmer?.serverId;
    if (known !== undefined && known !== serverId) throw new SyncResetError(known, serverId);
  }

  /** A page is stored: cursor, head, time; forget acknowledgements it covers. */
  #stored(head: number): void {
    const cursor = this.#confirmer?.cursor ?? 0;
    for (const [id, position] of this.#acknowledged) if (position <= cursor) this.#acknowledged.delete(id);
    this.#status.set({
      cursor,
      head: Math.max(head, cursor, this.#status.get().head),
      lastSyncedAt: new Date(this.#parts.timers.now()).toISOString(),
    });
  }

  /** A round (serving `now()` callers up to `served`) or a live stream failed. */
  #failed(error: unknown, served: number): void {
    if (hasErrorCode(error, 'CLOSED')) {
      // The runtime closed under the loop: nothing more can be stored.
      void this.close();
      return;
    }
    if (halts(error)) this.#halt = error;
    if (this.#halt) {
      // Also a round in flight (the live stream can halt while one runs): it must not go on
      // to push and then clear the error.
      this.#interrupt(error);
    } else {
      // Transient: a network failure, 5xx/429, a storage error, an odd answer. Retry.
      this.#failing =
        error instanceof SyncUnreachableError && error.status === undefined ? 'offline' : 'error';
      this.#waiters.rejectUpTo(served, error);
      this.#dirtyPush = true;
      this.#dirtyPull = true;
      // Callers of now() who came in while this round ran get a round of their own, at once.
      if (this.#waiters.size === 0) {
        const wait = backoffDelay(this.#attempt++, this.#parts.random, this.#parts.backoff);
        const asked = error instanceof RetryLater ? (error.retryAfterMs ?? 0) : 0;
        this.#scheduleRetry(Math.max(wait, Math.min(asked, this.#parts.backoff.maxMs)), true);
      }
    }
    this.#status.set({ lastError: serializeError(error) });
    this.#settle();
  }

  /** Wake the loop after `ms`; `blocking` keeps local changes from starting a round sooner. */
  #scheduleRetry(ms: number, blocking: boolean): void {
    this.#clearRetry();
    const handle = this.#parts.timers.setTimeout(() => {
      this.#retry = undefined;
      this.#dirtyPush = true;
      this.#wake.set();
    }, ms);
    this.#retry = { handle, blocking };
  }

  #clearRetry(): void {
    if (this.#retry) this.#parts.timers.clearTimeout(this.#retry.handle);
    this.#retry = undefined;
  }

  /** Open the live stream if it should be open and is not. */
  #ensureLive(): void {
    const confirmer = this.#confirmer;
    const serverId = confirmer?.serverId;
    if (this.#parts.options.live === false || this.#paused) return;
    if (this.#halt || this.#offline || this.#failing || serverId === undefined) return;
    this.#live.start(confirmer as Confirmer, serverId);
  }

  /** The live stream ended on its own: a 401/403 halts; anything else catches up by a pull. */
  #liveEnded(error: unknown): void {
    if (this.#closed) return;
    if (halts(error) || hasErrorCode(error, 'CLOSED')) {
      this.#failed(error, Number.POSITIVE_INFINITY);
      return;
    }
    if (error !== undefined) this.#status.set({ lastError: serializeError(error) });
    this.#dirtyPull = true;
    this.#wake.set();
  }

  /** The state between rounds. */
  #settle(): void {
    const state: SyncStatus['state'] = this.#paused
      ? 'paused'
      : this.#halt instanceof SyncResetError
        ? 'reset'
        : this.#halt
          ? 'error'
          : this.#offline
            ? 'offline'
            : (this.#failing ?? (this.#live.open ? 'live' : 'idle'));
    this.#status.set({ state });
  }

  /** Ask the host for the outbox and rejected counts; calls while one runs fold into one more. */
  #refreshCounts(): Promise<void> {
    this.#countAgain = true;
    this.#counting ??= (async () => {
      while (this.#countAgain && !this.#closed) {
        this.#countAgain = false;
        try {
          const counts = await this.#parts.host.counts();
          if (!this.#closed) this.#status.set(counts);
        } catch {
          // A closed or failing store: the next change or round asks again.
        }
      }
    })().finally(() => {
      this.#counting = undefined;
    });
    return this.#counting;
  }
}

/** The failures that stop the loop until the app calls `resume()`: 401/403, and a reset server. */
function halts(error: unknown): error is Error {
  return (
    error instanceof UnauthorizedError || error instanceof ForbiddenError || error instanceof SyncResetError
  );
}
