import type { TimerHandle, Timers } from '../timers.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import type { Confirmer } from './confirmer.js';
import { SyncUnreachableError } from './errors.js';
import type { SyncHttp } from './http.js';
import { followLive } from './live.js';

/**
 * The server sends a heartbeat at least every 15 s; three missed in a row mean a connection
 * that died without a word (a sleeping laptop, a NAT that forgot it): open a new one.
 */
export const LIVE_SILENCE_MS = 45_000;

/** What the follower needs from the loop. */
export interface LiveHooks {
  http: SyncHttp;
  timers: Timers;
  random: () => number;
  backoff: BackoffOptions;
  /** The stream opened or closed: the loop's state changes. */
  changed(): void;
  /** A message's events are stored. */
  stored(): void;
  /**
   * The stream ended on its own (`error` says why, if it broke). The loop catches up by a
   * pull, which also checks the server's id, and calls `start` again.
   */
  ended(error: unknown): void;
  /** A reconnect wait is over: the loop should call `start` again. */
  due(): void;
}

/** One open (or opening) stream. */
interface Session {
  controller: AbortController;
  /** When the server answered 200: the stream is open. */
  openedAt?: number;
  /** A message's events were stored. */
  delivered?: boolean;
  /** Fires when nothing, not even a heartbeat, came for `LIVE_SILENCE_MS`. */
  watchdog?: TimerHandle;
  /** The watchdog fired. */
  silent?: boolean;
}

/**
 * The live side of the loop: at most one stream at a time, a watchdog for silent ones,
 * and when a stream keeps failing empty-handed, backoff before the next (a stream that
 * carried events, or stayed up a long while, was healthy: the next opens at once).
 *
 * @example
 * const live = new LiveFollower(hooks);
 * live.start(confirmer, serverId);
 * live.stop();
 */
export class LiveFollower {
  #session: Session | undefined;
  #failures = 0;
  #retryAt = 0;
  #timer: TimerHandle | undefined;
  /** Settles when the last stream has wound down. */
  done: Promise<void> = Promise.resolve();

  readonly #hooks: LiveHooks;

  constructor(hooks: LiveHooks) {
    this.#hooks = hooks;
  }

  /** Whether a stream is open now. */
  get open(): boolean {
    return this.#session?.openedAt !== undefined;
  }

  /** Open a stream after the stored cursor, unless one is open or a reconnect wait runs. */
  start(confirmer: Confirmer, serverId: string): void {
    if (this.#session) return;
    const { timers } = this.#hooks;
    const wait = this.#retryAt - timers.now();
    if (wait > 0) {
      this.#timer ??= timers.setTimeout(() => {
        this.#timer = undefined;
        this.#hooks.due();
      }, wait);
      return;
    }
    const session: Session = { controller: new AbortController() };
    const watch = () => {
      this.#clearWatchdog(session);
      session.watchdog = timers.setTimeout(() => {
        session.silent = true;
        session.controller.abort();
      }, LIVE_SILENCE_MS);
    };
    this.#session = session;
    this.done = followLive({
      http: this.#hooks.http,
      confirmer,
      serverId,
      signal: session.controller.signal,
      opened: () => {
        session.openedAt = timers.now();
        watch();
        this.#hooks.changed();
      },
      active: () => {
        if (!session.controller.signal.aborted) watch();
      },
      stored: () => {
        session.delivered = true;
        this.#hooks.stored();
      },
    }).then(
      () => this.#ended(session, undefined),
      (error: unknown) => this.#ended(session, error),
    );
  }

  /** Close the stream and cancel a reconnect wait (pause, offline, a halt, close). */
  stop(): void {
    const session = this.#session;
    this.#session = undefined;
    if (session) {
      this.#clearWatchdog(session);
      session.controller.abort();
    }
    if (this.#timer !== undefined) this.#hooks.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Forget past failures: the next stream opens at once (resume, back online). */
  forgive(): void {
    this.#failures = 0;
    this.#retryAt = 0;
  }

  #ended(session: Session, error: unknown): void {
    this.#clearWatchdog(session);
    if (this.#session === session) this.#session = undefined;
    if (session.controller.signal.aborted && !session.silent) return; // stopped on purpose
    if (session.silent) error = new SyncUnreachableError('the live stream went silent');
    const { timers, backoff } = this.#hooks;
    const { openedAt } = session;
    const healthy = session.delivered || (openedAt !== undefined && timers.now() - openedAt >= backoff.maxMs);
    if (healthy) this.#failures = 0;
    this.#retryAt = healthy ? 0 : timers.now() + backoffDelay(this.#failures++, this.#hooks.random, backoff);
    this.#hooks.changed();
    this.#hooks.ended(error);
  }

  #clearWatchdog(session: Session): void {
    if (session.watchdog !== undefined) this.#hooks.timers.clearTimeout(session.watchdog);
    session.watchdog = undefined;
  }
}
