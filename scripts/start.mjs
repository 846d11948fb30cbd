// `npm start`: build the demo app if its build is missing or stale (scripts/build-demo.mjs),
// bundle apps/server (workspace packages from source, npm packages left external) into
// apps/server/dist/main.js with esbuild, then run it in this process.
// Needs nothing but `npm install`: no prior build of the packages.
// The SQLite store starts its writer thread from `writer-thread.js` beside the module that
// spawns it, which in the bundle is dist/main.js: so the thread's entry is bundled too, as
// dist/writer-thread.js (without it the store would fall back to writing on the main thread).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ensureDemoBuilt } from './build-demo.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'apps', 'server', 'dist');
const outfile = join(outdir, 'main.js');

/** Bundle @tidelog/* workspaces from their TypeScript source; leave every npm package to Node. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tidelog/') ? undefined : { path: args.path, external: true },
    );
  },
};

// A custom TIDELOG_DEMO_DIR is the user's own build: leave it alone.
const { TIDELOG_DEMO_DIR: customDemoDir } = process.env;
if (!customDemoDir) {
  try {
    await ensureDemoBuilt(root);
  } catch (error) {
    console.error('tidelog: could not build apps/demo (see the errors above)', error);
    process.exit(1);
  }
}

mkdirSync(outdir, { recursive: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: {
      main: join(root, 'apps', 'server', 'src', 'main.ts'),
      'writer-thread': join(root, 'packages', 'server', 'src', 'store', 'sqlite', 'writer-thread.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    sourcemap: true,
    logLevel: 'warning',
    plugins: [externalNpmPackages],
  });
} catch {
  console.error('tidelog: could not build apps/server (see the errors above)');
  process.exit(1);
}
process.setSourceMapsEnabled?.(true);
await import(pathToFileURL(outfile).href);
