import { fileURLToPath } from 'node:url';
import { startBrowserHarness } from '../test-utils/browser.js';
import type { BenchOutcome } from './lib/report.js';
import '../packages/idb/src/browser-test/bench-api.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * idb-read: reading one 10,000-event stream through the IndexedDB store vs a raw
 * `getAll` on a [streamId, version] index over the same records, in the same page.
 */
export default async function idbRead(): Promise<BenchOutcome> {
  const harness = await startBrowserHarness({
    entries: {
      page: fileURLToPath(new URL('../packages/idb/src/browser-test/bench-page.ts', import.meta.url)),
    },
  });
  try {
    const page = await harness.newPage();
    const { store, raw } = await page.evaluate(() => window.tidelogBench.read(15, 10_000));
    const value = median(store);
    const baselineValue = median(raw);
    return {
      figure: 'ms to read a 10K-event stream',
      value,
      unit: 'ms',
      baseline: 'raw IndexedDB getAll on a [streamId, version] index',
      baselineValue,
      ratio: value / baselineValue,
      goal: '<= 1.3',
      extra: { rounds: store.length, storeMin: Math.min(...store), rawMin: Math.min(...raw) },
    };
  } finally {
    await harness.close();
  }
}
