import { DomainError, defineAggregate } from '@tidelog/core';
import { expect, it } from 'vitest';
import { createTidelog } from '../index.js';
import { createTestDevice, createTestServer } from './index.js';

// The client README's "Testing offline and conflicts" example, as written there.
const Counter = defineAggregate({
  type: 'counter',
  initialState: { count: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.count += e.by;
    },
    Decremented: (s, e: { by: number }) => {
      s.count -= e.by;
    },
  },
  commands: {
    increment: (_s, p: { by: number }) => ({ type: 'Incremented', data: { by: p.by } }),
    decrement: (s, p: { by: number }) => {
      if (s.count < p.by) throw new DomainError('not enough', { code: 'INSUFFICIENT' });
      return { type: 'Decremented', data: { by: p.by } };
    },
  },
});

it('two phones edit offline and agree', async () => {
  const server = await createTestServer(); // or { sqlite: '/tmp/test.sqlite' }
  const phone = createTestDevice({ server, space: 'team-1' });
  const laptop = createTestDevice({ server, space: 'team-1' });
  const a = await createTidelog({ aggregates: [Counter], ...phone.options() });
  const b = await createTidelog({ aggregates: [Counter], ...laptop.options() });

  phone.link.offline();
  await a.execute(Counter, 'c-1', 'increment', { by: 2 });
  await b.execute(Counter, 'c-1', 'increment', { by: 3 });
  phone.link.online();
  laptop.link.failNext('drop-response'); // the push is stored, its answer lost
  await b.sync.now().catch(() => undefined);
  for (const t of [a, b, a, b]) await t.sync.now();
  await Promise.all([a.settled(), b.settled()]);

  expect((await a.load(Counter, 'c-1')).state).toEqual({ count: 5 });
  expect((await b.load(Counter, 'c-1')).state).toEqual({ count: 5 });
  await Promise.all([a.close(), b.close()]);
  await server.close();
});
