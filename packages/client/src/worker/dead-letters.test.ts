import { type DeadLetter, DomainError, MemoryEventStore } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { UnknownProcessManagerError } from '../errors.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import { Counter, Drain } from '../test-fixtures.js';
import { registerErrorTransfer } from './error-transfer.js';
import { clientModes } from './test-client-modes.js';

const { overPort, asFollower, inPage } = clientModes('dead-letters');

/** Resolves with the next `count` values a subscription delivers, then unsubscribes. */
function collect<T>(subscribe: (listener: (value: T) => void) => () => void, count: number) {
  return new Promise<T[]>((resolve) => {
    const seen: T[] = [];
    const off = subscribe((value) => {
      seen.push(value);
      if (seen.length < count) return;
      off();
      resolve(seen);
    });
  });
}

const modes = [
  ['a worker port (SharedWorker, dedicated Worker)', overPort],
  ['a follower tab (BroadcastChannel to the leader)', asFollower],
  ['the in-page fallback', inPage],
] as const;

describe.each(modes)('dead letters through %s', (_mode, connect) => {
  registerErrorTransfer();

  it('are pushed, read, retried and cleared from the page', async () => {
    const runtime = createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    }) as Promise<Tidelog>;
    const client = await connect(runtime);
    const first = collect<DeadLetter>((l) => client.subscribeDeadLetters(l), 1);
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    const [letter] = await first;
    expect(letter).toMatchObject({
      processManager: 'drain',
      dispatch: { streamId: 'empty', command: 'decrement' },
      error: { name: 'DomainError', code: 'INSUFFICIENT' },
    });
    expect((await client.deadLetters()).map((l) => l.id)).toEqual([letter!.id]);

    // Still failing: rejects with the command's error, class and fields kept; the letter
    // stays and is announced again.
    const again = collect<DeadLetter>((l) => client.subscribeDeadLetters(l), 1);
    const error = await client.retryDeadLetter(letter!.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT', data: { count: 0 } });
    expect((await again)[0]?.id).toBe(letter!.id);
    expect(await client.deadLetters()).toHaveLength(1);

    // Once the stream can take it, the retry goes through and the letter is gone.
    await client.execute(Counter, 'empty', 'increment', { by: 1 });
    expect(await client.retryDeadLetter(letter!.id)).toBe(true);
    expect(await client.deadLetters()).toEqual([]);
    expect(await client.load(Counter, 'empty')).toMatchObject({ state: { count: 0 }, version: 2 });
    expect(await client.retryDeadLetter(letter!.id)).toBe(false);

    // Clear some by id, then all.
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    await client.settled();
    const [a, b, c] = await client.deadLetters();
    await client.clearDeadLetters([a!.id]);
    expect((await client.deadLetters()).map((l) => l.id)).toEqual([b!.id, c!.id]);
    await client.clearDeadLetters();
    expect(await client.deadLetters()).toEqual([]);
    await client.close();
    expect((await runtime).debug().listeners).toBe(0);
  });

  it('hold one runtime listener while the page listens, released on unsubscribe', async () => {
    const runtime = createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    }) as Promise<Tidelog>;
    const client = await connect(runtime);
    const rt = await runtime;
    expect(rt.debug().listeners).toBe(0);
    const offA = client.subscribeDeadLetters(() => undefined);
    const seen: string[] = [];
    const offB = client.subscribeDeadLetters((l) => seen.push(l.id));
    await client.settled(); // a round trip: the runtime has the subscription now
    expect(rt.debug().listeners).toBe(1);
    offA();
    await client.settled();
    expect(rt.debug().listeners).toBe(1);
    offB();
    offB(); // twice is harmless
    await client.settled();
    expect(rt.debug().listeners).toBe(0);
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    await client.settled();
    expect(await client.deadLetters()).toHaveLength(1);
    expect(seen).toEqual([]);
    await client.close();
  });

  it('keep the runtime error class when the letter cannot be retried here', async () => {
    const store = new MemoryEventStore();
    const before = await createTidelog({ aggregates: [Counter], processManagers: [Drain], store });
    await before.execute(Counter, 'source', 'increment', { by: 1 });
    await before.settled();
    await before.close();
    // The app dropped the process manager: its old letters can be read and cleared, not retried.
    const runtime = createTidelog({ aggregates: [Counter], store }) as Promise<Tidelog>;
    const client = await connect(runtime);
    const [letter] = await client.deadLetters();
    const error = await client.retryDeadLetter(letter!.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownProcessManagerError);
    expect(error).toMatchObject({
      name: 'UnknownProcessManagerError',
      code: 'UNKNOWN_PROCESS_MANAGER',
      processManager: 'drain',
    });
    await client.clearDeadLetters([letter!.id]);
    expect(await client.deadLetters()).toEqual([]);
    await client.close();
  });
});
