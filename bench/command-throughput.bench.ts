// command-throughput: commands emitting 100 events each, page → SharedWorker → IndexedDB,
// vs raw: a comlink round trip to a SharedWorker putting 100 records in one native
// IndexedDB transaction. Events per second, interleaved, same browser.
import type { BenchApi } from '../packages/client/src/browser-test/bench-harness.js';
import { openBenchPage } from '../packages/client/src/browser-test/bench-harness.js';
import type { BenchOutcome } from './lib/report.js';

export default async function commandThroughput(): Promise<BenchOutcome> {
  const { page, harness } = await openBenchPage();
  try {
    const r = await page.evaluate(() =>
      (window as unknown as { bench: BenchApi }).bench.commands(200, 20, 100),
    );
    if (r.version !== 22_000) throw new Error(`unexpected stream version ${r.version}`);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const value = (r.tidelog.length * 100) / (sum(r.tidelog) / 1000);
    const baselineValue = (r.baseline.length * 100) / (sum(r.baseline) / 1000);
    return {
      figure: 'events/s written by 100-event commands',
      value,
      unit: 'events/s',
      baseline: 'raw IndexedDB batch put of 100 records (+ comlink round trip)',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0.8',
      extra: { commands: r.tidelog.length, eventsPerCommand: 100 },
    };
  } finally {
    await harness.close();
  }
}
