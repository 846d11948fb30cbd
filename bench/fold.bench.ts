import { defineAggregate, type Envelope, fold, type JsonObject } from '@tidelog/core';
import { produce } from 'immer';
import type { BenchOutcome } from './lib/report.js';

// fold(): 100K events through an aggregate vs one raw immer produce running the same
// mutations with a switch, and vs a plain (non-immer) mutable reducer, in this process.
interface State {
  count: number;
  total: number;
  tags: Record<string, number>;
}
const initialState: State = { count: 0, total: 0, tags: {} };

const Ledger = defineAggregate({
  type: 'ledger',
  initialState,
  events: {
    Added: (s, e: { amount: number; tag: string }) => {
      s.count++;
      s.total += e.amount;
      s.tags[e.tag] = (s.tags[e.tag] ?? 0) + 1;
    },
    Removed: (s, e: { amount: number }) => {
      s.count--;
      s.total -= e.amount;
    },
  },
  commands: { add: (_s, p: { amount: number }) => ({ type: 'Added', data: { amount: p.amount, tag: 't' } }) },
});

const N = 100_000;
const events: Envelope[] = Array.from({ length: N }, (_, i) => ({
  id: `id-${i}`,
  streamId: 'ledger-1',
  version: i + 1,
  type: i % 5 === 4 ? 'Removed' : 'Added',
  schemaVersion: 1,
  data: i % 5 === 4 ? ({ amount: 1 } as JsonObject) : { amount: 2, tag: `t${i % 50}` },
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'bench' },
}));

function rawProduce(): State {
  return produce(initialState, (s) => {
    for (const e of events) {
      const d = e.data as { amount: number; tag: string };
      switch (e.type) {
        case 'Added':
          s.count++;
          s.total += d.amount;
          s.tags[d.tag] = (s.tags[d.tag] ?? 0) + 1;
          break;
        case 'Removed':
          s.count--;
          s.total -= d.amount;
          break;
      }
    }
  });
}

function plainReducer(): State {
  const s: State = { count: 0, total: 0, tags: {} };
  for (const e of events) {
    const d = e.data as { amount: number; tag: string };
    if (e.type === 'Added') {
      s.count++;
      s.total += d.amount;
      s.tags[d.tag] = (s.tags[d.tag] ?? 0) + 1;
    } else {
      s.count--;
      s.total -= d.amount;
    }
  }
  return s;
}

/** Events per second: the median of `runs` timed runs after warm-up. */
function rate(fn: () => State, runs = 15): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const s = fn();
    times.push(performance.now() - t0);
    if (s.count !== 60_000) throw new Error(`wrong fold result: ${s.count}`);
  }
  times.sort((a, b) => a - b);
  return N / (times[Math.floor(runs / 2)]! / 1000);
}

export default async function run(): Promise<BenchOutcome> {
  // Interleave the contenders so machine noise hits both alike.
  const ours: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < 3; round++) {
    ours.push(rate(() => fold(Ledger, initialState, events)));
    raw.push(rate(rawProduce));
  }
  const best = (xs: number[]) => Math.max(...xs);
  const value = best(ours);
  const baselineValue = best(raw);
  return {
    figure: 'fold() events/s',
    value,
    unit: 'events/s',
    baseline: 'one raw immer produce',
    baselineValue,
    ratio: value / baselineValue,
    goal: '>= 0.9',
    extra: { plainReducerEventsPerSec: Math.round(rate(plainReducer)), events: N },
  };
}
