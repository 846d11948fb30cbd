import { fileURLToPath } from 'node:url';
import { startBrowserHarness } from '../test-utils/browser.js';
import type { BenchOutcome } from './lib/report.js';
import '../packages/idb/src/browser-test/bench-api.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * idb-append: 100-event batches appended through the IndexedDB store (one transaction per
 * batch, versions and positions assigned, ids minted) vs raw IndexedDB puts of the same
 * records in one transaction per batch, in the same headless Chromium page.
 */
export default async function idbAppend(): Promise<BenchOutcome> {
  const harness = await startBrowserHarness({
    entries: {
      page: fileURLToPath(new URL('../packages/idb/src/browser-test/bench-page.ts', import.meta.url)),
    },
  });
  try {
    const page = await harness.newPage();
    await page.evaluate(() => window.tidelogBench.append(1, 10, 100)); // warm-up
    const batches = 50;
    const { store, raw, storeWithIds } = await page.evaluate(([b]) => window.tidelogBench.append(7, b, 100), [
      batches,
    ] as const);
    const perSecond = (ms: number) => (batches * 100) / (ms / 1000);
    const value = perSecond(median(store));
    const baselineValue = perSecond(median(raw));
    return {
      figure: 'events/s appended in 100-event batches',
      value,
      unit: 'events/s',
      baseline: 'raw IndexedDB puts of the same records, one transaction per batch',
      baselineValue,
      ratio: value / baselineValue,
      goal: '>= 0.8',
      extra: {
        rounds: store.length,
        storeMsPerBatch: median(store) / batches,
        rawMsPerBatch: median(raw) / batches,
        // Appends whose events carry ids (as the runtime's do) also look each id up.
        withIdsEventsPerSecond: perSecond(median(storeWithIds)),
        withIdsRatio: perSecond(median(storeWithIds)) / baselineValue,
      },
    };
  } finally {
    await harness.close();
  }
}
