import postgres from 'postgres';
import { afterAll, describe, it } from 'vitest';
import { sigkillMidLoad, sigtermMidLoad } from './testing/crash-scenarios.js';

// Real PostgreSQL (DATABASE_URL overrides); each test gets a fresh schema, dropped afterwards.
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
const fresh = () => {
  const name = `tidelog_crash_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(name);
  return name;
};

afterAll(async () => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const name of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

describe('apps/server on PostgreSQL, as a child process', () => {
  it('SIGKILL mid-load: every acknowledged event survives, nothing twice, positions gapless', async () => {
    await sigkillMidLoad({ DATABASE_URL: url, TIDELOG_PG_SCHEMA: fresh() });
  });

  it('SIGTERM mid-load: in-flight pushes finish, the store closes, exit 0', async () => {
    await sigtermMidLoad({ DATABASE_URL: url, TIDELOG_PG_SCHEMA: fresh() });
  });
});
