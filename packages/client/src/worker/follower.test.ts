import { DomainError, MemoryEventStore } from '@tidelog/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTidelog, type Tidelog } from '../runtime.js';
import { Counter, Drain } from '../test-fixtures.js';
import type { AggregateSnapshot } from '../types.js';
import { registerErrorTransfer } from './error-transfer.js';
import { followerLink, serveFollowers } from './follower.js';
import { portLink } from './links.js';
import { TidelogClient } from './remote-client.js';
import { servePort } from './serve.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A leader tab: a runtime behind ports (standing in for its dedicated worker) relayed over BroadcastChannel. */
function leader(name: string, runtime: Promise<Tidelog>) {
  const stop = serveFollowers(name, () => {
    const { port1, port2 } = new MessageChannel();
    servePort(runtime, port1);
    cleanups.push(() => port1.close());
    return portLink(port2);
  });
  cleanups.push(stop);
  return stop;
}

async function follower(name: string) {
  let client: TidelogClient<typeof Counter> | undefined;
  let onReattached!: (done: Promise<void>) => void;
  const reattached = new Promise<Promise<void>>((resolve) => {
    onReattached = resolve;
  });
  const link = followerLink(name, () => {
    if (client) onReattached(client.reattach(link, 'follower'));
  });
  cleanups.push(() => link.close?.());
  await link.leaderReady;
  client = new TidelogClient<typeof Counter>(link, 'follower');
  await client.ready;
  return { client, reattached };
}

describe('follower tabs over BroadcastChannel', () => {
  registerErrorTransfer();

  it('run commands and get pushes through the leader', async () => {
    const runtime = createTidelog({
      aggregates: [Counter],
      store: () => new MemoryEventStore(),
    }) as Promise<Tidelog>;
    leader('app-1', runtime);
    const { client } = await follower('app-1');
    expect(client.mode).toBe('follower');
    expect(client.storage).toBe('memory');
    const seen = new Promise<AggregateSnapshot<{ count: number }>>((resolve) =>
      client.subscribe(Counter, 'c-1', (s) => s.version === 1 && resolve(s)),
    );
    await (await runtime).execute(Counter, 'c-1', 'increment', { by: 3 });
    expect((await seen).state).toEqual({ count: 3 });
    const error = await client.execute(Counter, 'c-1', 'decrement', { by: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT', data: { count: 3 } });
    await client.close();
    expect((await runtime).debug().listeners).toBe(0);
  });

  it('subscribe again when a new leader takes over', async () => {
    const runtime = createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    }) as Promise<Tidelog>;
    const stopFirst = leader('app-2', runtime);
    const { client, reattached } = await follower('app-2');
    await new Promise((resolve) => client.subscribe(Counter, 'c-1', resolve));
    const letter = new Promise<string>((resolve) =>
      client.subscribeDeadLetters((l) => resolve(l.error.code)),
    );
    await client.settled();
    expect((await runtime).debug().listeners).toBe(2);
    await stopFirst();
    // The old leader's worker sessions end with it.
    expect((await runtime).debug().listeners).toBe(0);
    // The new leader serves the same database (the runtime stands in for it).
    leader('app-2', runtime);
    const second = new Promise<AggregateSnapshot<{ count: number }>>((resolve) =>
      client.subscribe(Counter, 'c-1', (s) => s.version === 1 && resolve(s)),
    );
    await await reattached;
    await client.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect((await second).state).toEqual({ count: 1 });
    // The dead-letter subscription was made again on the new leader too.
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    expect(await letter).toBe('INSUFFICIENT');
    await client.close();
    expect((await runtime).debug().listeners).toBe(0);
  });
});
