import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { pullAll, pushed } from '../conformance/index.js';
import type { ServerEventStore } from '../types.js';
import { APPEND_FUNCTION } from './append-sql.js';
import { createPostgresServerStore } from './store.js';
import { TEST_DATABASE_URL, testSchemas } from './test-database.js';

const schemas = testSchemas();
afterAll(schemas.dropAll);

/** 6 loops × 15 rounds of pushes to one space: own streams, a contested one, re-pushes. */
async function hammer(
  store: ServerEventStore,
  space: string,
): Promise<{ failures: unknown[]; acked: number }> {
  const failures: unknown[] = [];
  let acked = 0;
  await Promise.all(
    Array.from({ length: 6 }, async (_, lane) => {
      for (let round = 0; round < 15; round++) {
        const own = pushed(`lane-${lane}`, round + 1);
        const contested = pushed('contested', 1 + Math.floor(round / 3));
        try {
          const outcome = await store.push(space, [own, contested]);
          if (!outcome.accepted.some((g) => g.streamId === own.streamId)) failures.push(outcome);
          acked += outcome.accepted.reduce((n, g) => n + g.toVersion - g.fromVersion + 1, 0);
          if (round % 4 === 0) {
            const again = await store.push(space, [own]);
            if (again.duplicates.length !== 1) failures.push(again);
          }
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  return { failures, acked };
}

async function expectGapless(store: ServerEventStore, space: string, acked: number): Promise<void> {
  const all = await pullAll(store, space);
  expect(all.map((e) => e.position)).toEqual(Array.from({ length: acked }, (_, i) => i + 1));
  expect(new Set(all.map((e) => e.id)).size).toBe(acked);
}

describe('postgres store: isolation and durability do not depend on database settings', () => {
  it('pushes concurrently on a database whose default isolation is REPEATABLE READ', async () => {
    const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    const name = `tidelog_rr_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    await admin.unsafe(`ALTER DATABASE "${name}" SET default_transaction_isolation = 'repeatable read'`);
    await admin.unsafe(`ALTER DATABASE "${name}" SET synchronous_commit = 'off'`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    const store = await createPostgresServerStore({ url: url.href, max: 8 });
    try {
      const { failures, acked } = await hammer(store, 'team');
      expect(failures).toEqual([]);
      await expectGapless(store, 'team', acked);
    } finally {
      await store.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    }
  });

  it('pushes concurrently through a caller-owned client whose sessions default to REPEATABLE READ', async () => {
    const sql = postgres(TEST_DATABASE_URL, {
      max: 8,
      onnotice: () => {},
      connection: { default_transaction_isolation: 'repeatable read', synchronous_commit: 'off' },
    });
    const schema = schemas.fresh();
    const store = await createPostgresServerStore({ sql, schema });
    try {
      const { failures, acked } = await hammer(store, 'team');
      expect(failures).toEqual([]);
      await expectGapless(store, 'team', acked);
    } finally {
      await store.close();
      await sql.end({ timeout: 5 });
    }
  });

  it('commits every append with synchronous_commit on, whatever the session says', async () => {
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    const schema = schemas.fresh();
    const store = await createPostgresServerStore({ sql, schema });
    try {
      const setting = await sql.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL synchronous_commit = off`);
        await tx.unsafe(
          `SELECT "${schema}".${APPEND_FUNCTION}('s', '{1}', $1, '{"a"}', '{1}', '{"t"}', '{1}', '{"{}"}', '{"{}"}', 'ch')`,
          [`{"${crypto.randomUUID()}"}`],
        );
        const [row] = await tx.unsafe<{ synchronous_commit: string }[]>('SHOW synchronous_commit');
        return row!.synchronous_commit;
      });
      expect(setting).toBe('on');
      expect(await store.head('s')).toBe(1);
    } finally {
      await store.close();
      await sql.end({ timeout: 5 });
    }
  });
});
