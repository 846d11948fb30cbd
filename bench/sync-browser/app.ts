// The aggregate the sync benchmarks write: a counter, in commands of one or many events.
import { defineAggregate } from '@tidelog/core';

export const Counter = defineAggregate({
  type: 'counter',
  initialState: { count: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.count += e.by;
    },
  },
  commands: {
    increment: (_s, p: { by: number }) => ({ type: 'Incremented', data: { by: p.by } }),
    incrementMany: (_s, p: { times: number }) =>
      Array.from({ length: p.times }, () => ({ type: 'Incremented' as const, data: { by: 1 } })),
  },
});
