import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import { createMemoryConsumerStore } from './memory.js';
import { runConsumer } from './run-consumer.js';
import { runConsumerCases } from './testing/cases.js';

const store = createMemoryServerStore();
const consumers = createMemoryConsumerStore();
runConsumerCases({
  name: 'memory',
  open: async () => ({ store, consumers, close: async () => {} }),
});

describe('runConsumer options', () => {
  it('refuses bad options with every problem named', () => {
    let error: unknown;
    try {
      runConsumer({
        store,
        consumers,
        name: '',
        spaces: ['ok', 'bad space', 'ok'],
        batchSize: 0,
        retry: { attempts: -1 },
        handle: () => {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'name',
      'spaces[1]',
      'spaces',
      'batchSize',
      'retry.attempts',
    ]);
  });

  it('refuses both handlers at once, or none', () => {
    const both = {
      store,
      consumers,
      name: 'x',
      spaces: ['s'],
      handle: () => {},
      handleInTransaction: () => {},
    };
    expect(() => runConsumer(both as never)).toThrow(/exactly one of handle or handleInTransaction/);
    const none = { store, consumers, name: 'x', spaces: ['s'] };
    expect(() => runConsumer(none as never)).toThrow(/exactly one of handle or handleInTransaction/);
  });
});
