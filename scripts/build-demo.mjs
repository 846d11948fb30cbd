// Build apps/demo with Vite when its build is missing or older than its sources, so that
// `npm install && npm start` on a fresh clone serves the board, and an edit to the demo or
// to a package it bundles shows up on the next `npm start`.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of the files under `path` (a file or a directory), skipping dist and node_modules. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** What the demo's bundle is made of: its own files and the workspace packages it imports from source. */
const inputs = (root) => [
  join(root, 'apps', 'demo', 'src'),
  join(root, 'apps', 'demo', 'public'),
  join(root, 'apps', 'demo', 'index.html'),
  join(root, 'apps', 'demo', 'vite.config.ts'),
  join(root, 'apps', 'demo', 'package.json'),
  ...['core', 'protocol', 'idb', 'client', 'react'].map((p) => join(root, 'packages', p, 'src')),
];

/** `'missing'`, `'stale'` (an input is newer than the build) or `'fresh'`. */
export function demoBuildState(root) {
  const built = join(root, 'apps', 'demo', 'dist', 'index.html');
  if (!existsSync(built)) return 'missing';
  return statSync(built).mtimeMs >= Math.max(...inputs(root).map(newestMtime)) ? 'fresh' : 'stale';
}

/**
 * Build the demo unless its build is fresh. Returns `'built'` or `'fresh'`. A failed build
 * throws (Vite has printed why).
 */
export async function ensureDemoBuilt(root) {
  const demo = join(root, 'apps', 'demo');
  const state = demoBuildState(root);
  if (state === 'fresh') return 'fresh';
  const { build } = await import('vite');
  console.error(
    `tidelog: building the demo app (${state === 'stale' ? 'its sources changed' : 'no build yet'})…`,
  );
  // Vite bundles React's development build when NODE_ENV says so (vitest sets it to
  // `test`): the build served by `npm start` must be the production one, whoever built it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  // Built beside dist and swapped in whole: a server never serves half a build, and two
  // processes building at once (a test run's projects) do not write into each other's.
  const staging = join(demo, `dist.building-${process.pid}`);
  try {
    await build({
      root: demo,
      configFile: join(demo, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    rmSync(join(demo, 'dist'), { recursive: true, force: true });
    try {
      renameSync(staging, join(demo, 'dist'));
    } catch {
      // Another process swapped its build in first: theirs is as fresh as ours.
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return 'built';
}
