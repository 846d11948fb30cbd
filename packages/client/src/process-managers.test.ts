import { describe, expect, it } from 'vitest';
import { defineProcessManager } from './process-manager.js';
import { createTidelog } from './runtime.js';
import { Counter, Drain, Echo, Log, Mirror } from './test-fixtures.js';

describe('process managers', () => {
  it('react to events by running commands on other streams, with correlation and causation', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], processManagers: [Mirror] });
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
    const tidelog = await createTidelog({ aggregates: [Counter], processManagers: [Drain] });
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
    const tidelog = await createTidelog({ aggregates: [Counter], processManagers: [Broken] });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    await tidelog.settled();
    const [letter] = await tidelog.deadLetters();
    expect(letter).toMatchObject({ processManager: 'broken', error: { message: 'handler bug' } });
    expect(letter!.dispatch).toBeUndefined();
  });

  it('never loop forever: a self-feeding chain stops at maxDepth with PROCESS_LOOP', async () => {
    const tidelog = await createTidelog({ aggregates: [Log], processManagers: [Echo] });
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
    const tidelog = await createTidelog({ aggregates: [Counter], processManagers: [Mirror] });
    await tidelog.store.appendToStream('c-9', [
      { type: 'Incremented', data: { by: 1 }, meta: { clientId: 'other' } },
    ]);
    await tidelog.settled();
    expect(await tidelog.store.streamVersion('mirror-c-9')).toBe(0);
  });
});
