// `npm run size`: the minified + gzipped size of each package's browser entry, bundled
// with esbuild from source the way an app's bundler would (the package's own npm
// dependencies included, other @tidelog packages and peer dependencies left out), against
// the budgets in scripts/size-budget.json. Exits 1 when an entry is over its budget or has
// none. scripts/size.test.ts runs the same check in `npm test`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Entries measured per package: the main entry, plus subpaths a browser app loads. */
const BROWSER_SUBPATHS = new Map([['@tidelog/client', ['./worker']]]);

/** Every published package's browser entries: `{ name, subpath, file, external }`. */
export function browserEntries() {
  const entries = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (pkg.private) continue;
    const external = ['@tidelog/*', ...Object.keys(pkg.peerDependencies ?? {})];
    for (const subpath of ['.', ...(BROWSER_SUBPATHS.get(pkg.name) ?? [])]) {
      const source = pkg.exports?.[subpath]?.source;
      if (source)
        entries.push({ name: pkg.name, subpath, file: join(root, 'packages', dir, source), external });
    }
  }
  return entries;
}

/** Bundle one entry (minified ESM for browsers) and return its raw and gzipped byte sizes. */
export async function measure(entry) {
  const result = await build({
    entryPoints: [entry.file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    external: entry.external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

/** The budgets: `{ "<name>": { "<subpath>": gzip bytes } }`. */
export function readBudgets() {
  return JSON.parse(readFileSync(join(root, 'scripts', 'size-budget.json'), 'utf8'));
}

/**
 * Compare measured sizes with budgets; returns one problem line per entry over its
 * budget or without one.
 *
 * @example
 * checkBudgets([{ name: '@tidelog/core', subpath: '.', gzip: 9000 }], { '@tidelog/core': { '.': 8000 } });
 * // ['@tidelog/core: 9000 B gzip, over its budget of 8000 B']
 */
export function checkBudgets(sizes, budgets) {
  const problems = [];
  for (const { name, subpath, gzip } of sizes) {
    const label = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    const budget =
      Object.hasOwn(budgets, name) && Object.hasOwn(budgets[name], subpath)
        ? budgets[name][subpath]
        : undefined;
    if (typeof budget !== 'number')
      problems.push(`${label}: ${gzip} B gzip, no budget in scripts/size-budget.json`);
    else if (gzip > budget) problems.push(`${label}: ${gzip} B gzip, over its budget of ${budget} B`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const budgets = readBudgets();
  const sizes = [];
  for (const entry of browserEntries()) sizes.push({ ...entry, ...(await measure(entry)) });
  console.log('| entry | minified | min+gzip | budget |\n|---|---:|---:|---:|');
  for (const s of sizes) {
    const label = s.subpath === '.' ? s.name : `${s.name}/${s.subpath.slice(2)}`;
    console.log(
      `| \`${label}\` | ${s.minified} B | ${s.gzip} B | ${budgets[s.name]?.[s.subpath] ?? '–'} B |`,
    );
  }
  const problems = checkBudgets(sizes, budgets);
  for (const p of problems) console.error(`size: ${p}`);
  process.exit(problems.length ? 1 : 0);
}
