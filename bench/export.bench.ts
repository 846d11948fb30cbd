import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import Database from 'better-sqlite3';
import { runCli } from '../apps/server/src/cli/main.js';
import type { BenchOutcome } from './lib/report.js';
import { median, pushEvents } from './push-load.js';

// export: `tidelog export` (the CLI's code, in this process) writes 100K events of a SQLite
// store as JSONL with its checksum line to a file, vs one raw better-sqlite3 SELECT of the
// same rows written to a file as JSON lines built from the stored text (no parse, no
// checksum). No goal was set: recorded (goal ">= 0" always passes).

const EVENTS = 100_000;
const ROUNDS = 5;

export default async function exportBench(): Promise<BenchOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-export-'));
  const filename = join(dir, 'export.sqlite');
  try {
    const store = createSqliteServerStore({ filename, synchronous: 'normal' });
    for (let p = 0; p < EVENTS / 100; p++) await store.push('bench', pushEvents(p));
    await store.close();

    const ours = async () => {
      const out = join(dir, 'ours.jsonl');
      const started = performance.now();
      const file = createWriteStream(out);
      const stderr = new PassThrough().resume();
      const io = { stdin: Readable.from([]), stdout: file, stderr, env: {} };
      const code = await runCli(['export', '--space', 'bench', '--db', filename], io);
      file.end();
      await finished(file);
      const elapsed = performance.now() - started;
      if (code !== 0) throw new Error(`export exited with ${code}`);
      return { rate: EVENTS / (elapsed / 1000), bytes: statSync(out).size };
    };

    const db = new Database(filename, { readonly: true });
    const select = db.prepare<[string], Record<string, string | number>>(
      `SELECT position, id, stream_id, version, type, schema_version, data, meta
       FROM tidelog_events WHERE space = ? ORDER BY position`,
    );
    const raw = async () => {
      const out = join(dir, 'raw.jsonl');
      const started = performance.now();
      const file = createWriteStream(out);
      let chunk = '';
      for (const r of select.iterate('bench')) {
        chunk += `{"id":"${r.id}","streamId":"${r.stream_id}","version":${r.version},"type":"${r.type}","schemaVersion":${r.schema_version},"data":${r.data},"meta":${r.meta},"position":${r.position}}\n`;
        if (chunk.length > 1 << 20) {
          if (!file.write(chunk)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
          chunk = '';
        }
      }
      file.end(chunk);
      await finished(file);
      return EVENTS / ((performance.now() - started) / 1000);
    };

    await ours(); // warm up both paths
    await raw();
    const rates: number[] = [];
    const base: number[] = [];
    let bytes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const result = await ours();
      rates.push(result.rate);
      bytes = result.bytes;
      base.push(await raw());
    }
    db.close();
    const value = median(rates);
    const baselineValue = median(base);
    return {
      figure: 'events/s exported as JSONL with a checksum line to a file (100K events, SQLite)',
      value,
      unit: 'events/s',
      baseline:
        'one raw better-sqlite3 SELECT of the same rows written to a file as JSON lines (no parse, no checksum)',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0',
      extra: { rounds: ROUNDS, bytes, note: 'no goal set for export: recorded only' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
