import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestLink, createTestServer, type LinkFault, type TestLink } from '../testing/index.js';
import { createSyncEngine, type SyncEngine } from './engine.js';
import { TestHost } from './test-host.js';

// The loop alone (a test host that decides displaced commands again without rules), under
// a faulty link: whatever the interleaving, once faults stop and everyone syncs, every
// device holds the server's log and every command is on the server exactly once.
const SPACE = 'p';
const FAULTS: LinkFault[] = ['drop-request', 'drop-response', 'unavailable'];

const steps = (clients: number) => {
  const client = fc.nat({ max: clients - 1 });
  return fc.array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('command' as const),
          client,
          stream: fc.nat({ max: 2 }),
          count: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('now' as const), client }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constantFrom(
            'offline' as const,
            'online' as const,
            'cut-live' as const,
            'restart' as const,
          ),
          client,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('fail-next' as const),
          client,
          fault: fc.constantFrom(...FAULTS),
          count: fc.integer({ min: 1, max: 3 }),
        }),
      },
    ),
    { minLength: 5, maxLength: 30 },
  );
};

const scenario = fc.integer({ min: 3, max: 5 }).chain((clients) =>
  fc.record({
    clients: fc.constant(clients),
    live: fc.array(fc.boolean(), { minLength: clients, maxLength: clients }),
    steps: steps(clients),
  }),
);

describe('sync loop (fast-check): faulty links, restarts, live', () => {
  it('ends with every device holding the server log, every command on it once', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ clients, live, steps }) => {
        const server = await createTestServer();
        const hosts: TestHost[] = [];
        const links: TestLink[] = [];
        const engines: SyncEngine[] = [];
        const start = (i: number) =>
          createSyncEngine(
            hosts[i] as TestHost,
            { url: server.url, space: SPACE, fetch: (links[i] as TestLink).fetch, live: live[i] ?? false },
            { backoff: { baseMs: 1, maxMs: 20 } },
          );
        const commands: { eventIds: string[] }[] = [];
        try {
          for (let i = 0; i < clients; i++) {
            hosts.push(new TestHost());
            links.push(createTestLink(server.fetch));
            engines.push(start(i));
          }
          for (const step of steps) {
            const i = step.client;
            const link = links[i] as TestLink;
            if (step.kind === 'command')
              commands.push(await (hosts[i] as TestHost).command(`s-${step.stream}`, step.count));
            else if (step.kind === 'now') await (engines[i] as SyncEngine).now().catch(() => undefined);
            else if (step.kind === 'offline') link.offline();
            else if (step.kind === 'online') link.online();
            else if (step.kind === 'cut-live') link.cutLive();
            else if (step.kind === 'fail-next') link.failNext(step.fault, step.count);
            else {
              await (engines[i] as SyncEngine).close();
              engines[i] = start(i);
            }
          }
          for (const link of links) link.heal();
          for (let pass = 0; pass < 2; pass++) for (const engine of engines) await engine.now();

          const log = await server.events(SPACE);
          const ids = new Set(log.map((e) => e.id));
          expect(ids.size).toBe(log.length);
          for (const command of commands) for (const id of command.eventIds) expect(ids.has(id)).toBe(true);
          expect(log.length).toBe(commands.reduce((n, c) => n + c.eventIds.length, 0));
          for (let i = 0; i < clients; i++) {
            const host = hosts[i] as TestHost;
            expect(await host.store.readOutbox()).toEqual([]);
            expect((engines[i] as SyncEngine).status).toMatchObject({ pending: 0, cursor: log.length });
            const local = (await host.store.readAll()).map((e) => [e.id, e.position]);
            expect(local).toEqual(log.map((e) => [e.id, e.position]));
          }
        } finally {
          for (const engine of engines) await engine.close();
          await server.close();
        }
      }),
      { numRuns: 50, endOnFailure: true },
    );
  }, 60_000);
});
