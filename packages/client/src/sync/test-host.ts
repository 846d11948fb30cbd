import {
  type JsonObject,
  type LocalChange,
  MemoryEventStore,
  type OutboxEntry,
  type PositionedEnvelope,
  type SerializedError,
  uuidv7,
} from '@tidelog/core';
import { Listeners } from '../listeners.js';
import type { Unsubscribe } from '../types.js';
import type { SyncCursor, SyncHost } from './host.js';

/**
 * A `SyncHost` for the loop's own tests, on a `MemoryEventStore`: it records what the loop
 * hands it and does no rebase (displaced commands are only counted). The real host is the
 * runtime's.
 */
export class TestHost implements SyncHost {
  readonly store: MemoryEventStore;
  readonly pages: { events: readonly PositionedEnvelope[]; sync: SyncCursor }[] = [];
  readonly rejections: { commandIds: readonly string[]; error: SerializedError }[] = [];
  readonly displaced: OutboxEntry[] = [];
  resets = 0;
  readonly #changes = new Listeners<LocalChange | undefined>();

  constructor(readonly clientId = uuidv7()) {
    this.store = new MemoryEventStore({ clientId });
  }

  /** Make a pending command of `count` events on `streamId`, as the runtime's `execute` does. */
  async command(streamId: string, count = 1, data: JsonObject = {}): Promise<OutboxEntry> {
    const pending = await this.store.readPending({ streamId });
    const confirmed = await this.store.readStream(streamId);
    const entry: OutboxEntry = {
      commandId: uuidv7(),
      aggregateType: 'test',
      streamId,
      command: 'add',
      payload: null,
      baseVersion: confirmed.length + pending.length,
      eventIds: [],
      timestamp: new Date().toISOString(),
      metadata: {},
    };
    const events = Array.from({ length: count }, (_, i) => ({ type: 'Added', data: { ...data, i } }));
    // Passed on as the runtime does: the loop may push it without reading the outbox.
    let change: LocalChange | undefined;
    const off = this.store.subscribeLocal((c) => {
      change = c;
    });
    const result = await this.store.appendPending(streamId, events, { command: entry });
    off();
    this.#changes.emit(change);
    return { ...entry, eventIds: result.events.map((e) => e.id) };
  }

  async confirm(events: readonly PositionedEnvelope[], sync: SyncCursor): Promise<void> {
    let change: LocalChange | undefined;
    const off = this.store.subscribeLocal((c) => {
      change = c;
    });
    const outcome = await this.store.applyConfirmed(events, { sync });
    off();
    this.displaced.push(...outcome.displaced);
    // Displaced by this page or by a reset before it: decided again now.
    const waiting = (await this.store.readOutbox()).filter((e) => e.displaced !== undefined);
    if (waiting.length > 0) await this.#rebase(waiting);
    this.pages.push({ events, sync });
    if (outcome.confirmed.length > 0 || outcome.displaced.length > 0)
      this.#changes.emit(waiting.length > 0 ? undefined : change);
  }

  /** Decide displaced commands again as the same number of `Added` events (no rules here). */
  async #rebase(displaced: readonly OutboxEntry[]): Promise<void> {
    const byStream = new Map<string, OutboxEntry[]>();
    for (const entry of displaced)
      byStream.set(entry.streamId, [...(byStream.get(entry.streamId) ?? []), entry]);
    // A command whose events came back confirmed (pushed before a reset was noticed) is done.
    const done = new Set<string>();
    for (const entry of displaced) {
      const first = entry.eventIds[0];
      if (first !== undefined && (await this.store.getEvent(first))?.position !== undefined)
        done.add(entry.commandId);
    }
    await this.store.rebase(
      [...byStream].map(([streamId, entries]) => ({
        streamId,
        replaces: entries.map((e) => e.commandId),
        append: entries
          .filter((e) => !done.has(e.commandId))
          .map((command) => ({
            command,
            events: command.eventIds.map((id, i) => ({ id, type: 'Added', data: { i } })),
          })),
        rejected: [],
      })),
    );
    this.#changes.emit(undefined);
  }

  async reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    this.rejections.push({ commandIds, error });
    const outbox = await this.store.readOutbox();
    const entries = outbox.filter((e) => commandIds.includes(e.commandId));
    // Tests give a refused command a stream of its own: dropping the stream's pending drops it alone.
    for (const entry of entries) await this.store.takePending(entry.streamId);
    await this.store.addRejected(
      entries.map((entry) => ({ entry, error, rejectedAt: new Date().toISOString() })),
    );
    this.#changes.emit(undefined);
  }

  async resetConfirmed(): Promise<void> {
    this.resets++;
    await this.store.resetConfirmed();
  }

  onLocalChange(listener: (change?: LocalChange) => void): Unsubscribe {
    return this.#changes.add(listener);
  }

  async counts(): Promise<{ pending: number; rejected: number }> {
    const [outbox, rejected] = await Promise.all([this.store.readOutbox(), this.store.readRejected()]);
    return { pending: outbox.length, rejected: rejected.length };
  }
}
