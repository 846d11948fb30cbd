import {
  checkExpectedVersion,
  matchRepeat,
  toAppendResult,
  toEnvelopes,
  validateAppend,
} from './append-rules.js';
import { confirmChange, planConfirm } from './confirm-plan.js';
import { ClosedError } from './errors.js';
import type { AppendOptions, ReadAllOptions, ReadStreamOptions, StoreListener } from './event-store.js';
import type {
  ConfirmOptions,
  ConfirmOutcome,
  DeadLetter,
  LocalChange,
  LocalEventStore,
  OutboxEntry,
  PendingAppendResult,
  ProcessCheckpoint,
  ProjectionCheckpoint,
  RebaseStep,
  RejectedCommand,
} from './local-store.js';
import type { Snapshot } from './snapshot.js';
import { StoreListeners } from './store-listeners.js';
import type {
  AppendEvent,
  AppendResult,
  Envelope,
  ExpectedVersion,
  Json,
  PositionedEnvelope,
} from './types.js';
import { uuidv7 } from './uuid.js';

/** Options of `new MemoryEventStore()`. */
export interface MemoryEventStoreOptions {
  /** Written into `meta.clientId` of events that do not carry one. Default: a new UUID. */
  clientId?: string;
}

interface StreamRecord {
  confirmed: Envelope[];
  pending: Envelope[];
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * An `EventStore` (and `LocalEventStore`) in memory: for tests, Node scripts, and the
 * runtime's fallback when IndexedDB cannot open. Values are copied in, as IndexedDB would.
 *
 * @example
 * const store = new MemoryEventStore();
 * await store.appendToStream('cart-1', [{ type: 'Opened', data: {} }], { expectedVersion: 'no_stream' });
 */
export class MemoryEventStore implements LocalEventStore {
  readonly kind = 'memory';
  readonly clientId: string;
  readonly #streams = new Map<string, StreamRecord>();
  readonly #log: PositionedEnvelope[] = [];
  readonly #byId = new Map<string, Envelope>();
  readonly #listeners = new StoreListeners<readonly Envelope[]>();
  readonly #localListeners = new StoreListeners<LocalChange>();
  #outbox: OutboxEntry[] = [];
  #rejected: RejectedCommand[] = [];
  readonly #checkpoints = new Map<string, ProjectionCheckpoint>();
  readonly #processCheckpoints = new Map<string, ProcessCheckpoint>();
  readonly #deadLetters = new Map<string, DeadLetter>();
  readonly #meta = new Map<string, Json>();
  readonly #snapshots = new Map<string, Snapshot>();
  #closed = false;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.clientId = options.clientId ?? uuidv7();
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('the store is closed');
  }

