import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../store/conformance/fixtures.js';
import { createPostgresServerStore } from '../store/postgres/store.js';
import { TEST_DATABASE_URL, testSchemas } from '../store/postgres/test-database.js';
import { createSqliteServerStore } from '../store/sqlite/store.js';
import { until } from './testing/until.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-consumer-crash-'));
const schemas = testSchemas();
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** Start a crash worker; resolves with it and a promise of its "hung" line. */
function startWorker(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./testing/crash-worker.ts', import.meta.url)),
    ],
    {
      cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  let hung!: () => void;
  const hangs = new Promise<void>((resolve) => {
    hung = resolve;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      if (line === 'hung') hung();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`crash worker exited (${code ?? signal}) before ready`)),
    );
  });
  return ready.then(() => ({ child, hangs, exited }));
}

/** Run the scenario: a worker dies between its handler and its commit, a second one finishes. */
async function crashBetweenHandlerAndCommit(
  env: Record<string, string>,
  effects: () => Promise<number[]>,
): Promise<number[]> {
  const first = await startWorker({ ...env, CRASH_HANG_AT: '15' });
  await first.hangs; // batch 11-20 handled (its effects written), its offset not stored
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await startWorker({ ...env, CRASH_HANG_AT: '0' });
  let seen: number[] = [];
  await until(
    async () => {
      seen = await effects();
      return seen.filter((p) => p === 30).length > 0;
    },
    { what: 'the second worker to finish' },
  );
  second.child.kill('SIGTERM');
  await second.exited;
  return (await effects()).sort((a, b) => a - b);
}

const once = Array.from({ length: 30 }, (_, i) => i + 1);
const withBatchTwice = [...once, ...once.slice(10, 20)].sort((a, b) => a - b);

describe.each(['at-least-once', 'exactly-once'] as const)(
  'kill -9 between the handler and the commit, %s',
  (mode) => {
    const expected = mode === 'exactly-once' ? once : withBatchTwice;

    it(`SQLite: ${mode === 'exactly-once' ? 'each event handled once' : 'the batch is replayed'}`, async () => {
      const file = join(dir, `${mode}.sqlite`);
      const store = createSqliteServerStore({ filename: file });
      await store.push('shop', run('order', 1, 30));
      await store.close();
      const db = new Database(file);
      db.exec('CREATE TABLE effects (position INTEGER NOT NULL, id TEXT NOT NULL)');
      const read = db.prepare<[], number>('SELECT position FROM effects').pluck();
      const env = { CRASH_BACKEND: 'sqlite', CRASH_MODE: mode, CRASH_FILE: file, CRASH_SPACE: 'shop' };
      expect(await crashBetweenHandlerAndCommit(env, async () => read.all())).toEqual(expected);
      db.close();
    });

    it(`PostgreSQL: ${mode === 'exactly-once' ? 'each event handled once' : 'the batch is replayed'}`, async () => {
      const schema = schemas.fresh();
      const store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
      await store.push('shop', run('order', 1, 30));
      await store.close();
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`CREATE TABLE "${schema}".effects (position bigint NOT NULL, id text NOT NULL)`);
      const env = {
        CRASH_BACKEND: 'postgres',
        CRASH_MODE: mode,
        DATABASE_URL: TEST_DATABASE_URL,
        CRASH_SCHEMA: schema,
        CRASH_SPACE: 'shop',
      };
      const effects = async () =>
        (await sql<{ position: string }[]>`SELECT position FROM ${sql(`${schema}.effects`)}`).map((r) =>
          Number(r.position),
        );
      expect(await crashBetweenHandlerAndCommit(env, effects)).toEqual(expected);
      await sql.end();
    });
  },
);
