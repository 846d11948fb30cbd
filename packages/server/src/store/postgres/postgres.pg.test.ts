import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { pullAll, pushed, runServerStoreConformance, streamRun } from '../conformance/index.js';
import { createPostgresServerStore } from './store.js';
import { TEST_DATABASE_URL, testSchemas } from './test-database.js';

const schemas = testSchemas();
afterAll(schemas.dropAll);
const url = TEST_DATABASE_URL;
const shared = schemas.fresh();

runServerStoreConformance({
  name: 'postgres server store',
  newStore: () => createPostgresServerStore({ url, schema: shared }),
  openReplica: () => createPostgresServerStore({ url, schema: shared }),
});

describe('postgres server store, one database', () => {
  it('wakes watchers on another replica through LISTEN/NOTIFY', async () => {
    const schema = schemas.fresh();
    const [writer, reader] = await Promise.all([
      createPostgresServerStore({ url, schema }),
      createPostgresServerStore({ url, schema }),
    ]);
    try {
      await writer.push('team', [pushed('s', 1)]);
      const heads: number[] = [];
      const waiters: { atLeast: number; resolve: () => void }[] = [];
      const reached = (atLeast: number) =>
        new Promise<void>((resolve) => {
          // The wake may come before the push that caused it has returned.
          if ((heads.at(-1) ?? 0) >= atLeast) resolve();
          else waiters.push({ atLeast, resolve });
        });
      reader.watch('team', (head) => {
        heads.push(head);
        for (const w of waiters) if (head >= w.atLeast) w.resolve();
      });
      // The first wake comes once LISTEN is active (its catch-up, or a notification), so
      // the reader, which never pushes, can only learn of later commits through NOTIFY.
      await reached(1);
      await writer.push('team', [pushed('s', 2), pushed('s', 3)]);
      await reached(3);
      expect(heads).toEqual([1, 3]);
      await writer.push('team', [pushed('s', 4)]);
      await reached(4);
      expect(heads).toEqual([1, 3, 4]);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('migrates safely when several processes start together on a new schema: one serverId', async () => {
    const schema = schemas.fresh();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => createPostgresServerStore({ url, schema, max: 2 })),
    );
    const ids = await Promise.all(stores.map((s) => s.serverId()));
    expect(new Set(ids).size).toBe(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('keeps events and serverId when the store is closed and started again', async () => {
    const schema = schemas.fresh();
    const first = await createPostgresServerStore({ url, schema });
    const events = streamRun('cart-1', 1, 3);
    await first.push('team', events);
    const serverId = await first.serverId();
    await first.close();
    const again = await createPostgresServerStore({ url, schema });
    expect(await again.serverId()).toBe(serverId);
    expect((await pullAll(again, 'team')).map((e) => e.id)).toEqual(events.map((e) => e.id));
    await again.close();
  });

  it('uses a postgres.js instance it is given and leaves it open on close', async () => {
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const store = await createPostgresServerStore({ sql, schema: schemas.fresh() });
      await store.push('team', [pushed('a', 1)]);
      await store.close();
      expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('rolls a push back whole when writing fails midway: nothing lost, nothing stored twice', async () => {
    const store = await createPostgresServerStore({ url, schema: shared });
    try {
      const space = `rollback-${Date.now()}`;
      await store.push(space, [pushed('a', 1)]);
      const bad = pushed('b', 2, { data: { n: 10n } as never });
      await expect(store.push(space, [pushed('b', 1), bad])).rejects.toThrow(/BigInt/);
      const nul = pushed('c', 1, { type: 'nul\u0000type' });
      // PostgreSQL text cannot hold U+0000 (the protocol refuses such a type before the store).
      await expect(store.push(space, [nul])).rejects.toMatchObject({ name: 'PostgresError' });
      expect(await store.head(space)).toBe(1);
      expect((await store.push(space, [pushed('b', 1)])).accepted[0]).toMatchObject({ fromPosition: 2 });
    } finally {
      await store.close();
    }
  });

  it('refuses a bad schema name and a schema written by a newer version', async () => {
    await expect(createPostgresServerStore({ url, schema: 'Bad-Name; drop' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    const schema = schemas.fresh();
    await (await createPostgresServerStore({ url, schema })).close();
    const sql = postgres(url, { max: 1 });
    await sql.unsafe(`UPDATE "${schema}".meta SET value = '99' WHERE key = 'schemaVersion'`);
    await sql.end();
    await expect(createPostgresServerStore({ url, schema })).rejects.toThrow(/version 99, newer/);
  });
});
