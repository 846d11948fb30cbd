import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { interleaved } from './testing.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(repoRoot, 'apps', 'server', 'bin', 'tidelog.mjs');
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'tidelog-cli-bin-'));
const schema = `tidelog_cli_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await sql.end({ timeout: 5 });
});

/** Run a command from the repo root with `input` on stdin. */
function run(command: string, args: string[], input = '') {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', TIDELOG_DB: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}
const tidelog = (args: string[], input = '') => run(process.execPath, [bin, ...args], input);

describe('the tidelog command', () => {
  it('npx tidelog --help works from the repo root without a build', async () => {
    const help = await run('npx', ['--no-install', 'tidelog', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tidelog export/);
  });

  it('SQLite → PostgreSQL → SQLite: identical exports; verify and stats on PostgreSQL; a refused file exits 1', async () => {
    const source = join(dir, 'source.sqlite');
    const store = createSqliteServerStore({ filename: source });
    for (const events of interleaved(120, 7)) await store.push('team-1', events);
    await store.close();
    const first = await tidelog(['export', '--space', 'team-1', '--db', source]);
    expect(first.code).toBe(0);
    const pg = ['--database-url', url, '--schema', schema];
    expect((await tidelog(['import', '--space', 'team-1', ...pg], first.stdout)).code).toBe(0);
    const fromPg = await tidelog(['export', '--space', 'team-1', ...pg]);
    expect(fromPg.stdout).toBe(first.stdout);
    const back = join(dir, 'back.sqlite');
    expect((await tidelog(['import', '--space', 'team-1', '--db', back], fromPg.stdout)).code).toBe(0);
    expect((await tidelog(['export', '--space', 'team-1', '--db', back])).stdout).toBe(first.stdout);

    expect(await tidelog(['verify', ...pg])).toMatchObject({
      code: 0,
      stdout: 'ok: 1 spaces checked, 0 with faults\n',
    });
    const stats = JSON.parse((await tidelog(['stats', '--json', ...pg])).stdout);
    expect(stats.spaces).toEqual([{ space: 'team-1', events: 120, streams: 7, head: 120 }]);

    const cut = first.stdout.split('\n').slice(0, 50).join('\n');
    const refused = await tidelog(['import', '--space', 'team-2', ...pg], `${cut}\n`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/checksum line is missing/);
    expect((await tidelog(['export', '--space', 'team-2', ...pg])).stdout).toMatch(
      /^\{"checksum":"sha256:[0-9a-f]{64}","events":0\}\n$/,
    );
    expect((await tidelog(['stats', '--db', join(dir, 'missing.sqlite')])).code).toBe(3);
  });
});
