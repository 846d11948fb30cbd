// `npm run bench [-- name ...]`: runs bench/<name>.bench.ts files one after another,
// each in its own Node process (tsx, source export condition), and writes
// bench/results/<name>.json in the format docs/benchmarks.md describes.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, 'lib', 'main.ts'), name],
    { stdio: 'inherit', cwd: join(here, '..') },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
