import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PositionedEnvelope } from '@tidelog/core';
import { afterAll, expect, it } from 'vitest';
import { pullAll } from '../conformance/index.js';
import type { ServerEventStore } from '../types.js';
import { createPostgresServerStore } from './store.js';
import { TEST_DATABASE_URL, testSchemas } from './test-database.js';

const schemas = testSchemas();
afterAll(schemas.dropAll);

interface WorkerResult {
  worker: string;
  acks: [string, number][];
  hotWins: string[];
  conflicts: number;
  duplicates: number;
}

/** Start one race worker process; resolves once it is connected and waiting for "go". */
function startWorker(name: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./test-race-worker.ts', import.meta.url)),
    ],
    {
      cwd: fileURLToPath(new URL('../../../../../', import.meta.url)),
      env: { ...process.env, ...env, RACE_WORKER: name },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else output.push(line);
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before ready`)));
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.once('exit', (code) => {
      const last = output.at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as WorkerResult);
      else reject(new Error(`worker ${name} exited with ${code}`));
    });
  });
  result.catch(() => {}); // awaited later; do not report it unhandled meanwhile
  return { ready, result, go: () => child.stdin!.end('go\n'), kill: () => child.kill() };
}

/** Tail the space with pull until `done()`; every page must start right after the cursor. */
async function tail(store: ServerEventStore, space: string, done: () => boolean) {
  const seen: PositionedEnvelope[] = [];
  let pulls = 0;
  for (;;) {
    const finished = done();
    const page = await store.pull(space, { after: seen.length, limit: 64 });
    pulls++;
    page.events.forEach((e, i) => {
      if (e.position !== seen.length + i + 1) {
        throw new Error(`reader at ${seen.length + i} got position ${e.position}: not in commit order`);
      }
    });
    seen.push(...page.events);
    if (finished && !page.hasMore) return { seen, pulls };
  }
}

it('two server processes pushing to one space: positions gapless, commit-ordered for a reader', async () => {
  const schema = schemas.fresh();
  const space = 'race';
  const reader = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    RACE_SCHEMA: schema,
    RACE_SPACE: space,
    RACE_ROUNDS: '25',
    RACE_HOT_STREAMS: '20',
  };
  const workers = [startWorker('w1', env), startWorker('w2', env)];
  try {
    await Promise.all(workers.map((w) => w.ready));
    let running = true;
    const tailing = tail(reader, space, () => !running);
    tailing.catch(() => {});
    for (const w of workers) w.go();
    const results = await Promise.all(workers.map((w) => w.result)).finally(() => {
      running = false;
    });
    const { seen, pulls } = await tailing;

    const all = await pullAll(reader, space, 500);
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(new Set(all.map((e) => `${e.streamId}@${e.version}`)).size).toBe(all.length);
    expect(seen).toEqual(all);
    expect(pulls).toBeGreaterThan(1);

    const byId = new Map(all.map((e) => [e.id, e.position]));
    for (const r of results) for (const [id, position] of r.acks) expect(byId.get(id)).toBe(position);
    // Every pushed own event was acknowledged: 6 lanes × (2+3+4 per 3 rounds) per worker.
    const ownPerWorker = 6 * Array.from({ length: 25 }, (_, r) => 2 + (r % 3)).reduce((a, b) => a + b);
    for (const r of results) {
      expect(all.filter((e) => e.streamId.startsWith(`${r.worker}-`))).toHaveLength(ownPerWorker);
      expect(r.duplicates).toBeGreaterThan(0);
    }
    // Each hot stream was pushed at version 1 by both processes at once: exactly one won.
    const wins = results.flatMap((r) => r.hotWins).sort();
    expect(wins).toEqual(Array.from({ length: 20 }, (_, i) => `hot-${i}`).sort());
    for (let i = 0; i < 20; i++) expect(all.filter((e) => e.streamId === `hot-${i}`)).toHaveLength(1);
    // Contested streams are gapless per stream too.
    for (const c of ['contested-0', 'contested-1', 'contested-2']) {
      const versions = all.filter((e) => e.streamId === c).map((e) => e.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    }
  } finally {
    for (const w of workers) w.kill();
    await reader.close();
  }
});
