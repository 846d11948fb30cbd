import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { run } from '../../store/conformance/fixtures.js';
import { createPostgresServerStore } from '../../store/postgres/store.js';
import { TEST_DATABASE_URL, testSchemas } from '../../store/postgres/test-database.js';
import { until } from '../testing/until.js';

const schemas = testSchemas();
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await schemas.dropAll();
});

/** Start one worker process; resolves once its consumer runs. */
function startWorker(worker: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./failover-worker.ts', import.meta.url)),
    ],
    {
      cwd: fileURLToPath(new URL('../../../../../', import.meta.url)),
      env: { ...process.env, ...env, FAILOVER_WORKER: worker },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve(child);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`worker ${worker} exited (${code ?? signal}) before ready`)),
    );
  });
}

it('two processes, one consumer: one drives; kill -9, the other takes over; a stalled one cannot commit; each event handled once', async () => {
  const schema = schemas.fresh();
  const space = 'orders';
  const store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  // No unique key on id: a second handling of an event would show as a second row.
  await sql.unsafe(
    `CREATE TABLE "${schema}".handled (id text NOT NULL, position bigint NOT NULL, worker text NOT NULL, fence bigint NOT NULL)`,
  );
  const handled = sql(`${schema}.handled`);
  const count = async (where = sql`true`) =>
    Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM ${handled} WHERE ${where}`)[0]!.n);
  let version = 0;
  const produce = async (n: number) => {
    await store.push(space, run('order', version + 1, version + n));
    version += n;
  };
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    FAILOVER_SCHEMA: schema,
    FAILOVER_SPACE: space,
    FAILOVER_TTL_MS: '3000',
  };

  const a = await startWorker('a', env);
  await produce(100);
  await until(async () => (await count()) === 100, { what: 'a to handle the first events' });
  const b = await startWorker('b', env);
  await produce(50);
  await until(async () => (await count()) === 150, { what: 'the next events' });
  expect(await count(sql`worker = 'b'`)).toBe(0); // b waits while a drives

  a.kill('SIGKILL');
  await produce(50);
  await until(async () => (await count(sql`worker = 'b'`)) > 0, { what: 'b to take over' });
  await until(async () => (await count()) === 200, { what: 'b to catch up' });

  // b stalls past its lease: c takes over; b wakes up and must not commit anything.
  const c = await startWorker('c', env);
  b.kill('SIGSTOP');
  await produce(50);
  await until(async () => (await count(sql`worker = 'c'`)) > 0, {
    what: 'c to take over from the stalled b',
  });
  b.kill('SIGCONT');
  await produce(50);
  await until(async () => (await count()) === 300, { what: 'every event' });

  const rows = await sql<{ id: string; position: string; worker: string; fence: string }[]>`
    SELECT id, position, worker, fence FROM ${handled} ORDER BY position`;
  expect(rows.map((r) => Number(r.position))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.id)).size).toBe(300);
  // One driver at a time: in position order the fence never goes back, and a worker's
  // stretch of positions is never interleaved with another's.
  const fences = rows.map((r) => Number(r.fence));
  expect(fences).toEqual([...fences].sort((x, y) => x - y));
  const stretches = rows.map((r) => r.worker).filter((w, i, all) => i === 0 || all[i - 1] !== w);
  expect(stretches[0]).toBe('a');
  expect(new Set(stretches).size).toBe(stretches.length);
  expect(stretches.includes('b') && stretches.includes('c')).toBe(true);
  const afterStall = rows.filter((r) => Number(r.position) > 250).map((r) => r.worker);
  expect(afterStall).not.toContain('b');

  for (const child of [b, c]) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await sql.end();
  await store.close();
});
