import type { AnyAggregate, LocalEventStore, PositionedEnvelope, SerializedError } from '@tidelog/core';
import type { Mailbox } from '../mailbox.js';
import type { SyncCursor } from '../sync/host.js';
import type { TidelogWarning } from '../types.js';
import type { WorkTracker } from '../work-tracker.js';
import { Rebaser } from './rebaser.js';
import type { StreamStates } from './stream-states.js';

export interface ConfirmationsHost {
  store: LocalEventStore;
  clientId: string;
  aggregates: ReadonlyMap<string, AnyAggregate>;
  mailbox: Mailbox;
  states: StreamStates;
  work: WorkTracker;
  now(): string;
  warn(warning: TidelogWarning): void;
  /** What reads the confirmed log (projections, process managers) reads what changed. */
  catchUp(): Promise<void>;
}

/**
 * The runtime's side of the confirmed log: every way the confirmed state of streams moves
 * (a pulled page, the server's refusal, a reset of its log, a rebase the last session left
 * unfinished) goes through the `Rebaser`, which refreshes the states of the streams it
 * touched; then projections and process managers catch up, in the background. All of it
 * is counted by the runtime's `WorkTracker`, so `settled()` waits for it.
 *
 * @example
 * const confirmations = new Confirmations({ store, clientId, aggregates, mailbox, states, work, now, warn, catchUp });
 * confirmations.resume();
 * await confirmations.confirm(page.events, { cursor: 42, serverId });
 */
export class Confirmations {
  readonly #rebaser: Rebaser;

  constructor(private readonly host: ConfirmationsHost) {
    const { states } = host;
    this.#rebaser = new Rebaser({
      ...host,
      // Inside the mailboxes of the streams: refresh those a rebase touched, fold a page's
      // confirmed events onto those it did not rebase.
      refresh: (streams) => this.#each(new Set(streams), (streamId) => states.refresh(streamId)),
      confirmed: (pages) =>
        this.#each(pages.keys(), (streamId) => states.confirmed(streamId, pages.get(streamId)!)),
      preview: (streamId, events) => states.preview(streamId, events),
    });
  }

  /** Streams inside a rebase now: the rebase refreshes them itself. */
  get busy(): ReadonlySet<string> {
    return this.#rebaser.busy;
  }

  /**
   * Finish the rebases the last session did not: posted to their streams' mailboxes at
   * once (before the runtime is handed out, so no command decides before them).
   */
  resume(): void {
    const resumed = this.#rebaser.resume();
    void this.host.work
      .track(resumed.then(() => this.host.catchUp()))
      .catch((error: unknown) =>
        this.host.warn({ code: 'REBASE_DEFERRED', message: `resuming a rebase failed: ${String(error)}` }),
      );
  }

  /** Store a pulled page (see `SyncHost.confirm`); resolves once it is stored. */
  confirm(events: readonly PositionedEnvelope[], sync?: SyncCursor): Promise<void> {
    return this.#track(this.#rebaser.confirm(events, sync));
  }

  /** The server refused these commands (see `SyncHost.reject`). */
  reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    return this.#track(this.#rebaser.reject(commandIds, error));
  }

  /** The server's log was reset (see `SyncHost.resetConfirmed`); the caller rebuilds projections. */
  resetConfirmed(): Promise<void> {
    return this.host.work.track(this.#rebaser.resetConfirmed(this.host.states.streams()));
  }

  /** Confirmed state or pending events moved (here, or by a rejected command run again): catch up, in the background. */
  rebased(): void {
    void this.host.work.track(this.host.catchUp());
  }

  /** Wait for a rebase (counted as work), then catch up in the background. */
  async #track(rebase: Promise<void>): Promise<void> {
    await this.host.work.track(rebase);
    this.rebased();
  }

  /** Bring each stream's states up to date, one after another; a failure is a warning. */
  async #each(streams: Iterable<string>, update: (streamId: string) => Promise<void>): Promise<void> {
    for (const streamId of streams) {
      try {
        await update(streamId);
      } catch (error) {
        // What was written stays written: the state is read again on its next use.
        this.host.warn({
          code: 'REFRESH_FAILED',
          message: `could not read "${streamId}" again: ${String(error)}`,
        });
      }
    }
  }
}
