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
  /** New pages in each browser: the SharedWorkers (and live streams) of the old ones end. */
  fresh(): Promise<void>;
  close(): Promise<void>;
}

/** A browser on the benchmark page; `fresh` swaps the page for a new one. */
async function openBrowser() {
  const harness = await startBrowserHarness({
    entries: { page: entry('page.ts'), worker: entry('worker.ts') },
  });
  const open = async () => {
    const page = await harness.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`page: ${m.text()}`);
    });
    return page;
  };
  const browser = { page: await open(), harness };
  return {
    get page() {
      return browser.page;
    },
    /**
     * Close the page and open a new one: the SharedWorkers it started end with it, and with
     * them their live streams (Chromium allows 6 connections to one host, live ones included).
     */
    async fresh() {
      await browser.page.close();
      browser.page = await open();
    },
    run: (<K extends keyof Api>(name: K, ...args: Parameters<Api[K]>) =>
      browser.page.evaluate(
        ([n, a]) =>
          (window as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench[n]!(...a),
        [name, args] as const,
      )) as SyncBench['run'],
    close: () => harness.close(),
  };
}

/** A sync server on a SQLite file, and one Chromium (two with `devices: 2`) on the benchmark page. */
export async function openSyncBench(options: { devices?: 1 | 2 } = {}): Promise<SyncBench> {
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-bench-sync-'));
  const store = createSqliteServerStore({ filename: join(dir, 'sync.sqlite') });
  const app = createSyncServer({ store, cors: true });
  const server = await listen(app.fetch);
  const first = await openBrowser();
  const other = options.devices === 2 ? await openBrowser() : undefined;
  return {
    server: server.url,
    get page() {
      return first.page;
    },
    run: first.run,
    runOther: other ? other.run : () => Promise.reject(new Error('openSyncBench: runOther needs devices: 2')),
    async fresh() {
      await first.fresh();
      await other?.fresh();
    },
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
