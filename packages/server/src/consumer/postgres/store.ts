import { ClosedError, type SerializedError } from '@tidelog/core';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { checkSchemaName } from '../../store/postgres/schema.js';
import { LeaseLostError } from '../errors.js';
import type { CommitAction, ConsumerCheckpoint, ConsumerStore, DeadLetter } from '../types.js';
import { migrateConsumers } from './schema.js';

/** Options of `createPostgresConsumerStore`: like the server store's, on the same schema. */
export type PostgresConsumerStoreOptions = (
  | { /** The store owns (and ends) its pool. */ url: string; max?: number }
  | { /** A postgres.js instance; `close()` leaves it open. */ sql: Sql }
) & {
  /** The schema of the server store's tables (default `tidelog`). */
  schema?: string;
};

interface LetterRow {
  id: string;
  name: string;
  space: string;
  fromPosition: string;
  toPosition: string;
  attempts: number;
  error: SerializedError;
  parkedAt: Date;
  retryRequested: boolean;
}

const toLetter = (r: LetterRow): DeadLetter => ({
  id: Number(r.id),
  consumer: r.name,
  space: r.space,
  fromPosition: Number(r.fromPosition),
  toPosition: Number(r.toPosition),
  attempts: r.attempts,
  error: r.error,
  parkedAt: r.parkedAt.toISOString(),
  retryRequested: r.retryRequested,
});

/**
 * Consumer offsets, leases and dead letters in PostgreSQL, in the server store's schema.
 * Lease times are the database's clock (`clock_timestamp()`), so replicas' clocks need not
 * agree. Every write that moves a consumer locks its lease row (`FOR UPDATE`) and checks
 * the fence token and the expiry in the same transaction, so a takeover waits for it or
 * it fails. An exactly-once handler gets that transaction (postgres.js `TransactionSql`).
 *
 * @example
 * import { createPostgresConsumerStore } from '@tidelog/server/postgres';
 * const consumers = await createPostgresConsumerStore({ url: process.env.DATABASE_URL! });
 */
