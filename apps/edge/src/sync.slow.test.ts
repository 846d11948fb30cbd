import 'fake-indexeddb/auto';
import { createTidelog, type Tidelog } from '@tidelog/client';
import { createTestDevice } from '@tidelog/client/testing';
import { DomainError, defineAggregate, fold, type PositionedEnvelope, uuidv7 } from '@tidelog/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEdge, startLocalEdge } from './local.js';

// Two Node clients (the real runtime and sync engine, each with its own fake-indexeddb)
// sync through apps/edge running in workerd on loopback, and converge.

const Account = defineAggregate({
  type: 'account',
  initialState: { balance: 0, entries: 0 },
  events: {
    Deposited: (s, e: { amount: number }) => {
      s.balance += e.amount;
      s.entries++;
    },
    Withdrawn: (s, e: { amount: number }) => {
      s.balance -= e.amount;
      s.entries++;
    },
  },
  commands: {
    deposit: (_s, p: { amount: number }) => ({ type: 'Deposited', data: { amount: p.amount } }),
    withdraw: (s, p: { amount: number }) => {
      if (s.balance < p.amount) throw new DomainError('insufficient funds', { code: 'INSUFFICIENT_FUNDS' });
      return { type: 'Withdrawn', data: { amount: p.amount } };
    },
  },
});
type Runtime = Tidelog<typeof Account>;

const TOKEN = 'device-token';

describe('Node sync clients against the Worker in workerd', () => {
  let edge: LocalEdge;
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    edge = await startLocalEdge({ port: 0, vars: { TIDELOG_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }) } });
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    await edge?.close();
  });

  async function device(
    space: string,
    live: boolean,
  ): Promise<{ runtime: Runtime; link: ReturnType<typeof createTestDevice>['link'] }> {
    const d = createTestDevice({
      server: { url: edge.url.origin, fetch },
      space,
      token: TOKEN,
      live,
      name: uuidv7(),
    });
    const runtime = await createTidelog({ aggregates: [Account], ...d.options() });
    runtimes.push(runtime);
    return { runtime, link: d.link };
  }

  /** Every event of the space, read from the Worker. */
  async function serverEvents(space: string): Promise<PositionedEnvelope[]> {
    const res = await fetch(new URL(`/v1/spaces/${space}/pull?limit=5000`, edge.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return ((await res.json()) as { events: PositionedEnvelope[] }).events;
  }

  /** Sync every runtime until nothing is pending and all stand at the same cursor. */
  async function syncAll(all: Runtime[]): Promise<void> {
    for (let pass = 0; pass < 6; pass++) {
      for (const runtime of all) {
        await runtime.settled();
        await runtime.sync.now();
        await runtime.settled();
      }
      if (
        all.every((r) => r.sync.status.pending === 0) &&
        new Set(all.map((r) => r.sync.status.cursor)).size === 1
      ) {
        for (const runtime of all) await runtime.sync.now();
        await Promise.all(all.map((r) => r.settled()));
        return;
      }
    }
    throw new Error(`no convergence: ${JSON.stringify(all.map((r) => r.sync.status))}`);
  }

  it('offline edits on two devices converge on the server fold, one command rejected by the rebase', async () => {
    const space = `sync-${uuidv7()}`;
    const a = await device(space, false);
    const b = await device(space, false);
    await a.runtime.execute(Account, 'acc-1', 'deposit', { amount: 10 });
    await syncAll([a.runtime, b.runtime]);
    a.link.offline();
    b.link.offline();
    await a.runtime.execute(Account, 'acc-1', 'withdraw', { amount: 8 });
    await a.runtime.execute(Account, 'acc-2', 'deposit', { amount: 4 });
    await b.runtime.execute(Account, 'acc-1', 'withdraw', { amount: 7 }); // fits only before a's withdrawal
    await b.runtime.execute(Account, 'acc-1', 'deposit', { amount: 1 });
    a.link.online();
    await a.runtime.sync.now();
    b.link.online();
    await syncAll([a.runtime, b.runtime]);

    const events = await serverEvents(space);
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
    for (const streamId of ['acc-1', 'acc-2']) {
      const own = events.filter((e) => e.streamId === streamId);
      const expected = { state: fold(Account, Account.initialState, own), version: own.length };
      for (const runtime of [a.runtime, b.runtime]) {
        const { state, version } = await runtime.load(Account, streamId);
        expect({ state, version }).toEqual(expected);
      }
    }
    expect((await a.runtime.load(Account, 'acc-1')).state.balance).toBe(3); // 10 − 8 + 1
    expect(await b.runtime.rejected()).toMatchObject([
      { entry: { command: 'withdraw', payload: { amount: 7 } }, error: { code: 'INSUFFICIENT_FUNDS' } },
    ]);
    for (const runtime of [a.runtime, b.runtime]) {
      expect(runtime.sync.status).toMatchObject({ pending: 0, cursor: events.length });
    }
  });

  it('a live device receives another device’s events over SSE from the Durable Object', async () => {
    const space = `live-${uuidv7()}`;
    const writer = await device(space, false);
    const reader = await device(space, true);
    await reader.runtime.sync.now();
    const caughtUp = new Promise<void>((resolve) => {
      const stop = reader.runtime.sync.subscribe(() => {
        if (reader.runtime.sync.status.cursor >= 2) {
          stop();
          resolve();
        }
      });
    });
    await writer.runtime.execute(Account, 'acc-9', 'deposit', { amount: 5 });
    await writer.runtime.execute(Account, 'acc-9', 'deposit', { amount: 6 });
    await writer.runtime.sync.now();
    await caughtUp; // no now() on the reader: the events came over the live stream
    await reader.runtime.settled();
    expect((await reader.runtime.load(Account, 'acc-9')).state).toEqual({ balance: 11, entries: 2 });
  });
});
