import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncServer } from '@tidelog/server';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import Database from 'better-sqlite3';
import type { BenchOutcome } from './lib/report.js';
import { CONNECTIONS, EVENTS_PER_PUSH, listen, load, median, pushEvents } from './push-load.js';

// push-sqlite: 100-event pushes over 10 concurrent keep-alive connections to the real sync
// server (createSyncServer + SQLite store in a file, @hono/node-server on loopback) vs raw
// better-sqlite3 inserts of the same rows, 100 rows a transaction, into a table with the
// same columns and indexes, with the same pragmas (WAL, synchronous=FULL). Rounds
// alternate on fresh files; the median counts.

const PUSHES = 300;
const ROUNDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-sqlite-'));

const pushes = (round: number) => Array.from({ length: PUSHES }, (_, p) => pushEvents(round * PUSHES + p));

async function tidelog(round: number): Promise<number> {
  const store = createSqliteServerStore({ filename: join(dir, `tidelog-${round}.sqlite`) });
  const server = await listen(createSyncServer({ store }).fetch);
  const requests = pushes(round).map(
    (events) =>
      ['/v1/spaces/bench/push', JSON.stringify({ clientId: 'device-1', events })] as [string, string],
  );
  const ms = await load(server.url, requests);
  await server.stop();
  const head = await store.head('bench');
  await store.close();
  if (head !== PUSHES * EVENTS_PER_PUSH)
    throw new Error(`store head ${head}, expected ${PUSHES * EVENTS_PER_PUSH}`);
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

/** The store alone, no HTTP: the same pushes, 10 in flight at a time, in this process. */
async function storeOnly(round: number): Promise<number> {
  const store = createSqliteServerStore({ filename: join(dir, `store-${round}.sqlite`) });
  const data = pushes(round);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < data.length) await store.push('bench', data[next++]!);
    }),
  );
  const ms = performance.now() - started;
  await store.close();
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

function raw(round: number): number {
  const db = new Database(join(dir, `raw-${round}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE events (seq INTEGER PRIMARY KEY, space TEXT NOT NULL, position INTEGER NOT NULL,
      id TEXT NOT NULL, stream_id TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
      schema_version INTEGER NOT NULL, data TEXT NOT NULL, meta TEXT NOT NULL);
    CREATE UNIQUE INDEX events_position ON events (space, position);
    CREATE UNIQUE INDEX events_id ON events (space, id);
    CREATE UNIQUE INDEX events_stream ON events (space, stream_id, version);`);
  const insert = db.prepare(
    'INSERT INTO events (space, position, id, stream_id, version, type, schema_version, data, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let position = 0;
  const batch = db.transaction((events: ReturnType<typeof pushEvents>) => {
    for (const e of events) {
      insert.run(
        'bench',
        ++position,
        e.id,
        e.streamId,
        e.version,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        JSON.stringify(e.meta),
      );
    }
  });
  const data = pushes(round);
  const started = performance.now();
  for (const events of data) batch(events);
  const ms = performance.now() - started;
  db.close();
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

export default async function pushSqlite(): Promise<BenchOutcome> {
  try {
    await tidelog(100); // warm up both paths
    raw(101);
    const ours: number[] = [];
    const alone: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await tidelog(3 * r));
      alone.push(await storeOnly(3 * r + 1));
      base.push(raw(3 * r + 2));
    }
    const value = median(ours);
    const baselineValue = median(base);
    return {
      figure: `events/s pushed (${EVENTS_PER_PUSH}-event pushes, ${CONNECTIONS} connections, SQLite store over HTTP)`,
      value,
      unit: 'events/s',
      baseline: 'raw better-sqlite3 inserts of the same rows, 100-row transactions, same schema and pragmas',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0.6',
      extra: {
        rounds: ROUNDS,
        pushesPerRound: PUSHES,
        synchronous: 'FULL',
        journal: 'WAL',
        'store.push without HTTP, events/s': Math.round(median(alone)),
        'store.push without HTTP, ratio': Math.round((median(alone) / baselineValue) * 1000) / 1000,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
