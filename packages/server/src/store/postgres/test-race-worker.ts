/**
 * One "server process" of the two-process race test (race.pg.test.ts): its own store on
 * the shared schema, pushing concurrently to one space once the test says "go". Prints
 * "ready", then one JSON line with every event the store acknowledged and its position.
 * Run with `node --conditions=source --import tsx test-race-worker.ts`; configured by env.
 */
import { createInterface } from 'node:readline';
import { uuidv7 } from '@tidelog/core';
import type { PushedEvent, PushOutcome } from '../types.js';
import { createPostgresServerStore } from './store.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`race worker: ${name} is not set`);
  return value;
};
const worker = env('RACE_WORKER');
const space = env('RACE_SPACE');
const rounds = Number(env('RACE_ROUNDS'));
const hotStreams = Number(env('RACE_HOT_STREAMS'));
const store = await createPostgresServerStore({
  url: env('DATABASE_URL'),
  schema: env('RACE_SCHEMA'),
  max: 8,
});

const event = (streamId: string, version: number): PushedEvent => ({
  id: uuidv7(),
  streamId,
  version,
  type: 'raced',
  schemaVersion: 1,
  data: { worker, streamId, version },
  meta: { timestamp: new Date().toISOString(), clientId: worker },
});

const acks: [string, number][] = [];
const hotWins: string[] = [];
let conflicts = 0;
let duplicates = 0;
/** Push, and record which of its events the store acknowledged, at which position. */
async function push(events: PushedEvent[]): Promise<PushOutcome> {
  const outcome = await store.push(space, events);
  for (const group of outcome.accepted) {
    for (const e of events) {
      if (e.streamId === group.streamId && e.version >= group.fromVersion && e.version <= group.toVersion) {
        acks.push([e.id, group.fromPosition + e.version - group.fromVersion]);
      }
    }
  }
  for (const d of outcome.duplicates) acks.push([d.id, d.position]);
  conflicts += outcome.conflicts.length;
  duplicates += outcome.duplicates.length;
  return outcome;
}

/** One of 6 concurrent loops: own streams (2–4 events a push), re-pushes, a contested stream. */
async function loop(lane: number): Promise<void> {
  const own = `${worker}-lane${lane}`;
  let version = 0;
  for (let round = 0; round < rounds; round++) {
    const size = 2 + (round % 3);
    const batch = Array.from({ length: size }, (_, i) => event(own, version + i + 1));
    const contested = `contested-${round % 3}`;
    const current = (await store.readStream(space, contested, { fromVersion: 1_000_000 })).version;
    const outcome = await push([...batch, event(contested, current + 1)]);
    if (!outcome.accepted.some((g) => g.streamId === own)) throw new Error(`own stream ${own} rejected`);
    version += size;
    if (round % 5 === 0) await push(batch); // a re-push after a "lost response": duplicates only
  }
}

console.log('ready');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

// Every worker pushes version 1 of the same hot streams at once: one winner each.
await Promise.all(
  Array.from({ length: hotStreams }, async (_, i) => {
    const outcome = await push([event(`hot-${i}`, 1)]);
    if (outcome.accepted.length === 1) hotWins.push(`hot-${i}`);
  }),
);
await Promise.all(Array.from({ length: 6 }, (_, lane) => loop(lane)));
await store.close();
console.log(JSON.stringify({ worker, acks, hotWins, conflicts, duplicates }));
