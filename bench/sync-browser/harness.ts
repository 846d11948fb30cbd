// Node side of the sync benchmarks: a real sync server (createSyncServer on a SQLite file,
// @hono/node-server on loopback, CORS on) and Chromium on the benchmark page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyncServer } from '@tidelog/server';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import type { Page } from 'playwright-core';
import { startBrowserHarness } from '../../test-utils/browser.js';
import { listen } from '../push-load.js';
import type { SyncBenchApi } from './page.js';

const entry = (f: string) => fileURLToPath(new URL(`./${f}`, import.meta.url));

export interface SyncBench {
  server: string;
  page: Page;
  /** Call the page's benchmark API. */
  run<K extends keyof SyncBenchApi>(
    name: K,
    ...args: Parameters<SyncBenchApi[K]>
  ): Promise<Awaited<ReturnType<SyncBenchApi[K]>>>;
  close(): Promise<void>;
}

export async function openSyncBench(): Promise<SyncBench> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-sync-'));
  const store = createSqliteServerStore({ filename: join(dir, 'sync.sqlite') });
  const app = createSyncServer({ store, cors: true });
  const server = await listen(app.fetch);
  const harness = await startBrowserHarness({
    entries: { page: entry('page.ts'), worker: entry('worker.ts') },
  });
  const page = await harness.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`page: ${m.text()}`);
  });
  return {
    server: server.url,
    page,
    run: (name, ...args) =>
      page.evaluate(
        ([n, a]) =>
          (window as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[n]!(...a),
        [name, args] as const,
      ) as never,
    async close() {
      await harness.close();
      await app.close();
      await server.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
