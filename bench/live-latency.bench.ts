// live-latency: a command on device A until device B's subscriber sees the new confirmed
// state through the server's live stream (both SharedWorker runtimes in one Chromium,
// following live), p50 and p99 over 200 commands; raw baseline, interleaved one for one:
// a `fetch` push of one event until B's EventSource receives it.
import { quantile } from '../packages/client/src/browser-test/bench-harness.js';
import type { BenchOutcome } from './lib/report.js';
import { openSyncBench } from './sync-browser/harness.js';

const COMMANDS = 200;
const WARMUP = 20;

export default async function liveLatency(): Promise<BenchOutcome> {
  const bench = await openSyncBench();
  try {
    const r = await bench.run('liveLatency', bench.server, 'live', 'live-raw', COMMANDS, WARMUP);
    const p50 = quantile(r.tidelog, 0.5);
    const p99 = quantile(r.tidelog, 0.99);
    const raw50 = quantile(r.raw, 0.5);
    const raw99 = quantile(r.raw, 0.99);
    return {
      figure: 'p50, command on A until B sees it live',
      value: p50,
      unit: 'ms',
      baseline: 'fetch push of one event until B’s EventSource gets it',
      baselineValue: raw50,
      ratio: p50 / raw50,
      goal: '<= 1.5',
      extra: {
        p99Ms: Math.round(p99 * 100) / 100,
        rawP99Ms: Math.round(raw99 * 100) / 100,
        p99Ratio: Math.round((p99 / raw99) * 1000) / 1000,
        p99Goal: '<= 3',
        p99Pass: p99 / raw99 <= 3 ? 'yes' : 'no',
        commands: COMMANDS,
      },
    };
  } finally {
    await bench.close();
  }
}
