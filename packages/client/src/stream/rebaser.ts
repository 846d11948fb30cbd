import {
  type AnyAggregate,
  type ConfirmOutcome,
  type Envelope,
  foldDetailed,
  type LocalEventStore,
  type OutboxEntry,
  type PositionedEnvelope,
  type RebaseStep,
  type SerializedError,
} from '@tidelog/core';
import type { Mailbox } from '../mailbox.js';
import type { SyncCursor } from '../sync/host.js';
import type { TidelogWarning } from '../types.js';
import type { WorkTracker } from '../work-tracker.js';
import { rebase } from './rebase.js';
import type { StreamStates } from './stream-states.js';

export interface RebaserHost {
  store: LocalEventStore;
  clientId: string;
  aggregates: ReadonlyMap<string, AnyAggregate>;
  mailbox: Mailbox;
  /** The states of the streams a rebase touches: refreshed, or shown the page's events. */
  states: StreamStates;
  work: WorkTracker;
  /** Streams inside a rebase now, held by the rebaser: store notifications about them wait for its refresh. */
  rebasing: Set<string>;
  now(): string;
  warn(warning: TidelogWarning): void;
  /** What reads the confirmed log (projections, process managers) reads what changed. */
  catchUp(): Promise<void>;
}

/**
 * The runtime's side of the confirmed log. Drives the pure `rebase` for every way the
 * confirmed state of a stream moves: a pulled page (`confirm`), a server's refusal
 * (`reject`), a reset of the server's log, and a rebase left unfinished (`resume`). Each
 * runs inside the mailbox of the streams it touches, so no command decides on a state
 * being replaced, writes its result in one store transaction and brings the states of
 * those streams up to date; then projections and process managers catch up, in the
 * background. A rebase that cannot finish (a storage error, an aggregate this version of
 * the app lacks) leaves its commands stored, displaced, for `resume`. All of it is
 * counted by the runtime's `WorkTracker`, so `settled()` waits for it.
 *
 * @example
 * const rebaser = new Rebaser({ store, clientId, aggregates, mailbox, states, work, rebasing, now, warn, catchUp });
 * rebaser.resume();
 * await rebaser.confirm(page.events, { cursor: 42, serverId });
 */
export class Rebaser {
  constructor(private readonly host: RebaserHost) {}

  /**
   * Store a page of confirmed events with the cursor (see `SyncHost.confirm`), and the
   * rebase of every stream with commands it touches, in one transaction; resolves once it
   * is stored. An empty page also decides again the commands a reset left displaced (the
   * new log has been pulled to its head).
   */
  confirm(events: readonly PositionedEnvelope[], sync?: SyncCursor): Promise<void> {
    return this.#track(this.#confirm(events, sync));
  }

