import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from './testing/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start (scripts/start.mjs)', () => {
  it('builds and serves the sync API with no prior build, and stops cleanly on SIGINT', async () => {
    const server = await spawnServer(
      { TIDELOG_DB: join(dir, 'nested', 'dir', 'start.sqlite') },
      { via: 'npm-start' },
    );
    try {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      const append = await fetch(`${server.url}/v1/spaces/demo/streams/todo-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expectedVersion: 0, events: [{ type: 'TodoAdded', data: { title: 'x' } }] }),
      });
      expect(await append.json()).toEqual({ fromVersion: 1, toVersion: 1, fromPosition: 1, toPosition: 1 });
      expect(server.records).toContainEqual(
        expect.objectContaining({
          msg: 'store opened',
          store: 'sqlite',
          file: join(dir, 'nested', 'dir', 'start.sqlite'),
          // the bundle carries the writer thread's entry: pushes stay off the event loop
          writer: 'thread',
        }),
      );
    } finally {
      server.kill('SIGINT');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    }
  });

  it('refuses a bad TIDELOG_TOKENS with a clear message and exit code 1', async () => {
    await expect(
      spawnServer({ TIDELOG_TOKENS: 'not json', TIDELOG_DB: join(dir, 'x.sqlite') }, { via: 'npm-start' }),
    ).rejects.toThrow(/exited before listening \(1\)[\s\S]*TIDELOG_TOKENS must be JSON/);
  });
});
