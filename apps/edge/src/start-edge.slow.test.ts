import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `npm run start:edge`'s script as a child process; resolves with its URL once it listens. */
function startEdge(dataDir: string) {
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start-edge.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, TIDELOG_EDGE_PORT: '0', TIDELOG_EDGE_DATA: dataDir, TIDELOG_TOKENS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`start:edge exited before listening (${code})`)));
  });
  return { url, exited, stop: () => child.kill('SIGTERM') };
}

describe('npm run start:edge', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidelog-start-edge-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the sync API from workerd on loopback, keeps data in its folder, and stops on SIGTERM', async () => {
    const first = startEdge(dataDir);
    const url = await first.url;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const appended = await fetch(`${url}/v1/spaces/demo/streams/note-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ type: 'NoteWritten', data: { text: 'hi' } }] }),
    });
    expect(appended.status).toBe(200);
    first.stop();
    expect(await first.exited).toBe(0);

    const second = startEdge(dataDir);
    const again = await second.url;
    const read = (await (await fetch(`${again}/v1/spaces/demo/streams/note-1`)).json()) as {
      events: { data: unknown }[];
      version: number;
    };
    expect(read.version).toBe(1);
    expect(read.events[0]!.data).toEqual({ text: 'hi' });
    second.stop();
    expect(await second.exited).toBe(0);
  });
});

describe('wrangler deploy --dry-run (no login, no network)', () => {
  it('bundles apps/edge with its Durable Object binding and SQLite migration', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'tidelog-edge-deploy-'));
    try {
      const wrangler = join(repoRoot, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
      const child = spawn(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], {
        cwd: join(repoRoot, 'apps', 'edge'),
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, output }).toMatchObject({
        code: 0,
        output: expect.stringMatching(/env\.SPACES \(TidelogSpace\)/),
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
