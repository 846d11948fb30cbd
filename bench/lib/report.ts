import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a benchmark measures: its figure and its raw baseline, measured in the same run. */
export interface BenchOutcome {
  /** What is measured, e.g. "events/s folded". */
  figure: string;
  value: number;
  unit: string;
  /** What the raw baseline is, e.g. "one raw immer produce". */
  baseline: string;
  baselineValue: number;
  /** value ÷ baselineValue, oriented so `goal` reads as written in the issue. */
  ratio: number;
  /** e.g. ">= 0.9" or "<= 1.3". */
  goal: string;
  /** Further figures worth keeping (p99, sub-results). */
  extra?: Record<string, number | string>;
}

export interface BenchResult extends BenchOutcome {
  name: string;
  date: string;
  machine: string;
  pass: boolean;
}

export function machine(): string {
  const c = cpus();
  return `${c.length}x ${c[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function meetsGoal(ratio: number, goal: string): boolean {
  const m = /^(>=|<=)\s*([\d.]+)/.exec(goal.trim());
  if (!m) return true;
  const bound = Number(m[2]);
  return m[1] === '>=' ? ratio >= bound : ratio <= bound;
}

/** Write bench/results/<name>.json and print one line. */
export function report(name: string, outcome: BenchOutcome): BenchResult {
  const result: BenchResult = {
    name,
    ...outcome,
    ratio: Math.round(outcome.ratio * 1000) / 1000,
    date: new Date().toISOString(),
    machine: machine(),
    pass: meetsGoal(outcome.ratio, outcome.goal),
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
  console.log(
    `${name}: ${result.figure} ${fmt(result.value)} ${result.unit} vs ${result.baseline} ${fmt(result.baselineValue)} → ratio ${result.ratio} (goal ${result.goal}) ${result.pass ? 'PASS' : 'MISS'}`,
  );
  return result;
}
