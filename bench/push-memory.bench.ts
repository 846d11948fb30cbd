import { createMemoryServerStore, createSyncServer } from '@tidelog/server';
import { Hono } from 'hono';
import type { BenchOutcome } from './lib/report.js';
import { CONNECTIONS, EVENTS_PER_PUSH, listen, load, median, pushEvents } from './push-load.js';

// push-memory: 100-event pushes over 10 concurrent keep-alive connections to the real sync
// server (createSyncServer + memory store, @hono/node-server on loopback) vs a raw Hono
// handler on the same node-server that parses the JSON and appends the events to an array.
// The load generator runs in a worker thread. Rounds alternate; the median counts.

const PUSHES = 300;
const ROUNDS = 5;

function bodies(round: number): [string, string][] {
  return Array.from({ length: PUSHES }, (_, p) => [
    '/v1/spaces/bench/push',
    JSON.stringify({ clientId: 'device-1', events: pushEvents(round * PUSHES + p) }),
  ]);
}

async function tidelog(round: number): Promise<number> {
  const store = createMemoryServerStore();
  const server = await listen(createSyncServer({ store }).fetch);
  const ms = await load(server.url, bodies(round));
  await server.stop();
  const head = await store.head('bench');
  if (head !== PUSHES * EVENTS_PER_PUSH)
    throw new Error(`store head ${head}, expected ${PUSHES * EVENTS_PER_PUSH}`);
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

async function raw(round: number): Promise<number> {
  const log: unknown[] = [];
  const app = new Hono();
  app.post('/v1/spaces/:space/push', async (c) => {
    const body = await c.req.json<{ events: unknown[] }>();
    for (const event of body.events) log.push(event);
    return c.json({ head: log.length });
  });
  const server = await listen(app.fetch);
  const ms = await load(server.url, bodies(round));
  await server.stop();
  if (log.length !== PUSHES * EVENTS_PER_PUSH) throw new Error(`raw log has ${log.length} events`);
  return (PUSHES * EVENTS_PER_PUSH) / (ms / 1000);
}

export default async function pushMemory(): Promise<BenchOutcome> {
  await tidelog(100); // warm up both paths
  await raw(101);
  const ours: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(await tidelog(2 * r));
    base.push(await raw(2 * r + 1));
  }
  const value = median(ours);
  const baselineValue = median(base);
  return {
    figure: `events/s pushed (${EVENTS_PER_PUSH}-event pushes, ${CONNECTIONS} connections, memory store over HTTP)`,
    value,
    unit: 'events/s',
    baseline: 'raw Hono handler on the same node-server: JSON parse + append to an array',
    baselineValue,
    ratio: value / baselineValue,
    goal: '>= 0.7',
    extra: { rounds: ROUNDS, pushesPerRound: PUSHES },
  };
}
