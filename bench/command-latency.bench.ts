// command-latency: one command page → SharedWorker → IndexedDB commit → new state back,
// vs raw: a comlink round trip to a SharedWorker that runs one native IndexedDB
// transaction writing the same record. p50 and p99 over 1,000 commands, interleaved.
import type { BenchApi } from '../packages/client/src/browser-test/bench-harness.js';
import { openBenchPage, quantile } from '../packages/client/src/browser-test/bench-harness.js';
import type { BenchOutcome } from './lib/report.js';

export default async function commandLatency(): Promise<BenchOutcome> {
  const { page, harness } = await openBenchPage();
  try {
    const r = await page.evaluate(() =>
      (window as unknown as { bench: BenchApi }).bench.commands(1000, 200, 1),
    );
    if (r.version !== 1200 || r.storage !== 'indexeddb')
      throw new Error(`unexpected run: ${JSON.stringify(r.version)}`);
    const p50 = quantile(r.tidelog, 0.5);
    const p99 = quantile(r.tidelog, 0.99);
    const raw50 = quantile(r.baseline, 0.5);
    const raw99 = quantile(r.baseline, 0.99);
    return {
      figure: 'p50 command latency',
      value: p50,
      unit: 'ms',
      baseline: 'p50 comlink round trip + one raw IndexedDB transaction',
      baselineValue: raw50,
      ratio: p50 / raw50,
      goal: '<= 1.5',
      extra: {
        p99,
        rawP99: raw99,
        p99Ratio: Math.round((p99 / raw99) * 1000) / 1000,
        p99Goal: '<= 3',
        commands: 1000,
      },
    };
  } finally {
    await harness.close();
  }
}
