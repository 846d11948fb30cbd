// sync-10k: device A holds 10,000 pending events (100 commands of 100 events, made while
// paused); the figure is the time from A's `sync.now()` until device B (its own IndexedDB,
// a SharedWorker runtime following the server live) holds all 10,000 confirmed and `load`
// returns them. A and B are two devices: two Chromium instances (each its own browser
// process and IndexedDB backend), timed on the machine's shared clock. The same run also
// times A and B inside one Chromium (where A's and B's IndexedDB work share one backend)
// and reports it beside the figure. Raw baseline, same server, same run, in B's Chromium:
// the same events pushed by `fetch` from the page in requests of 100, then pulled in pages
// of 500, each page written in one IndexedDB transaction. Rounds alternate Tidelog and raw
// on fresh spaces and databases. A's write time (the 100 commands, offline) is reported too.

import type { BenchOutcome } from './lib/report.js';
import { median } from './push-load.js';
import { openSyncBench, type SyncBench } from './sync-browser/harness.js';

const COMMANDS = 100;
const SIZE = 100;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** One Tidelog round: A in `runA`'s browser, B in the second browser. */
async function round(bench: SyncBench, runA: SyncBench['run'], space: string, r: number) {
  const log = (m: string) => process.env.BENCH_VERBOSE && console.log(`${space}: ${m}`);
  const { writeMs } = await runA('prepareA', bench.server, space, r, COMMANDS, SIZE);
  log('A prepared');
  await bench.runOther('prepareB', bench.server, space, r, COMMANDS * SIZE);
  log('B prepared');
  const t0 = await runA('startA');
  log('A started');
  const [bDone, aDone] = await Promise.all([bench.runOther('finishB'), runA('finishA')]);
  if (aDone.pending !== 0) throw new Error(`A still has ${aDone.pending} events pending`);
  if (process.env.BENCH_VERBOSE) {
    const at = (t: number) => Math.round(t - t0);
    const a = aDone.trace.filter((x, i, all) => x[1] !== all[i - 1]?.[1]).map(([t, s]) => `${at(t)} ${s}`);
    const b = bDone.trace.map(([t, c]) => `${at(t)} ${c}`);
    console.log(`${space} A: ${a.join(', ')}\n${space} B: ${b.join(', ')}`);
  }
  return { writeMs, syncMs: bDone.at - t0, nowMs: aDone.at - t0 };
}

export default async function sync10k(): Promise<BenchOutcome> {
  const bench = await openSyncBench({ devices: 2 });
  try {
    const ours: number[] = [];
    const oneBrowser: number[] = [];
    const writes: number[] = [];
    const nows: number[] = [];
    const base: number[] = [];
    const basePush: number[] = [];
    for (let r = 0; r <= ROUNDS; r++) {
      await bench.fresh();
      const two = await round(bench, bench.run, `tl-${r}`, r);
      await bench.fresh();
      const one = await round(bench, bench.runOther, `tl1-${r}`, r + 1000);
      const raw = await bench.runOther('raw10k', bench.server, `raw-${r}`, r, COMMANDS * SIZE, 100, 500);
      if (process.env.BENCH_VERBOSE) console.log({ two, one, raw });
      if (r === 0) continue; // warm-up: bundles compiled, connections open
      ours.push(two.syncMs);
      oneBrowser.push(one.syncMs);
      writes.push(two.writeMs);
      nows.push(two.nowMs);
      base.push(raw.totalMs);
      basePush.push(raw.pushMs);
    }
    const value = median(ours);
    const baselineValue = median(base);
    const write = median(writes);
    const ratio = (x: number) => Math.round((x / baselineValue) * 1000) / 1000;
    return {
      figure: 'A sync.now() until B holds 10K events confirmed and loadable',
      value,
      unit: 'ms',
      baseline: 'fetch push in requests of 100, pull in pages of 500, one idb tx per page',
      baselineValue,
      ratio: value / baselineValue,
      goal: '<= 0.5',
      extra: {
        oneBrowserMs: Math.round(median(oneBrowser)),
        oneBrowserRatio: ratio(median(oneBrowser)),
        writeMs: Math.round(write),
        writeIncludedMs: Math.round(write + value),
        writeIncludedRatio: ratio(write + value),
        aNowMs: Math.round(median(nows)),
        rawPushMs: Math.round(median(basePush)),
        rounds: ROUNDS,
      },
    };
  } finally {
    await bench.close();
  }
}
