// bundle-size: what a minimal app ships (bench/bundle-app: one aggregate; the page connects
// to the SharedWorker; the worker runs the runtime on IndexedDB with sync), bundled by
// esbuild for the browser, minified, then gzip -9. There is no raw program to race here:
// the baseline is the budget (page 10 KB, worker 30 KB) and the ratio is size ÷ budget, so
// ≤ 1 meets it. Both bundles are reported; the headline is the worse of the two ratios.

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchOutcome } from './lib/report.js';

const entry = (f: string) => fileURLToPath(new URL(`./bundle-app/${f}`, import.meta.url));
const PAGE_BUDGET_KB = 10;
const WORKER_BUDGET_KB = 30;

async function sizes(file: string): Promise<{ min: number; gzip: number; inputs: string[] }> {
  const out = await build({
    entryPoints: [entry(file)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  const inputs = Object.keys(out.metafile.inputs);
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, inputs };
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

export default async function bundleSize(): Promise<BenchOutcome> {
  const page = await sizes('page.ts');
  const worker = await sizes('worker.ts');
  // The page must not carry the runtime, the store or the validators: they live in the worker.
  const leaked = page.inputs.filter((i) => /packages\/(protocol|idb)\/|client\/src\/runtime/.test(i));
  if (leaked.length) throw new Error(`the page bundle pulls in worker-side code: ${leaked.join(', ')}`);
  const pageRatio = kb(page.gzip) / PAGE_BUDGET_KB;
  const workerRatio = kb(worker.gzip) / WORKER_BUDGET_KB;
  const pageWorse = pageRatio >= workerRatio;
  return {
    figure: `${pageWorse ? 'page' : 'worker'} bundle of a minimal app with sync, minified + gzip`,
    value: kb(pageWorse ? page.gzip : worker.gzip),
    unit: 'KB',
    baseline: `its budget (page ${PAGE_BUDGET_KB} KB, worker ${WORKER_BUDGET_KB} KB)`,
    baselineValue: pageWorse ? PAGE_BUDGET_KB : WORKER_BUDGET_KB,
    ratio: Math.max(pageRatio, workerRatio),
    goal: '<= 1',
    extra: {
      pageGzipKB: kb(page.gzip),
      pageMinKB: kb(page.min),
      pageRatio: Math.round(pageRatio * 1000) / 1000,
      workerGzipKB: kb(worker.gzip),
      workerMinKB: kb(worker.min),
      workerRatio: Math.round(workerRatio * 1000) / 1000,
    },
  };
}
