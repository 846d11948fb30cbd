// The example from README.md, verbatim; examples/readme-example.test.ts runs it.
import { DomainError, decide, defineAggregate, loadAggregate, MemoryEventStore } from '@tidelog/core';

const Counter = defineAggregate({
  type: 'counter',
  initialState: { count: 0 },
  events: {
    Incremented: (state, e: { by: number }) => {
      state.count += e.by;
    },
  },
  commands: {
    increment: (state, p: { by: number }) => {
      if (state.count + p.by > 10) throw new DomainError('too high', { code: 'TOO_HIGH' });
      return { type: 'Incremented', data: { by: p.by } };
    },
  },
});

const store = new MemoryEventStore();
const { state, version } = await loadAggregate(store, Counter, 'counter-1');
const ctx = {
  streamId: 'counter-1',
  version,
  now: new Date().toISOString(),
  commandId: 'c1',
  clientId: 'me',
  metadata: {},
};
const events = await decide(Counter, state, 'increment', { by: 3 }, ctx);
await store.appendToStream('counter-1', events, { expectedVersion: version });

const after = await loadAggregate(store, Counter, 'counter-1');
console.log(after.state.count, after.version); // 3 1

export { after };
