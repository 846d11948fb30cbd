import postgres from 'postgres';

/** The database tests use: `DATABASE_URL`, or the local test database. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh schema name for one test suite, and a function that drops it (and any other
 * schema the suite made) afterwards.
 *
 * @example
 * const db = testSchemas();
 * const schema = db.fresh();
 * afterAll(db.dropAll);
 */
export function testSchemas(): { fresh(): string; dropAll(): Promise<void> } {
  const made: string[] = [];
  return {
    fresh() {
      const name = `tidelog_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      made.push(name);
      return name;
    },
    async dropAll() {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        for (const name of made) await sql.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
