import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConsumer } from '@tidelog/server';
import { createSqliteConsumerStore, createSqliteServerStore } from '@tidelog/server/sqlite';
import Database from 'better-sqlite3';
import type { BenchOutcome } from './lib/report.js';
import { median, pushEvents } from './push-load.js';

// consumer-catchup: a consumer (runConsumer, SQLite server store and SQLite consumer store
// on one file, the offset committed after every batch) reads 100K events with a no-op
// handler, from offset 0 to the head, vs a raw paged better-sqlite3 SELECT of the same
// events with the same page size, parsing data and meta as the consumer's events are
// parsed. Goal (issue 14): >= 0.7.

const EVENTS = 100_000;
const BATCH = 1000;
const ROUNDS = 5;

export default async function consumerCatchup(): Promise<BenchOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-consumer-'));
  const filename = join(dir, 'catchup.sqlite');
  try {
    const store = createSqliteServerStore({ filename, synchronous: 'normal' });
    for (let p = 0; p < EVENTS / 100; p++) await store.push('bench', pushEvents(p));
    const consumers = createSqliteConsumerStore({ filename, synchronous: 'normal' });

    let round = 0;
    const consume = async () => {
      const started = performance.now();
      let handled = 0;
      const consumer = runConsumer({
        store,
        consumers,
        name: `catchup-${round++}`, // a new consumer each round: from offset 0
        spaces: ['bench'],
        batchSize: BATCH,
        handle: ({ events }) => {
          handled += events.length;
        },
      });
      await consumer.waitFor('bench', EVENTS);
      const elapsed = performance.now() - started;
      await consumer.stop();
      if (handled !== EVENTS) throw new Error(`the consumer handled ${handled} events`);
      return EVENTS / (elapsed / 1000);
    };

    const db = new Database(filename, { readonly: true });
    const page = db.prepare<[string, number, number], { position: number; data: string; meta: string }>(
      `SELECT position, id, stream_id, version, type, schema_version, data, meta
       FROM tidelog_events WHERE space = ? AND position > ? ORDER BY position LIMIT ?`,
    );
    const raw = () => {
      const started = performance.now();
      let after = 0;
      let read = 0;
      for (;;) {
        const rows = page.all('bench', after, BATCH);
        if (rows.length === 0) break;
        for (const row of rows) {
          JSON.parse(row.data);
          JSON.parse(row.meta);
        }
        read += rows.length;
        after = rows[rows.length - 1]!.position;
      }
      if (read !== EVENTS) throw new Error(`raw SELECT read ${read} rows`);
      return EVENTS / ((performance.now() - started) / 1000);
    };

    await consume(); // warm up both paths
    raw();
    const ours: number[] = [];
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await consume());
      base.push(raw());
    }
    db.close();
    await consumers.close();
    await store.close();
    const value = median(ours);
    const baselineValue = median(base);
    return {
      figure: `events/s read by a consumer from offset 0 (100K events, batches of ${BATCH}, SQLite, no-op handler)`,
      value,
      unit: 'events/s',
      baseline: `raw paged better-sqlite3 SELECT of the same events, pages of ${BATCH}, data and meta parsed`,
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0.7',
      extra: { rounds: ROUNDS, batch: BATCH },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
