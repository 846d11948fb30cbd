// `npm run start:edge`: bundle apps/edge's Node launcher (workspace packages from source,
// npm packages left external) with esbuild, then run it: it bundles the Worker and serves
// it in workerd through Miniflare on http://127.0.0.1:8788. No network, no login.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'apps', 'edge', 'dist');
const outfile = join(outdir, 'main.js');

const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tidelog/') ? undefined : { path: args.path, external: true },
    );
  },
};

mkdirSync(outdir, { recursive: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'apps', 'edge', 'src', 'main.ts')],
    outfile,
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
  console.error('tidelog: could not build apps/edge (see the errors above)');
  process.exit(1);
}
process.chdir(root);
process.setSourceMapsEnabled?.(true);
await import(pathToFileURL(outfile).href);