export async function createPostgresConsumerStore(
  options: PostgresConsumerStoreOptions,
): Promise<ConsumerStore<TransactionSql>> {
  const schema = options.schema ?? 'tidelog';
  checkSchemaName(schema);
  const owned = 'url' in options;
  const sql = owned ? postgres(options.url, { max: options.max ?? 4, onnotice: () => {} }) : options.sql;
  try {
    await migrateConsumers(sql, schema);
  } catch (error) {
    if (owned) await sql.end({ timeout: 5 });
    throw error;
  }
  const leases = sql(`${schema}.consumer_leases`);
  const offsets = sql(`${schema}.consumer_offsets`);
  const letters = sql(`${schema}.dead_letters`);
  const ttl = (ms: number) => sql`clock_timestamp() + ${ms} * interval '1 millisecond'`;
  let closed = false;
  const open = () => {
    if (closed) throw new ClosedError(`postgres consumer store (schema ${schema}) is closed`);
  };
  /** Lock the lease row for this transaction; throw unless `fence` holds it, unexpired. */
  const hold = async (tx: TransactionSql, name: string, fence: number) => {
    const rows = await tx`SELECT 1 FROM ${leases}
      WHERE name = ${name} AND fence = ${fence} AND expires_at > clock_timestamp() FOR UPDATE`;
    if (rows.length === 0) throw new LeaseLostError(name, fence);
  };
  const apply = async (tx: TransactionSql, name: string, action: CommitAction) => {
    if (action.kind === 'resolve') {
      await tx`DELETE FROM ${letters} WHERE id = ${action.deadLetterId} AND name = ${name}`;
      return;
    }
    const state = action.state ? JSON.stringify(action.state.value) : null;
    await tx`INSERT INTO ${offsets} (name, space, position, state, state_version)
      VALUES (${name}, ${action.space}, ${action.position}, ${state}::text::json, ${action.state?.version ?? null})
      ON CONFLICT (name, space) DO UPDATE SET position = excluded.position, state = excluded.state,
        state_version = excluded.state_version`;
  };

  return {
    kind: 'postgres',
    async acquire(name, owner, ttlMs) {
      open();
      const [row] = await sql<{ fence: string }[]>`
        INSERT INTO ${leases} AS l (name, owner, fence, expires_at) VALUES (${name}, ${owner}, 1, ${ttl(ttlMs)})
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, fence = l.fence + 1, expires_at = excluded.expires_at
        WHERE l.expires_at <= clock_timestamp() OR l.owner = excluded.owner
        RETURNING fence`;
      return row ? Number(row.fence) : undefined;
    },
    async renew(name, fence, ttlMs) {
      open();
      const rows = await sql`UPDATE ${leases} SET expires_at = ${ttl(ttlMs)}
        WHERE name = ${name} AND fence = ${fence} AND expires_at > clock_timestamp() RETURNING 1`;
      return rows.length === 1;
    },
    async release(name, fence) {
      open();
      await sql`UPDATE ${leases} SET expires_at = clock_timestamp() WHERE name = ${name} AND fence = ${fence}`;
    },
    async checkpoints(name) {
      open();
      const rows = await sql<
        { space: string; position: string; state: unknown; stateVersion: number | null }[]
      >`
        SELECT space, position, state, state_version AS "stateVersion" FROM ${offsets} WHERE name = ${name}`;
      const out = new Map<string, ConsumerCheckpoint>();
      for (const row of rows) {
        const checkpoint: ConsumerCheckpoint = { position: Number(row.position) };
        if (row.state !== null) checkpoint.state = row.state as ConsumerCheckpoint['state'];
        if (row.stateVersion !== null) checkpoint.stateVersion = row.stateVersion;
        out.set(row.space, checkpoint);
      }
      return out;
    },
    async commit(name, fence, action, work) {
      open();
      await sql.begin(async (tx) => {
        await hold(tx, name, fence);
        if (work) {
          await work(tx);
          await hold(tx, name, fence); // the handler may have outlived the lease
        }
        await apply(tx, name, action);
      });
    },
    async park(name, fence, b) {
      open();
      return sql.begin(async (tx) => {
        await hold(tx, name, fence);
        const [row] = await tx<LetterRow[]>`
          INSERT INTO ${letters} (name, space, from_position, to_position, attempts, error)
          VALUES (${name}, ${b.space}, ${b.fromPosition}, ${b.toPosition}, ${b.attempts}, ${JSON.stringify(b.error)}::text::json)
          RETURNING id, name, space, from_position AS "fromPosition", to_position AS "toPosition", attempts, error,
            parked_at AS "parkedAt", retry_requested AS "retryRequested"`;
        await tx`INSERT INTO ${offsets} (name, space, position) VALUES (${name}, ${b.space}, ${b.toPosition})
          ON CONFLICT (name, space) DO UPDATE SET position = excluded.position`;
        return toLetter(row!);
      });
    },
    async failAgain(name, fence, id, error) {
      open();
      await sql.begin(async (tx) => {
        await hold(tx, name, fence);
        await tx`UPDATE ${letters} SET attempts = attempts + 1, error = ${JSON.stringify(error)}::text::json,
          parked_at = now(), retry_requested = false WHERE id = ${id} AND name = ${name}`;
      });
    },
    async deadLetters(name) {
      open();
      const rows = await sql<LetterRow[]>`
        SELECT id, name, space, from_position AS "fromPosition", to_position AS "toPosition", attempts, error,
          parked_at AS "parkedAt", retry_requested AS "retryRequested"
        FROM ${letters} WHERE ${name === undefined} OR name = ${name ?? ''} ORDER BY id`;
      return rows.map(toLetter);
    },
    async requestRetry(id) {
      open();
      const rows = await sql`UPDATE ${letters} SET retry_requested = true WHERE id = ${id} RETURNING 1`;
      return rows.length === 1;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned) await sql.end({ timeout: 5 });
    },
  };
}
