import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConsumerStore, ServerEventStore } from '@tidelog/server';
import { redact } from '../open-store.js';

/** Where the CLI reads and writes: the flags, else the same variables as the server. */
export interface DatabaseFlags {
  db?: string | undefined;
  databaseUrl?: string | undefined;
  schema?: string | undefined;
}

/** One space's figures for `tidelog stats`. */
export interface SpaceStats {
  space: string;
  events: number;
  streams: number;
  head: number;
}

/** An open database: the server store, plus what the CLI asks of the tables directly. */
export interface CliDatabase {
  store: ServerEventStore;
  /** For messages: the file, or the URL without its password and the schema. */
  description: string;
  spaces(): Promise<string[]>;
  stats(): Promise<{ spaces: SpaceStats[]; sizeBytes: number }>;
  /** The consumer store on the same database (its tables are created if missing). */
  consumers(): Promise<ConsumerStore<unknown>>;
  close(): Promise<void>;
}

/** The database cannot be opened (a missing file, a refused connection). */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code = 'DATABASE_UNAVAILABLE';
}

/**
 * Open the database the flags (or `DATABASE_URL`, `TIDELOG_DB`) name. A SQLite file that
 * does not exist is refused unless `create` (import may create it; nothing else should).
 *
 * @example
 * const db = await openDatabase({ db: './data/tidelog.sqlite' }, process.env, { create: false });
 */
export async function openDatabase(
  flags: DatabaseFlags,
  env: Record<string, string | undefined>,
  { create }: { create: boolean },
): Promise<CliDatabase> {
  const url = flags.db ? undefined : flags.databaseUrl || env.DATABASE_URL || undefined;
  if (url) {
    const schema = flags.schema || env.TIDELOG_PG_SCHEMA || 'tidelog';
    const [{ createPostgresConsumerStore, createPostgresServerStore }, { default: postgres }] =
      await Promise.all([import('@tidelog/server/postgres'), import('postgres')]);
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    let consumerStore: Awaited<ReturnType<typeof createPostgresConsumerStore>> | undefined;
    try {
      const store = await createPostgresServerStore({ sql, schema });
      const events = sql(`${schema}.events`);
      return {
        store,
        description: `${redact(url)} (schema ${schema})`,
        async spaces() {
          return (await sql<{ space: string }[]>`SELECT DISTINCT space FROM ${events} ORDER BY space`).map(
            (r) => r.space,
          );
        },
        async stats() {
          const rows = await sql<{ space: string; events: string; streams: string; head: string }[]>`
            SELECT space, count(*) AS events, count(DISTINCT stream_id) AS streams, max(position) AS head
            FROM ${events} GROUP BY space ORDER BY space`;
          const [size] = await sql<{ bytes: string }[]>`
            SELECT pg_total_relation_size(${`"${schema}".events`}::regclass) AS bytes`;
          return {
            spaces: rows.map((r) => ({
              space: r.space,
              events: +r.events,
              streams: +r.streams,
              head: +r.head,
            })),
            sizeBytes: Number(size?.bytes ?? 0),
          };
        },
        async consumers() {
          consumerStore ??= await createPostgresConsumerStore({ sql, schema });
          return consumerStore as ConsumerStore<unknown>;
        },
        async close() {
          await consumerStore?.close();
          await store.close();
          await sql.end({ timeout: 5 });
        },
      };
    } catch (error) {
      await sql.end({ timeout: 1 });
      throw new DatabaseError(`cannot open ${redact(url)}: ${(error as Error).message}`);
    }
  }
  const file = resolve(flags.db || env.TIDELOG_DB || './data/tidelog.sqlite');
  if (!create && !existsSync(file)) throw new DatabaseError(`no database file at ${file}`);
  const [{ createSqliteConsumerStore, createSqliteServerStore }, { default: Database }] = await Promise.all([
    import('@tidelog/server/sqlite'),
    import('better-sqlite3'),
  ]);
  let store: ServerEventStore;
  try {
    store = createSqliteServerStore({ filename: file, writer: 'inline' });
  } catch (error) {
    throw new DatabaseError(`cannot open ${file}: ${(error as Error).message}`);
  }
  const db = new Database(file, { readonly: true });
  let consumerStore: ReturnType<typeof createSqliteConsumerStore> | undefined;
  return {
    store,
    description: file,
    async spaces() {
      return db.prepare<[], string>('SELECT DISTINCT space FROM tidelog_events ORDER BY space').pluck().all();
    },
    async stats() {
      const spaces = db
        .prepare<[], SpaceStats>(
          `SELECT space, count(*) AS events, count(DISTINCT stream_id) AS streams, max(position) AS head
           FROM tidelog_events GROUP BY space ORDER BY space`,
        )
        .all();
      const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
      return { spaces, sizeBytes: size(file) + size(`${file}-wal`) };
    },
    async consumers() {
      consumerStore ??= createSqliteConsumerStore({ filename: file });
      return consumerStore as ConsumerStore<unknown>;
    },
    async close() {
      await consumerStore?.close();
      db.close();
      await store.close();
    },
  };
}
