import { createMemoryServerStore, createSyncServer, type ServerEventStore } from '@tidelog/server';
import { Hono } from 'hono';
import type { BenchOutcome } from './lib/report.js';
import { CONNECTIONS, EVENTS_PER_PUSH, listen, load, median, pushEvents } from './push-load.js';

// push-memory: 100-event pushes over 10 concurrent keep-alive connections to the real sync
// server (createSyncServer + memory store, @hono/node-server on loopback) vs a raw Hono
// handler on the same node-server that parses the JSON and appends the events to an array.
// The load generator runs in a worker thread. Rounds alternate; the median counts.
// 9 rounds of 600 pushes: with 5 of 300 (0.3 s each) one garbage collection more or less
// in a round moved the ratio by ±0.05 between runs.

const PUSHES = 600;
const ROUNDS = 9;

function bodies(round: number): [string, string][] {
  return Array.from({ length: PUSHES }, (_, p) => [
    '/v1/spaces/bench/push',
    JSON.stringify({ clientId: 'device-1', events: pushEvents(round * PUSHES + p) }),
  ]);
}

/**
 * The same server with a store that plans nothing and stores nothing: what the HTTP app
 * costs by itself, to tell it apart from what the memory store costs.
 */
function noopStore(): ServerEventStore {
  const store = createMemoryServerStore();
  let head = 0;
  return {
    ...store,
    async push(_space, events) {
      head += events.length;
      return { accepted: [], duplicates: [], conflicts: [], head };
    },
    async head() {
      return head;
    },
  };
}

async function tidelog(round: number, store: ServerEventStore = createMemoryServerStore()): Promise<number> {
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
  const app: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(await tidelog(3 * r));
    app.push(await tidelog(3 * r + 1, noopStore()));
    base.push(await raw(3 * r + 2));
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
    extra: {
      rounds: ROUNDS,
      pushesPerRound: PUSHES,
      'same server, a store that stores nothing, events/s': Math.round(median(app)),
      'same server, a store that stores nothing, ratio':
        Math.round((median(app) / baselineValue) * 1000) / 1000,
    },
  };
}
