// The process manager of the browser tests' app (worker and in-page runtime alike).
import { defineProcessManager, dispatch } from '../process/process-manager.js';
import { Counter } from '../test-fixtures.js';

/**
 * A decrement of `source` takes one from `empty` too, which fails while `empty` is at 0: a
 * dead letter on demand. It listens to `Decremented`, not `Incremented`, so the tests that
 * append 20,000 increments do not pay a reaction (and its checkpoint write) per event.
 */
export const Spill = defineProcessManager({
  name: 'spill',
  events: {
    Decremented: (e) =>
      e.streamId === 'source' ? dispatch(Counter, 'empty', 'decrement', { by: 1 }) : undefined,
  },
});
