import { MemoryEventStore } from '@tidelog/core';
import { describe, expectTypeOf, it } from 'vitest';
import { dispatch } from './process/process-manager.js';
import { createTidelog } from './runtime.js';
import { Counter, Log } from './test-fixtures.js';

describe('typed runtime API', () => {
  it('infers state and events from the aggregate', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter, Log], store: () => new MemoryEventStore() });
    const result = await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    expectTypeOf(result.state).toEqualTypeOf<{ count: number }>();
    expectTypeOf(result.events[0]!.type).toEqualTypeOf<'Incremented' | 'Decremented'>();
    const loaded = await tidelog.load(Log, 'l-1');
    expectTypeOf(loaded.state).toEqualTypeOf<{ lines: string[] }>();
    tidelog.subscribe(Counter, 'c-1', (s) => expectTypeOf(s.state.count).toEqualTypeOf<number>());
    expectTypeOf(tidelog.getSnapshot(Counter, 'c-1')).toEqualTypeOf<
      { streamId: string; state: { count: number }; version: number; revision: number } | undefined
    >();
  });

  it('rejects wrong command names and payloads', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    // @ts-expect-error: no such command
    await tidelog.execute(Counter, 'c-1', 'incremnt', { by: 1 });
    // @ts-expect-error: `by` must be a number
    await tidelog.execute(Counter, 'c-1', 'increment', { by: '1' });
    // @ts-expect-error: the payload is required
    await tidelog.execute(Counter, 'c-1', 'increment');
    // A command without payload needs none.
    await tidelog.execute(Counter, 'c-1', 'reset');
  });

  it('rejects aggregates the runtime was not created with', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    // @ts-expect-error: Log is not one of this runtime's aggregates
    await tidelog.execute(Log, 'l-1', 'write', { line: 'x' });
  });

  it('types process-manager dispatches', () => {
    dispatch(Counter, 'c-1', 'increment', { by: 1 });
    // @ts-expect-error: wrong payload
    dispatch(Counter, 'c-1', 'increment', { times: 1 });
  });
});