  /** The server refused these commands (see `SyncHost.reject`): reject them with `error`, decide the rest of their streams again. */
  reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    return this.#track(this.#reject(commandIds, error));
  }

  /**
   * The server's log was reset (see `SyncHost.resetConfirmed`): forget confirmed data, keep
   * every command displaced until the new log is pulled. The caller rebuilds projections.
   */
  resetConfirmed(): Promise<void> {
    return this.host.work.track(this.#reset());
  }

  /**
   * Finish the rebases the last session did not (commands displaced by confirmed events):
   * posted to their streams' mailboxes at once (before the runtime is handed out, so no
   * command decides before them).
   */
  resume(): void {
    void this.#track(this.#retryDisplaced((o) => o.displaced === 'rebase')).catch((error: unknown) =>
      this.host.warn({ code: 'REBASE_DEFERRED', message: `resuming a rebase failed: ${String(error)}` }),
    );
  }

  /** Confirmed state or pending events moved (here, or by a rejected command run again): catch up, in the background. */
  rebased(): void {
    void this.host.work.track(this.host.catchUp());
  }

  /** Wait for a rebase (counted as work), then catch up in the background. */
  async #track(task: Promise<void>): Promise<void> {
    await this.host.work.track(task);
    this.rebased();
  }

  async #confirm(events: readonly PositionedEnvelope[], sync?: SyncCursor): Promise<void> {
    const { store, states } = this.host;
    // Each stream's incoming events, by version.
    const pages = byStream([...events].sort((a, b) => a.version - b.version));
    const touched = [...pages.keys()];
    let outbox: OutboxEntry[] = [];
    let displaced = false;
    // Posted at once (no await before it): a command issued after this call waits for the page.
    await this.#holding(touched, async () => {
      // Shown now, while the page is written, where it follows the cached states on
      // exactly: there, no event is pending on this device (a pending one would take the
      // page's first version). Displaced commands are not shown before their rebase either.
      const shown = [...pages].filter(([s, page]) => states.preview(s, page)).map(([s]) => s);
      outbox = await store.readOutbox();
      const steps: RebaseStep[] = [];
      for (const [streamId, entries] of byStream(outbox)) {
        const incoming = pages.get(streamId);
        if (!incoming) continue;
        // The usual page: only this device's own events come back. They confirm by id in the
        // store; nothing to decide, nothing to read.
        if (isOwnOnly(entries, incoming)) continue;
        try {
          const step = await this.#plan(streamId, entries, incoming);
          if (step) steps.push(step);
        } catch (error) {
          // Storage or closing: the page is stored all the same and the commands stay
          // displaced; they are decided again after the next page, or at the next start.
          this.#deferred(streamId, error);
        }
      }
      let outcome: ConfirmOutcome;
      try {
        outcome = await store.applyConfirmed(events, { ...(sync && { sync }), rebase: steps });
      } catch (error) {
        // Not stored: show what is. The page comes again with the next pull.
        await this.#refresh(shown);
        throw error;
      }
      // A stream rebased or displaced is read again; on the others the page only confirmed
      // this device's events or added events after them: folded onto the cached state.
      const moved = new Set([...steps, ...outcome.displaced].map((x) => x.streamId));
      displaced = outcome.displaced.length > 0;
      await this.#refresh(touched.filter((s) => moved.has(s)));
      for (const s of moved) pages.delete(s);
      for (const s of shown) pages.delete(s);
      // Their pending events stand: the page's events (this device's own, foreign ones
      // after them) are folded onto their states, without reading the streams again.
      await this.#each(pages.keys(), (streamId) => states.confirmed(streamId, pages.get(streamId)!));
    });
    // Rebases deferred earlier are tried again; after a reset, an empty page (the head
    // reached) decides the commands of streams no page touched. With nothing displaced
    // before or by this page, there is nothing to look for.
    if (!displaced && !outbox.some((o) => o.displaced !== undefined)) return;
    await this.#retryDisplaced(
      (o) => o.displaced === 'rebase' || (o.displaced === 'reset' && events.length === 0),
    );
  }

  async #reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    const ids = new Set(commandIds);
    const refused = new Map([...ids].map((id) => [id, error]));
    const streams = await this.#streamsWith((o) => ids.has(o.commandId));
    await Promise.all([...streams].map((s) => this.#rebaseStream(s, refused)));
  }

  async #reset(): Promise<void> {
    const { store, states } = this.host;
    // A stream both cached and with commands comes twice: `runAll` and `#refresh` take it once.
    const all = [...states.streams(), ...(await this.#streamsWith(() => true))];
    await this.#holding(all, async () => {
      await store.resetConfirmed();
      await this.#refresh(all);
    });
  }

  /**
   * Decide again the commands of every stream with an outbox command that passes `test`.
   * A rebase that fails again only waits longer (a warning): its commands stay displaced.
   */
  async #retryDisplaced(test: (entry: OutboxEntry) => boolean): Promise<void> {
    const waiting = await this.#streamsWith(test);
    await Promise.all(
      [...waiting].map((s) => this.#rebaseStream(s).catch((error: unknown) => this.#deferred(s, error))),
    );
  }

  /** Streams with a command in the outbox that passes `test`. */
  async #streamsWith(test: (entry: OutboxEntry) => boolean): Promise<Set<string>> {
    return new Set((await this.host.store.readOutbox()).filter(test).map((o) => o.streamId));
  }

  #deferred(streamId: string, error: unknown): void {
    this.host.warn({
      code: 'REBASE_DEFERRED',
      message: `rebase of "${streamId}" deferred: ${String(error)}`,
    });
  }

  #rebaseStream(streamId: string, refused?: ReadonlyMap<string, SerializedError>): Promise<void> {
    return this.#holding([streamId], async () => {
      const entries = (await this.host.store.readOutbox()).filter((o) => o.streamId === streamId);
      const step = await this.#plan(streamId, entries, [], refused);
      if (!step) return;
      await this.host.store.rebase([step]);
      await this.#refresh([streamId]);
    });
  }

  /** The rebase step of one stream, or undefined when its pending events stand (or it must wait). */
  async #plan(
    streamId: string,
    entries: readonly OutboxEntry[],
    incoming: readonly Envelope[],
    refused?: ReadonlyMap<string, SerializedError>,
  ): Promise<RebaseStep | undefined> {
    const type = entries[0]?.aggregateType;
    if (type === undefined) return undefined;
    const aggregate = this.host.aggregates.get(type);
    if (!aggregate) {
      // Left displaced, not rejected: a version of the app that knows the aggregate decides it.
      this.host.warn({
        code: 'REBASE_UNKNOWN_AGGREGATE',
        message: `pending commands of stream "${streamId}" wait: the runtime has no aggregate "${type}"`,
      });
      return undefined;
    }
    const stored = await this.host.store.readStream(streamId);
    const confirmedEvents = stored.filter((e) => e.position !== undefined);
    // Each command with its pending events, in stream order (one pass, not one per command).
    const pending = entries.map((entry) => ({ entry, events: [] as Envelope[] }));
    const owner = new Map(pending.flatMap((p) => p.entry.eventIds.map((id) => [id, p.events] as const)));
    for (const e of stored) if (e.position === undefined) owner.get(e.id)?.push(e);
    const result = await rebase({
      aggregate,
      streamId,
      clientId: this.host.clientId,
      confirmed: foldDetailed(aggregate, aggregate.initialState, confirmedEvents),
      pending,
      incoming,
      refused,
      now: this.host.now(),
    });
    return result.step ?? undefined;
  }

  /** Read again the states of streams whose state a rebase changed (inside their mailboxes). */
  #refresh(streams: readonly string[]): Promise<void> {
    return this.#each(new Set(streams), (streamId) => this.host.states.refresh(streamId));
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

  /**
   * Run `task` inside the mailboxes of these streams (after what was posted to them before,
   * before what is posted after), holding them in `rebasing` meanwhile.
   */
  #holding<T>(streams: readonly string[], task: () => Promise<T>): Promise<T> {
    return this.host.mailbox.runAll(streams, async () => {
      for (const s of streams) this.host.rebasing.add(s);
      try {
        return await task();
      } finally {
        for (const s of streams) this.host.rebasing.delete(s);
      }
    });
  }
}

/** True when every incoming event is one of these commands' own and none waits displaced. */
function isOwnOnly(entries: readonly OutboxEntry[], incoming: readonly Envelope[]): boolean {
  if (entries.some((e) => e.displaced !== undefined)) return false;
  const own = new Set(entries.flatMap((e) => e.eventIds));
  return incoming.every((e) => own.has(e.id));
}

/**
 * Items (outbox entries, events) grouped by stream, each group in the given order.
 *
 * @example
 * for (const [streamId, events] of byStream(batch)) fold(streamId, events);
 */
export function byStream<T extends { streamId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const entry of items) {
    const list = groups.get(entry.streamId);
    if (list) list.push(entry);
    else groups.set(entry.streamId, [entry]);
  }
  return groups;
}
