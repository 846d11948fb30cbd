// live-latency: a command on device A until device B's subscriber sees the new confirmed
// state through the server's live stream, p50 and p99 over 200 commands (after 20 warm-up
// commands). A and B are two devices: SharedWorker runtimes in two Chromium instances
// (each its own browser process and IndexedDB), both following live; times are taken on
// the machine's shared clock (`performance.timeOrigin + now()`), corrected by the offset
// between the two browsers measured at the start. Raw baseline, interleaved one for one,
// the same two browsers: a `fetch` push of one event from A's page until an EventSource in
// B's page receives it. The same run repeats both inside one Chromium (A and B sharing one
// IndexedDB backend) and reports that beside the figure.
import { quantile } from '../packages/client/src/browser-test/bench-harness.js';
import type { BenchOutcome } from './lib/report.js';
import { openSyncBench, type SyncBench } from './sync-browser/harness.js';

const COMMANDS = Number(process.env.COMMANDS ?? 200);
const WARMUP = 20;

const nodeClock = () => performance.timeOrigin + performance.now();

/** How far `runB`'s clock is ahead of `runA`'s: each against Node's, on the fastest of 20 round trips. */
async function clockOffset(runA: SyncBench['run'], runB: SyncBench['run']): Promise<number> {
  const offsetOf = async (run: SyncBench['run']) => {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < 20; i++) {
      const t0 = nodeClock();
      const page = await run('now');
      const t1 = nodeClock();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: page - (t0 + t1) / 2 };
    }
    return best.offset;
  };
  return (await offsetOf(runB)) - (await offsetOf(runA));
}

async function measure(bench: SyncBench, runA: SyncBench['run'], runB: SyncBench['run'], tag: string) {
  const space = `live-${tag}`;
  const rawSpace = `live-raw-${tag}`;
  await runA('liveOpen', bench.server, space, rawSpace, 'a');
  await runB('liveOpen', bench.server, space, rawSpace, 'b');
  const offset = runA === runB ? 0 : await clockOffset(runA, runB);
  const tidelog: number[] = [];
  const raw: number[] = [];
  for (let i = 1; i <= WARMUP + COMMANDS; i++) {
    const t0 = await runA('liveCommand');
    const seen = await runB('liveSeen', i);
    const push = await runA('rawPush', bench.server, rawSpace, i);
    const rawAt = await runB('rawSeen', push.id);
    if (i > WARMUP) {
      tidelog.push(seen - offset - t0);
      raw.push(rawAt - offset - push.t);
    }
  }
  await runA('liveClose');
  if (runB !== runA) await runB('liveClose');
  return { tidelog, raw, offset };
}

export default async function liveLatency(): Promise<BenchOutcome> {
  const bench = await openSyncBench({ devices: 2 });
  try {
    const two = await measure(bench, bench.run, bench.runOther, 'two');
    await bench.fresh();
    const one = await measure(bench, bench.runOther, bench.runOther, 'one');
    const p50 = quantile(two.tidelog, 0.5);
    const p99 = quantile(two.tidelog, 0.99);
    const raw50 = quantile(two.raw, 0.5);
    const raw99 = quantile(two.raw, 0.99);
    const round = (x: number, digits = 100) => Math.round(x * digits) / digits;
    return {
      figure: 'p50, command on A until B sees it live',
      value: p50,
      unit: 'ms',
      baseline: 'fetch push of one event until B’s EventSource gets it',
      baselineValue: raw50,
      ratio: p50 / raw50,
      goal: '<= 1.5',
      extra: {
        p99Ms: round(p99),
        rawP99Ms: round(raw99),
        p99Ratio: round(p99 / raw99, 1000),
        p99Goal: '<= 3',
        p99Pass: p99 / raw99 <= 3 ? 'yes' : 'no',
        clockOffsetMs: round(two.offset),
        oneBrowserP50Ms: round(quantile(one.tidelog, 0.5)),
        oneBrowserRawP50Ms: round(quantile(one.raw, 0.5)),
        oneBrowserP50Ratio: round(quantile(one.tidelog, 0.5) / quantile(one.raw, 0.5), 1000),
        oneBrowserP99Ratio: round(quantile(one.tidelog, 0.99) / quantile(one.raw, 0.99), 1000),
        commands: COMMANDS,
      },
    };
  } finally {
    await bench.close();
  }
}
