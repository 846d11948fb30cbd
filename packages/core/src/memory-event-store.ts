import {
  checkExpectedVersion,
  matchRepeat,
  toAppendResult,
  toEnvelopes,
  validateAppend,
} from './append-rules.js';
import { ClosedError } from './errors.js';
import type { AppendOptions, ReadAllOptions, ReadStreamOptions, StoreListener } from './event-store.js';
import type {
  ConfirmOutcome,
  DeadLetter,
  LocalEventStore,
  OutboxEntry,
  PendingAppendResult,
  ProcessCheckpoint,
  ProjectionCheckpoint,
  RejectedCommand,
} from './local-store.js';
import type { Snapshot } from './snapshot.js';
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
  readonly #listeners = new Set<StoreListener>();
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
    if (events.length === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(events);
      } catch (error) {
        // A failing listener must not undo a committed append or starve the others.
        console.error('tidelog: a store listener threw', error);
      }
    }
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
    this.#outbox.push(clone({ ...options.command, eventIds: envelopes.map((e) => e.id) }));
    this.#notify(envelopes);
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
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
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

  async applyConfirmed(events: readonly PositionedEnvelope[]): Promise<ConfirmOutcome> {
    this.#open();
    const outcome: ConfirmOutcome = { confirmed: [], added: [], displaced: [] };
    const sorted = [...events].sort((a, b) => a.position - b.position);
    for (const incoming of sorted) {
      const known = this.#byId.get(incoming.id);
      if (known?.position !== undefined) continue;
      const stream = this.#stream(incoming.streamId);
      const e = Object.freeze(clone(incoming));
      if (known && known.streamId === e.streamId && known.version === e.version) {
        stream.pending = stream.pending.filter((p) => p.id !== e.id);
        outcome.confirmed.push(e.id);
      } else {
        if (stream.pending.length > 0) outcome.displaced.push(...this.#dropPending(incoming.streamId));
        outcome.added.push(e);
      }
      stream.confirmed.push(e);
      stream.confirmed.sort((a, b) => a.version - b.version);
      this.#byId.set(e.id, e);
      this.#log.splice(lowerBound(this.#log, e.position), 0, e);
    }
    const confirmed = new Set(outcome.confirmed);
    this.#outbox = this.#outbox.filter(
      (o) => !o.eventIds.every((id) => confirmed.has(id) || this.#isConfirmed(id)),
    );
    this.#notify(outcome.added);
    return outcome;
  }

  #isConfirmed(id: string): boolean {
    return this.#byId.get(id)?.position !== undefined;
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
    return this.#dropPending(streamId);
  }

  async addRejected(rejected: readonly RejectedCommand[]): Promise<void> {
    this.#open();
    this.#rejected.push(...clone(rejected));
  }

  async readRejected(): Promise<RejectedCommand[]> {
    this.#open();
    return clone(this.#rejected);
  }

  async clearRejected(commandIds?: readonly string[]): Promise<void> {
    this.#open();
    this.#rejected = commandIds ? this.#rejected.filter((r) => !commandIds.includes(r.entry.commandId)) : [];
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
