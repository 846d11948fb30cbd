// Node side of the client benchmarks: start Chromium on the bench page and worker.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type BrowserHarness, startBrowserHarness } from '../../../../test-utils/browser.js';
import type { BenchApi } from './bench-page.js';

const entry = (f: string) => fileURLToPath(new URL(`./${f}`, import.meta.url));

/** Open the bench page in a fresh Chromium; call `bench` inside it. */
export async function openBenchPage(): Promise<{ page: Page; harness: BrowserHarness }> {
  const harness = await startBrowserHarness({
    entries: { page: entry('bench-page.ts'), worker: entry('bench-worker.ts') },
  });
  const page = await harness.newPage();
  return { page, harness };
}

export type { BenchApi };

/** The q-quantile (0..1) of a sample. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
