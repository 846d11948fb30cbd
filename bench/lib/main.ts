import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchOutcome, report } from './report.js';

// Each bench/<name>.bench.ts default-exports `() => Promise<BenchOutcome>`.
const name = process.argv[2];
if (!name) throw new Error('usage: main.ts <benchmark name>');
const mod = (await import(pathToFileURL(join(import.meta.dirname, '..', `${name}.bench.ts`)).href)) as {
  default: () => Promise<BenchOutcome>;
};
report(name, await mod.default());
process.exit(0);
