import 'fake-indexeddb/auto';
import { hasErrorCode } from '@tidelog/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestDevice, createTestServer, type LinkFault, type TestDevice } from '../testing/index.js';
import { Account, type AccountRuntime, openRuntime, serverFold, syncAll } from './sync-fixtures.js';

const SPACE = 'bank';
const STREAMS = ['acc-0', 'acc-1'];
const FAULTS: LinkFault[] = ['drop-request', 'drop-response', 'unavailable'];

type Action =
  | { kind: 'execute'; client: number; stream: number; command: 'deposit' | 'withdraw'; amount: number }
  | { kind: 'sync'; client: number }
  | { kind: 'offline'; client: number }
  | { kind: 'online'; client: number }
  | { kind: 'restart'; client: number }
  | { kind: 'cut-live'; client: number }
  | { kind: 'fail-next'; client: number; fault: LinkFault; count: number };

const action = (clients: number): fc.Arbitrary<Action> => {
  const client = fc.nat({ max: clients - 1 });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('execute' as const),
        client,
        stream: fc.nat({ max: STREAMS.length - 1 }),
        command: fc.constantFrom('deposit' as const, 'withdraw' as const),
        amount: fc.integer({ min: 1, max: 5 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), client }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut-live' as const), client }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('fail-next' as const),
        client,
        fault: fc.constantFrom(...FAULTS),
        count: fc.integer({ min: 1, max: 3 }),
      }),
    },
  );
};

const scenario = fc.integer({ min: 3, max: 5 }).chain((clients) =>
  fc.record({
    clients: fc.constant(clients),
    // Per client: whether it follows the server live, and a seed and rate for random faults.
    setup: fc.array(
      fc.record({
        live: fc.boolean(),
        seed: fc.integer(),
        faultRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
      }),
      { minLength: clients, maxLength: clients },
    ),
    actions: fc.array(action(clients), { minLength: 5, maxLength: 25 }),
  }),
);

/** A small seeded PRNG (mulberry32): the faults of a run replay with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Only what a faulty link may cause; anything else is a bug and fails the run. */
function expectedSyncFailure(error: unknown): boolean {
  return hasErrorCode(error, 'SYNC_UNREACHABLE') || hasErrorCode(error, 'SYNC_PROTOCOL');
}

describe('convergence (fast-check): faulty links, offline edits, restarts', () => {
  it('every device ends at the server fold; every command on the server once or rejected', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ clients, setup, actions }) => {
        const server = await createTestServer();
        const devices: TestDevice[] = [];
        const runtimes: AccountRuntime[] = [];
        const executed: { client: number; commandId: string }[] = [];
        try {
          for (let i = 0; i < clients; i++) {
            const { live, seed, faultRate } = setup[i] as (typeof setup)[number];
            const device = createTestDevice({ server, space: SPACE, live });
            const random = seeded(seed);
            device.link.setFaults(() =>
              random() < faultRate ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined,
            );
            devices.push(device);
            runtimes.push(await openRuntime(device));
          }
          for (const step of actions) {
            const device = devices[step.client] as TestDevice;
            const runtime = runtimes[step.client] as AccountRuntime;
            switch (step.kind) {
              case 'execute': {
                const streamId = STREAMS[step.stream] as string;
                try {
                  const result = await runtime.execute(Account, streamId, step.command, {
                    amount: step.amount,
                  });
                  const commandId = result.events[0]?.meta.commandId;
                  if (commandId) executed.push({ client: step.client, commandId });
                } catch (error) {
                  if (!hasErrorCode(error, 'INSUFFICIENT_FUNDS')) throw error;
                }
                break;
              }
              case 'sync':
                await runtime.sync.now().catch((error: unknown) => {
                  if (!expectedSyncFailure(error)) throw error;
                });
                break;
              case 'offline':
                device.link.offline();
                break;
              case 'online':
                device.link.online();
                break;
              case 'restart':
                await runtime.close();
                runtimes[step.client] = await openRuntime(device);
                break;
              case 'cut-live':
                device.link.cutLive();
                break;
              case 'fail-next':
                device.link.failNext(step.fault, step.count);
                break;
            }
          }
          for (const device of devices) device.link.heal();
          await syncAll(runtimes, 10);

          const log = await server.events(SPACE);
          for (const streamId of STREAMS) {
            const expected = serverFold(log, streamId);
            for (const runtime of runtimes) {
              const { state, version } = await runtime.load(Account, streamId);
              expect({ state, version }).toEqual(expected);
            }
          }
          for (const runtime of runtimes) {
            expect(runtime.sync.status).toMatchObject({ pending: 0, cursor: log.length });
          }
          const onServer = new Map<string, number>();
          for (const event of log) {
            const id = String(event.meta.commandId);
            onServer.set(id, (onServer.get(id) ?? 0) + 1);
          }
          const rejected = await Promise.all(
            runtimes.map(async (r) => new Set((await r.rejected()).map((x) => x.entry.commandId))),
          );
          for (const { client, commandId } of executed) {
            const stored = onServer.get(commandId) ?? 0;
            const refused = rejected[client]?.has(commandId) ?? false;
            expect({ commandId, stored, refused }).toEqual({
              commandId,
              stored: refused ? 0 : 1,
              refused,
            });
          }
          expect(onServer.size).toBe(executed.filter((e) => onServer.has(e.commandId)).length);
        } finally {
          for (const runtime of runtimes) await runtime.close();
          await server.close();
        }
      }),
      { numRuns: 20, endOnFailure: true },
    );
  }, 60_000);
});
