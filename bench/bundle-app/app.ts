// The minimal app the bundle-size benchmark measures: one aggregate, shared by page and worker.
import { DomainError, defineAggregate } from '@tidelog/core';

export const Todo = defineAggregate({
  type: 'todo',
  initialState: { title: '', done: false },
  events: {
    Created: (s, e: { title: string }) => {
      s.title = e.title;
    },
    Completed: (s) => {
      s.done = true;
    },
  },
  commands: {
    create: (_s, p: { title: string }) => ({ type: 'Created', data: { title: p.title } }),
    complete: (s) => {
      if (s.done) throw new DomainError('already done', { code: 'DONE' });
      return { type: 'Completed', data: {} };
    },
  },
});
