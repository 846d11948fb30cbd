import { ClosedError, ConcurrencyError, DomainError, MemoryEventStore } from '@tidelog/core';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownAggregateError } from '../errors.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import { Counter, Drain, Totals } from '../test-fixtures.js';
import type { AggregateSnapshot } from '../types.js';
import { connectPort } from './connect.js';
import { localLink } from './links.js';
import { TidelogClient } from './remote-client.js';
import { servePort } from './serve.js';

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

/** A runtime served over an in-process MessageChannel, as a SharedWorker would serve it. */
async function setup() {
  const runtime = createTidelog({
    aggregates: [Counter],
    projections: [Totals],
    processManagers: [Drain],
    store: () => new MemoryEventStore(),
  });
  const connect = async () => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    servePort(runtime as Promise<Tidelog>, port1);
    return connectPort<typeof Counter>(port2);
  };
  return { runtime: await runtime, connect };
}

function nextValue<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean,
) {
  return new Promise<T>((resolve) => {
    const off = subscribe((value) => {
      if (!accept(value)) return;
      off();
      resolve(value);
    });
  });
}

describe('worker bridge over MessageChannel', () => {
  it('runs commands and returns the new state', async () => {
    const { connect } = await setup();
    const client = await connect();
    expect(client.storage).toBe('memory');
    const result = await client.execute(Counter, 'c-1', 'increment', { by: 2 });
    expect(result).toMatchObject({ state: { count: 2 }, version: 1 });
    expect(await client.load(Counter, 'c-1')).toMatchObject({ state: { count: 2 } });
    await client.close();
  });

  it('keeps error classes, codes and fields across the boundary', async () => {
    const { connect } = await setup();
    const client = await connect();
    await client.execute(Counter, 'c-1', 'increment', { by: 1 });
    const domain = await client.execute(Counter, 'c-1', 'decrement', { by: 9 }).catch((e: unknown) => e);
    expect(domain).toBeInstanceOf(DomainError);
    expect(domain).toMatchObject({ name: 'DomainError', code: 'INSUFFICIENT', data: { count: 1 } });
    const conflict = await client
      .execute(Counter, 'c-1', 'increment', { by: 1 }, { expectedVersion: 5 })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConcurrencyError);
    expect(conflict).toMatchObject({
      code: 'VERSION_CONFLICT',
      streamId: 'c-1',
      expectedVersion: 5,
      actualVersion: 1,
    });
    const unknown = await client.load({ ...Counter, type: 'nope' }, 'x').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownAggregateError);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_AGGREGATE', aggregateType: 'nope' });
    await client.close();
  });

  it('delivers a command made in one tab to a subscription in another', async () => {
    const { connect } = await setup();
    const [a, b] = [await connect(), await connect()];
    b.subscribe(Counter, 'c-1', () => undefined);
    const seen = nextValue<AggregateSnapshot<{ count: number }>>(
      (l) => b.subscribe(Counter, 'c-1', l),
      (s) => s.version === 2,
    );
    const projection = nextValue<{ state: { total: number } }>(
      (l) => b.subscribeProjection(Totals, l),
      (s) => s.state.total === 5,
    );
    await a.execute(Counter, 'c-1', 'increment', { by: 2 });
    await a.execute(Counter, 'c-1', 'increment', { by: 3 });
    expect((await seen).state).toEqual({ count: 5 });
    await projection;
    expect(b.getSnapshot(Counter, 'c-1')).toMatchObject({ version: 2 });
    await a.close();
    await b.close();
  });

  it('shows the new state synchronously after execute in the tab that ran it', async () => {
    const { connect } = await setup();
    const client = await connect();
    await new Promise((resolve) => client.subscribe(Counter, 'c-1', resolve));
    await client.execute(Counter, 'c-1', 'increment', { by: 4 });
    expect(client.getSnapshot(Counter, 'c-1')).toMatchObject({ state: { count: 4 }, version: 1 });
    await client.close();
  });

  it('pushes dead letters to connected pages', async () => {
    const { connect } = await setup();
    const client = await connect();
    const letter = new Promise<string>((resolve) =>
      client.subscribeDeadLetters((l) => resolve(l.error.code)),
    );
    await client.execute(Counter, 'source', 'increment', { by: 1 });
    expect(await letter).toBe('INSUFFICIENT');
    expect(await client.deadLetters()).toHaveLength(1);
    await client.close();
  });

  it('releases subscriptions on unsubscribe and on close', async () => {
    const { runtime, connect } = await setup();
    const client = await connect();
    const off = client.subscribe(Counter, 'c-1', () => undefined);
    client.subscribeProjection(Totals, () => undefined);
    const offLetters = client.subscribeDeadLetters(() => undefined);
    await client.settled();
    expect(runtime.debug().listeners).toBe(3);
    off();
    // An unsubscribe is a message: wait until the runtime has it by making a round trip.
    await client.settled();
    expect(runtime.debug().listeners).toBe(2); // the projection and the dead letters
    offLetters();
    await client.settled();
    expect(runtime.debug().listeners).toBe(1);
    client.subscribeDeadLetters(() => undefined);
    await client.settled();
    expect(runtime.debug().listeners).toBe(2);
    await client.close();
    expect(runtime.debug().listeners).toBe(0);
  });

  it('leaves no listeners after 100 open/subscribe/close cycles', async () => {
    const { runtime, connect } = await setup();
    const observer = await connect();
    const baseline = await observer.liveListeners();
    for (let i = 0; i < 100; i++) {
      const client = await connect();
      const got = nextValue<AggregateSnapshot<{ count: number }>>(
        (l) => client.subscribe(Counter, `c-${i % 3}`, l),
        () => true,
      );
      client.subscribeProjection(Totals, () => undefined);
      client.subscribeDeadLetters(() => undefined);
      await client.execute(Counter, `c-${i % 3}`, 'increment', { by: 1 });
      await got;
      await client.close();
    }
    expect(await observer.liveListeners()).toBe(baseline);
    expect(runtime.debug().listeners).toBe(baseline);
    await observer.close();
    expect(runtime.debug().listeners).toBe(0);
  });

  it('ends a session whose port closes without saying goodbye', async () => {
    const runtime = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    const { port1, port2 } = new MessageChannel();
    servePort(Promise.resolve(runtime as Tidelog), port1);
    const client = await connectPort<typeof Counter>(port2);
    await new Promise((resolve) => client.subscribe(Counter, 'c-1', resolve));
    client.subscribeDeadLetters(() => undefined);
    await client.settled();
    expect(runtime.debug().listeners).toBe(2); // the stream and the dead letters
    const ended = new Promise((resolve) => port1.addEventListener('close', resolve));
    port2.close();
    await ended;
    expect(runtime.debug().listeners).toBe(0);
  });

  it('refuses calls after close, as the runtime does', async () => {
    const { runtime, connect } = await setup();
    const client = await connect();
    await client.close();
    await expect(client.execute(Counter, 'c-1', 'increment', { by: 1 })).rejects.toMatchObject({
      name: 'ClosedError',
      code: 'CLOSED',
    });
    await expect(client.retryDeadLetter('x')).rejects.toBeInstanceOf(ClosedError);
    await expect(client.clearDeadLetters()).rejects.toBeInstanceOf(ClosedError);
    expect(() => client.subscribeDeadLetters(() => undefined)).toThrow(ClosedError);
    expect(() => client.subscribe(Counter, 'c-1', () => undefined)).toThrow(ClosedError);
    await client.settled();
    // The runtime itself lives on for the other pages.
    expect((await runtime.execute(Counter, 'c-1', 'increment', { by: 1 })).version).toBe(1);
  });

  it('closes the in-page fallback runtime with its client, as close() does in-process', async () => {
    const runtime = await createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    });
    const client = new TidelogClient<typeof Counter>(
      localLink(Promise.resolve(runtime as Tidelog)),
      'in-page',
    );
    await client.ready;
    client.subscribeDeadLetters(() => undefined);
    await client.execute(Counter, 'c-1', 'increment', { by: 1 });
    await client.close();
    expect(runtime.debug().listeners).toBe(0);
    await expect(runtime.deadLetters()).rejects.toBeInstanceOf(ClosedError);
  });
});
