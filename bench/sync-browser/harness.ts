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

type Api = SyncBenchApi;

export interface SyncBench {
  server: string;
  /** The page of the first browser. */
  page: Page;
  /** Call the benchmark API of the first browser's page. */
  run<K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>>;
  /**
   * Call the benchmark API of a page in a second Chromium (its own browser process and
   * IndexedDB): another device. Only with `devices: 2`.
   */
  runOther<K extends keyof Api>(name: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>>;
  close(): Promise<void>;
}

function caller(page: Page) {
  return <K extends keyof Api>(name: K, ...args: Parameters<Api[K]>) =>
    page.evaluate(
      ([n, a]) =>
        (window as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[n]!(...a),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<Api[K]>>>;
}

async function openPage(): Promise<{ page: Page; close(): Promise<void> }> {
  const harness = await startBrowserHarness({
    entries: { page: entry('page.ts'), worker: entry('worker.ts') },
  });
  const page = await harness.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`page: ${m.text()}`);
  });
  return { page, close: () => harness.close() };
}

/** A sync server on a SQLite file, and one Chromium (two with `devices: 2`) on the benchmark page. */
export async function openSyncBench(options: { devices?: 1 | 2 } = {}): Promise<SyncBench> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-sync-'));
  const store = createSqliteServerStore({ filename: join(dir, 'sync.sqlite') });
  const app = createSyncServer({ store, cors: true });
  const server = await listen(app.fetch);
  const first = await openPage();
  const other = options.devices === 2 ? await openPage() : undefined;
  return {
    server: server.url,
    page: first.page,
    run: caller(first.page),
    runOther: other
      ? caller(other.page)
      : () => Promise.reject(new Error('openSyncBench: runOther needs devices: 2')),
    async close() {
      await first.close();
      await other?.close();
      await app.close();
      await server.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
