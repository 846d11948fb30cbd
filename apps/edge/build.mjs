// Bundle the Worker into dist/worker.js, the workspace packages from their TypeScript
// source (the `source` export condition), so neither a deploy nor a local run needs the
// packages built first. wrangler.toml runs this as its build command; `npm run start:edge`
// and the tests run it too. Node built-ins stay imports: `nodejs_compat` provides them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = dirname(fileURLToPath(import.meta.url));

await build({
  absWorkingDir: appDir,
  entryPoints: [join(appDir, 'src', 'worker.ts')],
  outfile: join(appDir, 'dist', 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['source', 'workerd', 'worker', 'browser'],
  external: ['node:*', 'cloudflare:*'],
  sourcemap: true,
  logLevel: 'warning',
});
