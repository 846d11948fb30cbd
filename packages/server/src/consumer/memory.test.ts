import { defineProjection } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { tokenAuth } from '../app/auth.js';
import { createSyncServer } from '../app/create-sync-server.js';
import { run } from '../store/conformance/fixtures.js';
import { createMemoryServerStore } from '../store/memory.js';
import { createMemoryConsumerStore } from './memory.js';
import { runServerProjection } from './projection.js';
import { serveProjections } from './projection-route.js';
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

describe('runConsumer waitFor', () => {
  it('rejects with CLOSED when the consumer stops before reaching the position', async () => {
    const consumer = runConsumer({ store, consumers, name: 'waiter', spaces: ['never'], handle: () => {} });
    const waiting = consumer.waitFor('never', 5);
    await consumer.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(consumer.waitFor('never', 1)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(consumer.waitFor('never', 0)).resolves.toBeUndefined();
  });
});

describe('server projections over HTTP', () => {
  it('serves the stored state behind the sync server auth', async () => {
    const Count = defineProjection({
      name: 'count',
      initialState: { n: 0 },
      events: {
        happened: (s) => {
          s.n++;
        },
      },
    });
    const events = createMemoryServerStore();
    const stored = createMemoryConsumerStore();
    const app = createSyncServer({ store: events, auth: tokenAuth({ t1: ['team-1'] }) });
    serveProjections(app, { consumers: stored, projections: [Count] });
    await events.push('team-1', run('a', 1, 4));
    const projection = runServerProjection({
      store: events,
      consumers: stored,
      projection: Count,
      spaces: ['team-1'],
    });
    await projection.waitFor('team-1', 4);
    await projection.stop();
    const get = (path: string, token?: string) =>
      app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const ok = await get('/v1/spaces/team-1/projections/count', 't1');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: 'count', state: { n: 4 }, checkpoint: 4 });
    expect((await get('/v1/spaces/team-1/projections/count')).status).toBe(401);
    expect((await get('/v1/spaces/team-2/projections/count', 't1')).status).toBe(403);
    const unknown = await get('/v1/spaces/team-1/projections/constructor', 't1');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
