// sync-10k: device A holds 10,000 pending events (100 commands of 100 events, made while
// paused); the figure is the time from A's `sync.now()` until device B (its own IndexedDB,
// a SharedWorker runtime in the same Chromium, following the server live) holds all 10,000
// confirmed and `load` returns them. Raw baseline, same server, same run: the same events
// pushed by `fetch` from the page in requests of 100, then pulled in pages of 500, each page
// written in one IndexedDB transaction. Rounds alternate Tidelog and raw on fresh spaces and
// databases. A's write time (the 100 commands, offline) is reported beside it.

import type { BenchOutcome } from './lib/report.js';
import { median } from './push-load.js';
import { openSyncBench } from './sync-browser/harness.js';

const COMMANDS = 100;
const SIZE = 100;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

export default async function sync10k(): Promise<BenchOutcome> {
  const bench = await openSyncBench();
  try {
    const ours: number[] = [];
    const writes: number[] = [];
    const nows: number[] = [];
    const base: number[] = [];
    const basePush: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      const t = await bench.run('tidelog10k', bench.server, `tl-${r}`, r, COMMANDS, SIZE);
      const raw = await bench.run('raw10k', bench.server, `raw-${r}`, r, COMMANDS * SIZE, 100, 500);
      if (process.env.BENCH_VERBOSE) console.log({ tidelog: t, raw });
      if (r === 0) continue; // warm-up: bundles compiled, connections open
      ours.push(t.syncMs);
      writes.push(t.writeMs);
      nows.push(t.nowMs);
      base.push(raw.totalMs);
      basePush.push(raw.pushMs);
    }
    const value = median(ours);
    const baselineValue = median(base);
    const write = median(writes);
    return {
      figure: 'A sync.now() until B holds 10K events confirmed and loadable',
      value,
      unit: 'ms',
      baseline: 'fetch push in requests of 100, pull in pages of 500, one idb tx per page',
      baselineValue,
      ratio: value / baselineValue,
      goal: '<= 0.5',
      extra: {
        writeMs: Math.round(write),
        writeIncludedMs: Math.round(write + value),
        writeIncludedRatio: Math.round(((write + value) / baselineValue) * 1000) / 1000,
        aNowMs: Math.round(median(nows)),
        rawPushMs: Math.round(median(basePush)),
        rounds: ROUNDS,
      },
    };
  } finally {
    await bench.close();
  }
}
