// load-10k: load an aggregate of 10,000 events (no snapshot) from IndexedDB vs raw getAll
// of the same records + one immer produce. Also: a 100,000-event stream with a snapshot
// must load in ≤ 10 ms (reported in `extra`).
import type { BenchApi } from '../packages/client/src/browser-test/bench-harness.js';
import { openBenchPage, quantile } from '../packages/client/src/browser-test/bench-harness.js';
import type { BenchOutcome } from './lib/report.js';

export default async function load10k(): Promise<BenchOutcome> {
  const { page, harness } = await openBenchPage();
  try {
    const r = await page.evaluate(() => (window as unknown as { bench: BenchApi }).bench.load(10_000, 15));
    if (r.checksum !== 20_000) throw new Error(`unexpected states: ${r.checksum}`);
    const s = await page.evaluate(() =>
      (window as unknown as { bench: BenchApi }).bench.snapshotLoad(100_000, 15),
    );
    if (s.fromSnapshot !== 100_000) throw new Error(`snapshot not used: ${s.fromSnapshot}`);
    const value = quantile(r.tidelog, 0.5);
    const baselineValue = quantile(r.baseline, 0.5);
    const snapshotMs = quantile(s.times, 0.5);
    return {
      figure: 'median load of a 10K-event aggregate',
      value,
      unit: 'ms',
      baseline: 'raw IndexedDB getAll + one immer produce',
      baselineValue,
      ratio: value / baselineValue,
      goal: '<= 1.3',
      extra: {
        snapshot100kMs: snapshotMs,
        snapshot100kGoalMs: 10,
        snapshot100kPass: snapshotMs <= 10 ? 'yes' : 'no',
      },
    };
  } finally {
    await harness.close();
  }
}
