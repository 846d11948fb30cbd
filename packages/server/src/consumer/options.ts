import { ValidationError, type ValidationIssue } from '@tidelog/core';
import { isStreamName } from '@tidelog/protocol';
import type { ServerEventStore } from '../store/types.js';
import type { ConsumerBatch, ConsumerStore } from './types.js';

/** Options every consumer takes. */
export interface ConsumerOptionsBase<Tx> {
  /** The server event store to read events from. */
  store: ServerEventStore;
  /** Where offsets, the lease and dead letters live (memory, SQLite or PostgreSQL). */
  consumers: ConsumerStore<Tx>;
  /** The consumer's name: its offsets and lease are kept under it (1-200 characters). */
  name: string;
  /** The spaces to follow, each with its own offset. */
  spaces: readonly string[];
  /** Most events handed to the handler at once (default 100, at most 5000). */
  batchSize?: number;
  /** How a failing batch is retried before it is parked as a dead letter. */
  retry?: {
    /** Deliveries of a batch before it is parked (default 5; `Infinity` never parks). */
    attempts?: number;
    /** The first retry's delay, doubling each time (default 200 ms). */
    baseMs?: number;
    /** The longest delay between retries (default 30 s). */
    maxMs?: number;
  };
  /** The lease that lets one replica drive the consumer at a time. */
  lease?: {
    /** How long a lease lasts without renewal (default 10 s); it is renewed every third of it. */
    ttlMs?: number;
  };
  /** How often, at most, a replica looks for dead letters an operator asked to retry (default 1 s). */
  pollMs?: number;
  /** Who this replica is, in the lease (default: host, pid and a random suffix). */
  owner?: string;
  /** Errors the consumer recovers from (a failing handler, the database away); default console.error. */
  onError?: (error: unknown, context: { consumer: string; space?: string; attempt?: number }) => void;
}

/** At least once: the handler runs, then the offset moves. A crash in between replays the batch. */
export interface AtLeastOnceOptions<Tx> extends ConsumerOptionsBase<Tx> {
  handle(batch: ConsumerBatch): unknown;
  handleInTransaction?: never;
}

/**
 * Exactly once for writes to the consumer store's database: the handler writes through
 * `tx`, and those writes commit with the offset or not at all. On SQLite `tx` is the
 * connection inside a `BEGIN IMMEDIATE` transaction and the handler must be synchronous.
 */
export interface ExactlyOnceOptions<Tx> extends ConsumerOptionsBase<Tx> {
  handleInTransaction(batch: ConsumerBatch, tx: Tx): unknown;
  handle?: never;
}

/** What `runConsumer` takes: at-least-once (`handle`) or exactly-once (`handleInTransaction`). */
export type ConsumerOptions<Tx> = AtLeastOnceOptions<Tx> | ExactlyOnceOptions<Tx>;

/** The options with defaults filled in. */
export interface ResolvedOptions {
  batchSize: number;
  attempts: number;
  baseMs: number;
  maxMs: number;
  ttlMs: number;
  pollMs: number;
  owner: string;
}

const positive = (value: number | undefined, fallback: number, path: string, issues: ValidationIssue[]) => {
  const n = value ?? fallback;
  const infinite = n === Number.POSITIVE_INFINITY && path === 'retry.attempts';
  if (typeof n !== 'number' || !(n > 0) || (!infinite && !Number.isSafeInteger(n))) {
    issues.push({ path, message: `must be a positive integer, got ${String(value)}` });
  }
  return n;
};

/**
 * Check a consumer's options and fill in the defaults; throws `ValidationError` listing
 * every problem.
 *
 * @example
 * const resolved = resolveConsumerOptions({ store, consumers, name: 'mailer', spaces: ['team-1'], handle });
 */
export function resolveConsumerOptions<Tx>(options: ConsumerOptions<Tx>): ResolvedOptions {
  const issues: ValidationIssue[] = [];
  if (typeof options.name !== 'string' || options.name.length < 1 || options.name.length > 200) {
    issues.push({ path: 'name', message: 'must be a string of 1-200 characters' });
  }
  if (!Array.isArray(options.spaces) || options.spaces.length === 0) {
    issues.push({ path: 'spaces', message: 'must list at least one space' });
  } else {
    options.spaces.forEach((space, i) => {
      if (!isStreamName(space)) issues.push({ path: `spaces[${i}]`, message: 'not a valid space name' });
    });
    if (new Set(options.spaces).size !== options.spaces.length) {
      issues.push({ path: 'spaces', message: 'lists a space twice' });
    }
  }
  const handlers = [options.handle, options.handleInTransaction].filter((h) => typeof h === 'function');
  if (handlers.length !== 1) {
    issues.push({ path: 'handle', message: 'give exactly one of handle or handleInTransaction' });
  }
  const batchSize = positive(options.batchSize, 100, 'batchSize', issues);
  if (batchSize > 5000) issues.push({ path: 'batchSize', message: 'must be at most 5000' });
  const resolved: ResolvedOptions = {
    batchSize,
    attempts: positive(options.retry?.attempts, 5, 'retry.attempts', issues),
    baseMs: positive(options.retry?.baseMs, 200, 'retry.baseMs', issues),
    maxMs: positive(options.retry?.maxMs, 30_000, 'retry.maxMs', issues),
    ttlMs: positive(options.lease?.ttlMs, 10_000, 'lease.ttlMs', issues),
    pollMs: positive(options.pollMs, 1000, 'pollMs', issues),
    owner: options.owner ?? `${globalThis.process?.pid ?? 'worker'}:${crypto.randomUUID().slice(0, 8)}`,
  };
  if (issues.length > 0)
    throw new ValidationError(
      `invalid consumer options: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  return resolved;
}
