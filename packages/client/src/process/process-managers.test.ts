import { type DeadLetter, MemoryEventStore, type PositionedEnvelope } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { createTidelog } from '../runtime.js';
import { Counter, Drain, Echo, Journal, Log, Mirror, Totals } from '../test-fixtures.js';
import { defineProcessManager, dispatch } from './process-manager.js';
import { barrier, intercept } from './process-test-stores.js';

describe('process managers', () => {
  it('react to events by running commands on other streams, with correlation and causation', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store: () => new MemoryEventStore(),
    });
    const { events } = await tidelog.execute(Counter, 'c-1', 'increment', { by: 3 });
    await tidelog.settled();
    const mirrored = await tidelog.store.readStream('mirror-c-1');
    expect(mirrored).toHaveLength(1);
    expect(mirrored[0]).toMatchObject({ type: 'Incremented', data: { by: 3 } });
    expect(mirrored[0]!.meta).toMatchObject({
      correlationId: events[0]!.meta.commandId,
      causationId: events[0]!.id,
      causationDepth: 1,
      processManager: 'mirror',
    });
    expect(await tidelog.deadLetters()).toEqual([]);
  });

  it('put a failing dispatch on the dead-letter list', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    });
    const letters: string[] = [];
    tidelog.subscribeDeadLetters((l) => letters.push(l.error.code));
    await tidelog.execute(Counter, 'source', 'increment', { by: 1 });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    expect(letter).toMatchObject({
      processManager: 'drain',
      event: { streamId: 'source', type: 'Incremented' },
      dispatch: { aggregateType: 'counter', streamId: 'empty', command: 'decrement', payload: { by: 1 } },
      error: { name: 'DomainError', code: 'INSUFFICIENT' },
    });
    expect(letters).toEqual(['INSUFFICIENT']);
    expect(await tidelog.store.streamVersion('empty')).toBe(0);
  });

  it('put a handler that throws on the dead-letter list', async () => {
    const Broken = defineProcessManager({
      name: 'broken',
      events: {
        Incremented: () => {
          throw new Error('handler bug');
        },
      },
    });
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Broken],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    expect(letter).toMatchObject({ processManager: 'broken', error: { message: 'handler bug' } });
    expect(letter!.dispatch).toBeUndefined();
  });

  it('never loop forever: a self-feeding chain stops at maxDepth with PROCESS_LOOP', async () => {
    const tidelog = await createTidelog({
      aggregates: [Log],
      processManagers: [Echo],
      store: () => new MemoryEventStore(),
    });
    const { events } = await tidelog.execute(Log, 'l-1', 'write', { line: 'hi' });
    await tidelog.settled();
    // The app's event plus maxDepth (5) echoes, then the loop is cut.
    expect(await tidelog.store.streamVersion('l-1')).toBe(6);
    const letters = await tidelog.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      processManager: 'echo',
      error: { name: 'ProcessLoopError', code: 'PROCESS_LOOP', details: { depth: 6 } },
      event: { meta: { correlationId: events[0]!.meta.commandId } },
    });
  });

  it('does not react to events made on other devices', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store: () => new MemoryEventStore(),
    });
    await tidelog.store.appendToStream('c-9', [
      { type: 'Incremented', data: { by: 1 }, meta: { clientId: 'other' } },
    ]);
    await tidelog.settled();
    expect(await tidelog.store.streamVersion('mirror-c-9')).toBe(0);
  });

  it('keep a checkpoint: a runtime started again on the same store does not react again', async () => {
    const store = new MemoryEventStore();
    const first = await createTidelog({ aggregates: [Counter], processManagers: [Mirror], store });
    await first.execute(Counter, 'c-1', 'increment', { by: 1 });
    await first.execute(Counter, 'c-2', 'increment', { by: 2 });
    await first.close();
    expect(await store.getProcessCheckpoint('mirror')).toEqual({ name: 'mirror', position: 4, handled: [] });
    const second = await createTidelog({ aggregates: [Counter], processManagers: [Mirror], store });
    await second.settled();
    expect([await store.streamVersion('mirror-c-1'), await store.streamVersion('mirror-c-2')]).toEqual([
      1, 1,
    ]);
    await second.close();
  });

  it('start at the head the first time: the history is not replayed, what follows is', async () => {
    const store = new MemoryEventStore();
    const before = await createTidelog({ aggregates: [Counter], store });
    await before.execute(Counter, 'old', 'increment', { by: 1 });
    await before.close();
    // An app version that adds the process manager: it must not react to events an older
    // version made (and may have reacted to already).
    const after = await createTidelog({ aggregates: [Counter], processManagers: [Mirror], store });
    await after.settled();
    expect(await store.getProcessCheckpoint('mirror')).toEqual({ name: 'mirror', position: 1, handled: [] });
    await after.execute(Counter, 'new', 'increment', { by: 1 });
    await after.settled();
    expect([await store.streamVersion('mirror-old'), await store.streamVersion('mirror-new')]).toEqual([
      0, 1,
    ]);
    await after.close();
  });

  it('read a gap in the log (a batch it was not told of) and react to what it missed first', async () => {
    const store = new MemoryEventStore();
    let deaf = true;
    const lossy = intercept(store, {
      subscribe: (listener) => store.subscribe((events) => (deaf ? undefined : listener(events))),
    });
    const tidelog = await createTidelog({
      aggregates: [Counter, Log],
      processManagers: [Journal],
      store: lossy,
    });
    await tidelog.execute(Counter, 'a', 'increment', { by: 1 });
    deaf = false;
    await tidelog.execute(Counter, 'b', 'increment', { by: 2 });
    await tidelog.settled();
    expect((await store.readStream('journal')).map((e) => e.data.line)).toEqual(['a@1+1', 'b@1+2']);
    await tidelog.close();
  });

  it('save the checkpoint after reactions with effects, not after each event a handler passes over', async () => {
    const store = new MemoryEventStore();
    let saves = 0;
    const counted = intercept(store, {
      putProcessCheckpoint: (cp) => {
        saves++;
        return store.putProcessCheckpoint(cp);
      },
    });
    // Reacts to every Incremented, dispatches only for big ones.
    const BigOnly = defineProcessManager({
      name: 'big-only',
      events: {
        Incremented: (e) =>
          (e.data as { by: number }).by >= 10
            ? dispatch(Counter, `big-${e.streamId}`, 'increment', { by: 1 })
            : undefined,
      },
    });
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [BigOnly],
      store: counted,
      checkpointEvery: 50,
    });
    await tidelog.settled();
    const opened = saves;
    for (let i = 0; i < 20; i++) await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    await tidelog.settled();
    expect(saves - opened).toBe(0);
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 10 });
    await tidelog.settled();
    expect(saves - opened).toBe(1); // saved with the effect: a restart will not run it again
    expect(await store.getProcessCheckpoint('big-only')).toMatchObject({ position: 21 });
    expect(await store.streamVersion('big-c-1')).toBe(1);
    await tidelog.close();
  });

  it('take no batch before their checkpoint is loaded, even one committed while projections start', async () => {
    const store = new MemoryEventStore();
    const seen: string[] = [];
    const Counting = defineProcessManager({
      name: 'counting',
      events: {
        Incremented: (e) => {
          seen.push(e.id);
          return [];
        },
      },
    });
    const first = await createTidelog({ aggregates: [Counter], processManagers: [Counting], store });
    const { events } = await first.execute(Counter, 'c-1', 'increment', { by: 1 });
    await first.close();
    expect(seen).toEqual([events[0]!.id]);

    // A projection's start waits; meanwhile another writer on the same store commits.
    const gate = barrier();
    const slow = intercept(store, {
      getCheckpoint: async (name) => {
        await gate.wait();
        return store.getCheckpoint(name);
      },
    });
    const starting = createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      processManagers: [Counting],
      store: slow,
    });
    await gate.reached;
    // (Another runtime of this device: process managers react to their own device's events.)
    const meta = { clientId: first.clientId };
    const {
      events: [other],
    } = await store.appendToStream('c-2', [{ type: 'Incremented', data: { by: 2 }, meta }]);
    gate.release();
    const second = await starting;
    await second.settled();
    // Not the history again (a batch run at position 0 would re-scan from the start).
    expect(seen).toEqual([events[0]!.id, other!.id]);
    await second.close();
  });

  it('react to pending events once, and forget them once confirmed', async () => {
    const store = new MemoryEventStore();
    const first = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store,
      pending: true,
    });
    const { events } = await first.execute(Counter, 'c-1', 'increment', { by: 4 });
    await first.settled();
    const mirror = await store.readPending({ streamId: 'mirror-c-1' });
    expect(mirror.map((e) => e.data)).toEqual([{ by: 4 }]);
    // Saved with the reaction that dispatched; the mirrored event (no effect) joins on close.
    expect((await store.getProcessCheckpoint('mirror'))?.handled).toEqual([events[0]!.id]);
    await first.close();
    expect((await store.getProcessCheckpoint('mirror'))?.handled.sort()).toEqual(
      [events[0]!.id, mirror[0]!.id].sort(),
    );

    // Started again before the server answered: the pending events were handled already.
    const second = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store,
      pending: true,
    });
    await second.settled();
    expect(await store.streamVersion('mirror-c-1')).toBe(1);
    const confirmed = [...events, ...mirror].map((e, i) => ({ ...e, position: i + 1 }) as PositionedEnvelope);
    await second.confirm(confirmed);
    await second.settled();
    // Confirmations with nothing to react to cost no write per pull: the checkpoint moves in
    // memory (saved every `checkpointEvery` events) and is saved on close.
    expect((await store.getProcessCheckpoint('mirror'))?.position).toBe(0);
    await second.close();
    expect(await store.getProcessCheckpoint('mirror')).toEqual({ name: 'mirror', position: 2, handled: [] });

    const third = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store,
      pending: true,
    });
    await third.settled();
    expect(await store.streamVersion('mirror-c-1')).toBe(1);
    await third.close();
  });

  it('retry a dead letter: rejects while it still fails (the letter stays), then goes through', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    });
    const told: DeadLetter[] = [];
    tidelog.subscribeDeadLetters((l) => told.push(l));
    await tidelog.execute(Counter, 'source', 'increment', { by: 1 });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    await expect(tidelog.retryDeadLetter(letter!.id)).rejects.toMatchObject({ code: 'INSUFFICIENT' });
    expect((await tidelog.deadLetters()).map((l) => l.id)).toEqual([letter!.id]);
    expect(told).toHaveLength(2);
    await tidelog.execute(Counter, 'empty', 'increment', { by: 5 });
    await expect(tidelog.retryDeadLetter(letter!.id)).resolves.toBe(true);
    expect(await tidelog.load(Counter, 'empty')).toMatchObject({ state: { count: 4 } });
    expect(await tidelog.deadLetters()).toEqual([]);
  });

  it('retry a handler that threw once the app fixed it; its dispatches run', async () => {
    let fixed = false;
    const Flaky = defineProcessManager({
      name: 'flaky',
      events: {
        Incremented: (e) => {
          if (!fixed) throw new Error('not yet');
          return e.streamId === 'c-1' ? dispatch(Counter, 'out', 'increment', { by: 1 }) : [];
        },
      },
    });
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Flaky],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    expect(letter).toMatchObject({ error: { message: 'not yet' } });
    await expect(tidelog.retryDeadLetter(letter!.id)).rejects.toThrow('not yet');
    fixed = true;
    expect(await tidelog.retryDeadLetter(letter!.id)).toBe(true);
    await tidelog.settled();
    expect(await tidelog.store.streamVersion('out')).toBe(1);
    expect(await tidelog.deadLetters()).toEqual([]);
  });

  it('a retried loop letter is still a loop', async () => {
    const tidelog = await createTidelog({
      aggregates: [Log],
      processManagers: [Echo],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Log, 'l-1', 'write', { line: 'hi' });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    await expect(tidelog.retryDeadLetter(letter!.id)).rejects.toMatchObject({ code: 'PROCESS_LOOP' });
    expect(await tidelog.store.streamVersion('l-1')).toBe(6);
    expect(await tidelog.deadLetters()).toHaveLength(1);
  });

  it('clear dead letters by id or all', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Counter, 'source', 'increment', { by: 1 });
    await tidelog.execute(Counter, 'source', 'increment', { by: 1 });
    await tidelog.settled();
    const [a, b] = await tidelog.deadLetters();
    expect(a!.id).not.toBe(b!.id);
    await tidelog.clearDeadLetters([a!.id]);
    expect((await tidelog.deadLetters()).map((l) => l.id)).toEqual([b!.id]);
    expect(await tidelog.retryDeadLetter(a!.id)).toBe(false);
    await tidelog.clearDeadLetters();
    expect(await tidelog.deadLetters()).toEqual([]);
  });

  it('a dead letter of a process manager the runtime no longer has cannot be retried', async () => {
    const store = new MemoryEventStore();
    const first = await createTidelog({ aggregates: [Counter], processManagers: [Drain], store });
    await first.execute(Counter, 'source', 'increment', { by: 1 });
    await first.close();
    const second = await createTidelog({ aggregates: [Counter], store });
    const [letter] = await second.deadLetters();
    await expect(second.retryDeadLetter(letter!.id)).rejects.toMatchObject({
      code: 'UNKNOWN_PROCESS_MANAGER',
      processManager: 'drain',
    });
  });
});
