import type { ServerEventStore } from '@tidelog/server';
import { createSyncServer } from '@tidelog/server';
import { createPostgresServerStore } from '@tidelog/server/postgres';
import postgres from 'postgres';
import type { BenchOutcome } from './lib/report.js';
import { CONNECTIONS, EVENTS_PER_PUSH, listen, load, median, pushEvents } from './push-load.js';

// push-postgres: 100-event pushes over 10 concurrent keep-alive connections to the real
// sync server (createSyncServer + PostgreSQL store, @hono/node-server on loopback), all
// into one space (the worst case: its advisory lock serializes every push), vs raw
// postgres.js multi-row inserts of the same rows (100 rows a statement, 10 concurrent
// connections, no lock) into a table with the same columns and indexes. Rounds alternate
// in a fresh schema per run (dropped after); the median counts. Like the baseline's pool,
// the store (its pool, its prepared statements) is made once and warmed up before the
// rounds, as in a server that runs for a while; each round pushes into new spaces.

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PUSHES = 200;
const ROUNDS = 5;
const schema = `tidelog_bench_${Date.now().toString(36)}`;

const pushes = (round: number) => Array.from({ length: PUSHES }, (_, p) => pushEvents(round * PUSHES + p));

/** Push every body once; push p goes to space p % spaces (one space: every push contends). */
async function tidelog(store: ServerEventStore, round: number, spaces: number): Promise<number> {
  const server = await listen(createSyncServer({ store }).fetch);
  const space = (p: number) => `bench-${round}-${p % spaces}`;
  const requests = pushes(round).map(
    (events, p) =>
      [`/v1/spaces/${space(p)}/push`, JSON.stringify({ clientId: 'device-1', events })] as [string, string],
  );
  const ms = await load(server.url, requests);
  await server.stop();
  let total = 0;
  for (let s = 0; s < spaces; s++) total += await store.head(space(s));
  if (total !== PUSHES * EVENTS_PER_PUSH)
    throw new Error(`stored ${total}, expected ${PUSHES * EVENTS_PER_PUSH}`);
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

/** The store alone, no HTTP: the same pushes into one space, 10 in flight, in this process. */
async function storeOnly(store: ServerEventStore, round: number): Promise<number> {
  const data = pushes(round);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < data.length) await store.push(`alone-${round}`, data[next++]!);
    }),
  );
  const ms = performance.now() - started;
  if ((await store.head(`alone-${round}`)) !== PUSHES * EVENTS_PER_PUSH)
    throw new Error('store alone: events missing');
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

async function raw(sql: postgres.Sql, round: number): Promise<number> {
  const table = sql(`${schema}.raw_events`);
  const data = pushes(round).map((events, p) =>
    events.map((e, i) => ({
      space: `raw-${round}`,
      position: p * EVENTS_PER_PUSH + i + 1,
      id: e.id,
      stream_id: e.streamId,
      version: e.version,
      type: e.type,
      schema_version: e.schemaVersion,
      data: JSON.stringify(e.data),
      meta: JSON.stringify(e.meta),
    })),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < data.length) {
        const rows = data[next++]!;
        await sql`INSERT INTO ${table} ${sql(rows)}`;
      }
    }),
  );
  return (PUSHES * EVENTS_PER_PUSH) / ((performance.now() - started) / 1000);
}

export default async function pushPostgres(): Promise<BenchOutcome> {
  const sql = postgres(URL, { max: CONNECTIONS, onnotice: () => {} });
  let store: ServerEventStore | undefined;
  try {
    await sql.unsafe(`CREATE SCHEMA "${schema}"`);
    await sql.unsafe(`CREATE TABLE "${schema}".raw_events (space text NOT NULL, position bigint NOT NULL,
      id text NOT NULL, stream_id text NOT NULL, version integer NOT NULL, type text NOT NULL,
      schema_version integer NOT NULL, data json NOT NULL, meta json NOT NULL, PRIMARY KEY (space, position))`);
    await sql.unsafe(`CREATE UNIQUE INDEX ON "${schema}".raw_events (space, id)`);
    await sql.unsafe(`CREATE UNIQUE INDEX ON "${schema}".raw_events (space, stream_id, version)`);
    store = await createPostgresServerStore({ url: URL, schema, max: CONNECTIONS });
    await tidelog(store, 100, 1); // warm up both paths
    await tidelog(store, 104, CONNECTIONS);
    await raw(sql, 101);
    const ours: number[] = [];
    const spread: number[] = [];
    const alone: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await tidelog(store, 4 * r, 1));
      spread.push(await tidelog(store, 4 * r + 1, CONNECTIONS));
      alone.push(await storeOnly(store, 4 * r + 2));
      base.push(await raw(sql, 4 * r + 3));
    }
    const value = median(ours);
    const baselineValue = median(base);
    return {
      figure: `events/s pushed (${EVENTS_PER_PUSH}-event pushes, ${CONNECTIONS} connections, one space, PostgreSQL store over HTTP)`,
      value,
      unit: 'events/s',
      baseline: 'raw postgres.js 100-row INSERTs of the same rows, 10 connections, same schema',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0.6',
      extra: {
        rounds: ROUNDS,
        pushesPerRound: PUSHES,
        [`events/s over ${CONNECTIONS} spaces`]: Math.round(median(spread)),
        [`ratio over ${CONNECTIONS} spaces`]: Math.round((median(spread) / baselineValue) * 1000) / 1000,
        'store.push without HTTP (one space), events/s': Math.round(median(alone)),
        'store.push without HTTP, ratio': Math.round((median(alone) / baselineValue) * 1000) / 1000,
      },
    };
  } finally {
    await store?.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end({ timeout: 5 });
  }
}