  #stream(streamId: string): StreamRecord {
    let s = this.#streams.get(streamId);
    if (!s) {
      s = { confirmed: [], pending: [] };
      this.#streams.set(streamId, s);
    }
    return s;
  }

  #version(streamId: string): number {
    const s = this.#streams.get(streamId);
    return s ? s.confirmed.length + s.pending.length : 0;
  }

  #notify(events: readonly Envelope[]): void {
    if (events.length > 0) this.#listeners.emit(events);
  }

  /** Checks shared by both append paths; returns the stored envelopes of a repeat, or null. */
  #prepare(streamId: string, events: readonly AppendEvent[], expected: ExpectedVersion): Envelope[] | null {
    this.#open();
    validateAppend(streamId, events, expected);
    const repeat = matchRepeat(
      streamId,
      events,
      events.map((e) => (e.id === undefined ? undefined : this.#byId.get(e.id))),
    );
    if (repeat) return repeat;
    checkExpectedVersion(streamId, expected, this.#version(streamId));
    return null;
  }

  async appendToStream(
    streamId: string,
    events: readonly AppendEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const repeat = this.#prepare(streamId, events, options.expectedVersion ?? 'any');
    const version = this.#version(streamId);
    if (repeat) return toAppendResult(streamId, repeat as PositionedEnvelope[], version);
    const envelopes = toEnvelopes(streamId, clone(events), version + 1, { clientId: this.clientId });
    const stream = this.#stream(streamId);
    const positioned = envelopes.map((e, i) => Object.freeze({ ...e, position: this.#log.length + 1 + i }));
    for (const e of positioned) {
      stream.confirmed.push(e);
      this.#log.push(e);
      this.#byId.set(e.id, e);
    }
    this.#notify(positioned);
    return toAppendResult(streamId, positioned, version);
  }

  async appendPending(
    streamId: string,
    events: readonly AppendEvent[],
    options: { expectedVersion?: ExpectedVersion; command: OutboxEntry },
  ): Promise<PendingAppendResult> {
    const repeat = this.#prepare(streamId, events, options.expectedVersion ?? 'any');
    if (repeat) {
      return {
        streamId,
        fromVersion: repeat[0]?.version ?? 0,
        toVersion: repeat.at(-1)?.version ?? 0,
        events: repeat,
      };
    }
    const version = this.#version(streamId);
    const envelopes = toEnvelopes(streamId, clone(events), version + 1, { clientId: this.clientId }).map(
      (e) => Object.freeze(e),
    );
    const stream = this.#stream(streamId);
    for (const e of envelopes) {
      stream.pending.push(e);
      this.#byId.set(e.id, e);
    }
    const entry = { ...options.command, eventIds: envelopes.map((e) => e.id) };
    this.#outbox.push(clone(entry));
    this.#notify(envelopes);
    this.#changed({
      outbox: true,
      rejected: false,
      dropped: [],
      appended: { entry: clone(entry), events: envelopes },
    });
    return { streamId, fromVersion: version + 1, toVersion: version + envelopes.length, events: envelopes };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<Envelope[]> {
    this.#open();
    const s = this.#streams.get(streamId);
    if (!s) return [];
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.POSITIVE_INFINITY;
    return [...s.confirmed, ...s.pending].filter((e) => e.version >= from && e.version <= to);
  }

  async readAll(options: ReadAllOptions = {}): Promise<PositionedEnvelope[]> {
    this.#open();
    const after = options.after ?? 0;
    const start = lowerBound(this.#log, after);
    const end = options.limit === undefined ? undefined : start + options.limit;
    return this.#log.slice(start, end);
  }

  async streamVersion(streamId: string): Promise<number> {
    this.#open();
    return this.#version(streamId);
  }

  async head(): Promise<number> {
    this.#open();
    return this.#log.at(-1)?.position ?? 0;
  }

  subscribe(listener: StoreListener): () => void {
    return this.#listeners.add(listener);
  }

  async readPending(options: { streamId?: string } = {}): Promise<Envelope[]> {
    this.#open();
    const ids = this.#outbox
      .filter((o) => options.streamId === undefined || o.streamId === options.streamId)
      .flatMap((o) => o.eventIds);
    return ids
      .map((id) => this.#byId.get(id))
      .filter((e): e is Envelope => e !== undefined && e.position === undefined);
  }

  async readOutbox(): Promise<OutboxEntry[]> {
    this.#open();
    return clone(this.#outbox);
  }

  async applyConfirmed(
    events: readonly PositionedEnvelope[],
    options: ConfirmOptions = {},
  ): Promise<ConfirmOutcome> {
    this.#open();
    const steps = options.rebase ?? [];
    const plan = planConfirm({
      incoming: events,
      byId: this.#byId,
      atVersion: (streamId, version) => {
        const s = this.#streams.get(streamId);
        return (
          s?.confirmed.find((e) => e.version === version) ?? s?.pending.find((e) => e.version === version)
        );
      },
      atPosition: (position) => {
        const e = this.#log[lowerBound(this.#log, position - 1)];
        return e?.position === position ? e : undefined;
      },
      outbox: this.#outbox,
      steps,
    });
    // Everything below only writes: the plan threw before anything changed.
    for (const p of plan.drop) {
      const stream = this.#stream(p.streamId);
      stream.pending = stream.pending.filter((e) => e.id !== p.id);
      this.#byId.delete(p.id);
    }
    for (const incoming of plan.write) {
      const stream = this.#stream(incoming.streamId);
      const e = Object.freeze(clone(incoming));
      stream.pending = stream.pending.filter((p) => p.id !== e.id);
      stream.confirmed.push(e);
      stream.confirmed.sort((a, b) => a.version - b.version);
      this.#byId.set(e.id, e);
      this.#log.splice(lowerBound(this.#log, e.position), 0, e);
    }
    const outboxChanged = plan.outbox.some((o, i) => o !== this.#outbox[i]);
    this.#outbox = plan.outbox.filter((o) => o !== undefined);
    const appended = steps.flatMap((step) => this.#applyStep(step));
    if (options.sync) this.#meta.set('sync', clone(options.sync));
    this.#notify([...plan.outcome.added, ...appended]);
    this.#changed(confirmChange(plan.outcome, outboxChanged || appended.length > 0, steps));
    return plan.outcome;
  }

  async rebase(steps: readonly RebaseStep[]): Promise<void> {
    if (steps.length === 0) return this.#open();
    await this.applyConfirmed([], { rebase: steps });
  }

  /** A rebase step's writes after the plan's (its replaced entries are already gone). */
  #applyStep(step: RebaseStep): Envelope[] {
    const appended: Envelope[] = [];
    for (const { command, events } of step.append) {
      const version = this.#version(step.streamId);
      const envelopes = toEnvelopes(step.streamId, clone(events), version + 1, {
        clientId: this.clientId,
      }).map((e) => Object.freeze(e));
      const stream = this.#stream(step.streamId);
      for (const e of envelopes) {
        stream.pending.push(e);
        this.#byId.set(e.id, e);
      }
      const { displaced: _, ...entry } = clone(command);
      this.#outbox.push({ ...entry, eventIds: envelopes.map((e) => e.id) });
      appended.push(...envelopes);
    }
    const out = new Set([...(step.unreject ?? []), ...step.rejected.map((r) => r.entry.commandId)]);
    this.#rejected = [...this.#rejected.filter((r) => !out.has(r.entry.commandId)), ...clone(step.rejected)];
    return appended;
  }

  async resetConfirmed(): Promise<OutboxEntry[]> {
    this.#open();
    const dropped = new Set<string>();
    for (const [streamId, stream] of this.#streams) {
      for (const e of [...stream.confirmed, ...stream.pending]) this.#byId.delete(e.id);
      if (stream.pending.length > 0) dropped.add(streamId);
    }
    this.#streams.clear();
    this.#log.length = 0;
    this.#snapshots.clear();
    this.#checkpoints.clear();
    this.#meta.delete('sync');
    this.#outbox = this.#outbox.map((o) => ({ ...o, displaced: 'reset' }));
    this.#changed({ outbox: true, rejected: false, dropped: [...dropped] });
    return clone(this.#outbox);
  }

  #dropPending(streamId: string): OutboxEntry[] {
    const stream = this.#stream(streamId);
    for (const p of stream.pending) this.#byId.delete(p.id);
    stream.pending = [];
    const taken = this.#outbox.filter((o) => o.streamId === streamId);
    this.#outbox = this.#outbox.filter((o) => o.streamId !== streamId);
    return taken;
  }

  async takePending(streamId: string): Promise<OutboxEntry[]> {
    this.#open();
    const taken = this.#dropPending(streamId);
    if (taken.length > 0) this.#changed({ outbox: true, rejected: false, dropped: [streamId] });
    return taken;
  }

  subscribeLocal(listener: (change: LocalChange) => void): () => void {
    return this.#localListeners.add(listener);
  }

  #changed(change: LocalChange): void {
    if (change.outbox || change.rejected || change.dropped.length > 0) this.#localListeners.emit(change);
  }

  async addRejected(rejected: readonly RejectedCommand[]): Promise<void> {
    this.#open();
    this.#rejected.push(...clone(rejected));
    this.#changed({ outbox: false, rejected: rejected.length > 0, dropped: [] });
  }

  async readRejected(): Promise<RejectedCommand[]> {
    this.#open();
    return clone(this.#rejected);
  }

  async clearRejected(commandIds?: readonly string[]): Promise<void> {
    this.#open();
    const before = this.#rejected.length;
    this.#rejected = commandIds ? this.#rejected.filter((r) => !commandIds.includes(r.entry.commandId)) : [];
    this.#changed({ outbox: false, rejected: this.#rejected.length !== before, dropped: [] });
  }

  async getCheckpoint(name: string): Promise<ProjectionCheckpoint | undefined> {
    this.#open();
    const cp = this.#checkpoints.get(name);
    return cp && clone(cp);
  }

  async putCheckpoint(checkpoint: ProjectionCheckpoint): Promise<void> {
    this.#open();
    this.#checkpoints.set(checkpoint.name, clone(checkpoint));
  }

  async getEvent(id: string): Promise<Envelope | undefined> {
    this.#open();
    return this.#byId.get(id);
  }

  async getProcessCheckpoint(name: string): Promise<ProcessCheckpoint | undefined> {
    this.#open();
    const cp = this.#processCheckpoints.get(name);
    return cp && clone(cp);
  }

  async putProcessCheckpoint(checkpoint: ProcessCheckpoint): Promise<void> {
    this.#open();
    this.#processCheckpoints.set(checkpoint.name, clone(checkpoint));
  }

  async putDeadLetter(letter: DeadLetter): Promise<void> {
    this.#open();
    this.#deadLetters.set(letter.id, clone(letter));
  }

  async readDeadLetters(): Promise<DeadLetter[]> {
    this.#open();
    // The order IndexedDB's `at` index gives: by time, then by key.
    return clone([...this.#deadLetters.values()]).sort((a, b) =>
      a.at === b.at ? compare(a.id, b.id) : compare(a.at, b.at),
    );
  }

  async deleteDeadLetters(ids?: readonly string[]): Promise<void> {
    this.#open();
    if (!ids) return this.#deadLetters.clear();
    for (const id of ids) this.#deadLetters.delete(id);
  }

  async getMeta(key: string): Promise<Json | undefined> {
    this.#open();
    const v = this.#meta.get(key);
    return v === undefined ? undefined : clone(v);
  }

  async setMeta(key: string, value: Json): Promise<void> {
    this.#open();
    this.#meta.set(key, clone(value));
  }

  async getSnapshot(key: string): Promise<Snapshot | undefined> {
    this.#open();
    const s = this.#snapshots.get(key);
    return s && clone(s);
  }

  async putSnapshot(snapshot: Snapshot): Promise<void> {
    this.#open();
    this.#snapshots.set(snapshot.key, clone(snapshot));
  }

  async deleteSnapshot(key: string): Promise<void> {
    this.#open();
    this.#snapshots.delete(key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#localListeners.clear();
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Index of the first event with position > after (events sorted by position). */
function lowerBound(log: readonly PositionedEnvelope[], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.position <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
