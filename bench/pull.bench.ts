import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncServer } from '@tidelog/server';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import Database from 'better-sqlite3';
import type { BenchOutcome } from './lib/report.js';
import { listen, load, median, pushEvents } from './push-load.js';

// pull: a client catching up reads 100K events from the real sync server (createSyncServer
// + SQLite store, @hono/node-server on loopback) in pages of 5,000 (the largest page the
// protocol allows), one request at a time, vs one raw better-sqlite3 SELECT of the same
// rows from the same file (rows as stored: no JSON parse, no HTTP). No goal was set for
// this figure: it is recorded (goal ">= 0" always passes).

const EVENTS = 100_000;
const PAGE = 5000;
const ROUNDS = 5;

export default async function pull(): Promise<BenchOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-pull-'));
  const filename = join(dir, 'pull.sqlite');
  try {
    const store = createSqliteServerStore({ filename, synchronous: 'normal' });
    for (let p = 0; p < EVENTS / 100; p++) await store.push('bench', pushEvents(p));
    const server = await listen(createSyncServer({ store }).fetch);
    const pages = Array.from(
      { length: EVENTS / PAGE },
      (_, k) => [`/v1/spaces/bench/pull?after=${k * PAGE}&limit=${PAGE}`, null] as [string, null],
    );
    const last = await (await fetch(`${server.url}${pages.at(-1)![0]}`)).json();
    if (last.events.length !== PAGE || last.hasMore || last.events.at(-1).position !== EVENTS) {
      throw new Error('the last page is not what the benchmark expects');
    }

    const db = new Database(filename, { readonly: true });
    const select = db.prepare(
      `SELECT position, id, stream_id, version, type, schema_version, data, meta
       FROM tidelog_events WHERE space = ? ORDER BY position`,
    );
    const raw = () => {
      const started = performance.now();
      const rows = select.all('bench');
      if (rows.length !== EVENTS) throw new Error(`raw SELECT read ${rows.length} rows`);
      return EVENTS / ((performance.now() - started) / 1000);
    };
    const overHttp = async () => EVENTS / ((await load(server.url, pages, 1)) / 1000);

    await overHttp(); // warm up both paths
    raw();
    const ours: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await overHttp());
      base.push(raw());
    }
    db.close();
    await server.stop();
    await store.close();
    const value = median(ours);
    const baselineValue = median(base);
    return {
      figure: `events/s pulled over HTTP (100K events, pages of ${PAGE}, SQLite store)`,
      value,
      unit: 'events/s',
      baseline: 'one raw better-sqlite3 SELECT of the same 100K rows (no JSON parse)',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0',
      extra: { rounds: ROUNDS, note: 'no goal set for pull: recorded only' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
