import { type PositionedEnvelope, ValidationError } from '@tidelog/core';
import { checkFromVersion, checkOpen, checkPullOptions } from '../../store/checks.js';
import { DEFAULT_PAGE_BYTES } from '../../store/page-budget.js';
import { planPush, pushKeys, type StoredEventRef } from '../../store/plan-push.js';
import { EVENT_COLUMNS, type EventRow, readRows } from '../../store/sql-schema.js';
import type { PullPage, PushedEvent, PushOutcome, ServerEventStore } from '../../store/types.js';
import { Watchers } from '../../store/watchers.js';
import { migrate } from './schema.js';
import type { DurableObjectStorageLike } from './storage-types.js';

/** Options of `createDurableObjectServerStore`. */
export interface DurableObjectServerStoreOptions {
  /**
   * Most event JSON in one pull page or stream read (default 4 MiB; always at least one
   * event). A page cut short says `hasMore: true`.
   */
  maxPageBytes?: number;
}

/** Reads of this store take a byte budget beside the interface's options. */
type PageOptions = { maxBytes?: number };

/** Refuse a page size or budget that is not a positive integer (absent: the default). */
function checkPositive(name: 'limit' | 'maxBytes', value: number | undefined): void {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 1)) return;
  throw new ValidationError(`${name} must be a positive integer`, [
    { path: name, message: `got ${String(value)}` },
  ]);
}

/** A Durable Object store: a `ServerEventStore` whose stream reads are paged too. */
export type DurableObjectServerStore = ServerEventStore & {
  pull(space: string, options: { after: number; limit: number } & PageOptions): Promise<PullPage>;
  readStream(
    space: string,
    streamId: string,
    options?: { fromVersion?: number; limit?: number } & PageOptions,
  ): Promise<{ events: PositionedEnvelope[]; version: number; hasMore: boolean }>;
};

/**
 * A server store in a Durable Object's SQLite storage (`ctx.storage`). Every method runs
 * synchronously against the object's own database, and a push is one `transactionSync`
 * (read head, versions and known ids, plan, insert), so pushes are serialized, positions
 * are gapless and in commit order, and a push that throws leaves nothing behind. Reads
 * stop at a byte budget and never read rows past it. `watch` wakes listeners in this
 * object, the only writer of its storage.
 *
 * @example
 * import { createDurableObjectServerStore } from '@tidelog/server/cloudflare';
 * // inside a Durable Object's constructor
 * const store = createDurableObjectServerStore(ctx.storage);
 */
export function createDurableObjectServerStore(
  storage: DurableObjectStorageLike,
  options: DurableObjectServerStoreOptions = {},
): DurableObjectServerStore {
  const { sql } = storage;
  const serverId = migrate(sql);
  const pageBytes = options.maxPageBytes ?? DEFAULT_PAGE_BYTES;
  const watchers = new Watchers();
  const what = 'durable object server store';
  let closed = false;

  const headOf = (space: string): number =>
    sql
      .exec<{ head: number }>(
        'SELECT coalesce(max(position), 0) AS head FROM tidelog_events WHERE space = ?',
        space,
      )
      .one().head;
  const versionOf = (space: string, streamId: string): number =>
    sql
      .exec<{ version: number }>(
        'SELECT coalesce(max(version), 0) AS version FROM tidelog_events WHERE space = ? AND stream_id = ?',
        space,
        streamId,
      )
      .one().version;

  const write = (space: string, events: PushedEvent[]): PushOutcome => {
    const { streamIds, ids } = pushKeys(events);
    const versions = new Map(streamIds.map((s) => [s, versionOf(space, s)]));
    const known = new Map<string, StoredEventRef>();
    // json_each: one bound parameter however many ids (a statement takes at most 100).
    const rows = sql.exec<{ id: string } & StoredEventRef>(
      `SELECT id, stream_id AS streamId, version, position FROM tidelog_events
       WHERE space = ? AND id IN (SELECT value FROM json_each(?))`,
      space,
      JSON.stringify(ids),
    );
    for (const row of rows) known.set(row.id, row);
    const plan = planPush({ events, head: headOf(space), versions, known });
    for (const e of plan.append) {
      sql.exec(
        `INSERT INTO tidelog_events (space, position, id, stream_id, version, type, schema_version, data, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        space,
        e.position,
        e.id,
        e.streamId,
        e.version,
        e.type,
        e.schemaVersion,
        // Encoded before the transaction: see push.
        e.data as unknown as string,
        e.meta as unknown as string,
      );
    }
    return plan.outcome;
  };

  return {
    async serverId() {
      checkOpen(closed, what);
      return serverId;
    },

    async push(space, events) {
      checkOpen(closed, what);
      // Encode first: what JSON.stringify throws (a BigInt, a cycle) throws before any write.
      // planPush carries data and meta through untouched, so the text stands in for them.
      const encoded = events.map((e) => ({
        ...e,
        data: JSON.stringify(e.data),
        meta: JSON.stringify(e.meta),
      }));
      const outcome = storage.transactionSync(() => write(space, encoded as unknown as PushedEvent[]));
      if (outcome.accepted.length > 0) watchers.notify(space, outcome.head);
      return outcome;
    },

    async pull(space: string, options: { after: number; limit: number } & PageOptions) {
      checkOpen(closed, what);
      checkPullOptions(options);
      checkPositive('maxBytes', options.maxBytes);
      return storage.transactionSync(() => {
        const { events } = readRows(
          sql.exec<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM tidelog_events WHERE space = ? AND position > ? ORDER BY position LIMIT ?`,
            space,
            options.after,
            options.limit,
          ),
          options.maxBytes ?? pageBytes,
        );
        const head = headOf(space);
        const last = events.length > 0 ? events[events.length - 1]!.position : options.after;
        return { events, head, hasMore: last < head };
      });
    },

    async readStream(
      space: string,
      streamId: string,
      options: { fromVersion?: number; limit?: number } & PageOptions = {},
    ) {
      checkOpen(closed, what);
      const from = checkFromVersion(options.fromVersion);
      checkPositive('limit', options.limit);
      checkPositive('maxBytes', options.maxBytes);
      const limit = options.limit ?? -1; // SQLite: a negative LIMIT is no limit
      return storage.transactionSync(() => {
        const { events, cut } = readRows(
          sql.exec<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM tidelog_events
             WHERE space = ? AND stream_id = ? AND version >= ? ORDER BY version LIMIT ?`,
            space,
            streamId,
            from,
            limit,
          ),
          options.maxBytes ?? pageBytes,
        );
        const version = versionOf(space, streamId);
        const last = events.length > 0 ? events[events.length - 1]!.version : from - 1;
        return { events, version, hasMore: cut || last < version };
      });
    },

    async head(space) {
      checkOpen(closed, what);
      return headOf(space);
    },

    watch(space, listener) {
      checkOpen(closed, what);
      return watchers.add(space, listener);
    },

    async close() {
      // The storage belongs to the Durable Object and outlives this store: only stop serving.
      closed = true;
      watchers.clear();
    },
  };
}
