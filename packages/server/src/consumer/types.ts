import type { Json, PositionedEnvelope, SerializedError } from '@tidelog/core';

/** Where a consumer stands in one space: the last position it handled, and its state if any. */
export interface ConsumerCheckpoint {
  /** The last position handled (0: nothing yet). */
  position: number;
  /** A server projection's state at `position` (absent for plain consumers). */
  state?: Json;
  /** The projection version the state was built by. */
  stateVersion?: number;
}

/** A batch that failed every attempt, parked so the consumer could go on. */
export interface DeadLetter {
  /** Unique within the consumer store. */
  id: number;
  consumer: string;
  space: string;
  /** The positions of the parked batch, inclusive. */
  fromPosition: number;
  toPosition: number;
  attempts: number;
  /** The last error, as plain JSON (it keeps its `code`). */
  error: SerializedError;
  /** ISO-8601 time it was parked (or last failed again). */
  parkedAt: string;
  /** True once an operator asked for a retry; the driving replica picks it up. */
  retryRequested: boolean;
}

/** What a commit does besides checking the lease: move an offset, or settle a dead letter. */
export type CommitAction =
  | { kind: 'offset'; space: string; position: number; state?: { value: Json; version: number } }
  | { kind: 'resolve'; deadLetterId: number };

/** What parking a batch writes: the dead letter, and the offset moved past the batch. */
export interface ParkedBatch {
  space: string;
  fromPosition: number;
  toPosition: number;
  attempts: number;
  error: SerializedError;
}

/**
 * Where consumers keep their offsets, leases and dead letters. One per backend (memory,
 * SQLite, PostgreSQL); `Tx` is what an exactly-once handler writes through (a SQLite
 * connection, a PostgreSQL transaction), `never` where there is none (memory).
 *
 * Every write that moves a consumer forward names the lease's fence token and is refused
 * with `LeaseLostError` when the lease has since been taken by another replica or has
 * expired: a replica that stalled cannot write stale results.
 */
export interface ConsumerStore<Tx = never> {
  /** A name for logs and errors. */
  readonly kind: string;
  /**
   * Take the lease of consumer `name` for `owner` when it is free, expired or already
   * `owner`'s; resolves with a new fence token (higher than every earlier one), or
   * undefined while another owner holds it.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<number | undefined>;
  /** Extend the lease; false when `fence` no longer holds it. */
  renew(name: string, fence: number, ttlMs: number): Promise<boolean>;
  /** Give the lease up at once (when `fence` still holds it), so another replica takes over. */
  release(name: string, fence: number): Promise<void>;
  /** Every space's checkpoint of consumer `name`. */
  checkpoints(name: string): Promise<Map<string, ConsumerCheckpoint>>;
  /**
   * Under the lease `fence`, in one transaction: run `work` (an exactly-once handler's
   * writes) and apply `action`. Throws `LeaseLostError` (and changes nothing) when the
   * lease is lost; whatever `work` throws rolls everything back and is rethrown.
   */
  commit(name: string, fence: number, action: CommitAction, work?: (tx: Tx) => unknown): Promise<void>;
  /** Under the lease: record a dead letter and move the offset past it, in one transaction. */
  park(name: string, fence: number, batch: ParkedBatch): Promise<DeadLetter>;
  /** Under the lease: a retried dead letter failed again. */
  failAgain(name: string, fence: number, id: number, error: SerializedError): Promise<void>;
  /** The dead letters of consumer `name` (every consumer when omitted), oldest first. */
  deadLetters(name?: string): Promise<DeadLetter[]>;
  /** Ask the driving replica to retry a dead letter; false when there is no such dead letter. */
  requestRetry(id: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One batch handed to a consumer's handler: events of one space, in position order. */
export interface ConsumerBatch {
  space: string;
  events: PositionedEnvelope[];
  /** 1 on the first delivery of this batch, 2 on the first retry, … */
  attempt: number;
  /** Set when the batch is a dead letter being retried. */
  deadLetterId?: number;
  /** Aborted when the consumer is stopping or has lost its lease. */
  signal: AbortSignal;
}
