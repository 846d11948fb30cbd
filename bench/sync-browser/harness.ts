// Node side of the sync benchmarks: a real sync server (createSyncServer on a SQLite file,
// @hono/node-server on loopback, CORS on) in a process of its own (server.ts), and
// Chromium on the benchmark page.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startBrowserHarness } from '../../test-utils/browser.js';
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
  const server = await startServer(dir);
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
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fork server.ts (with the loader and conditions this process runs under) and wait until
 * it listens. In this process its event loop would be shared with the driver's traffic
 * with the browsers, which runs exactly while a device's push is being served.
 */
async function startServer(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = fork(entry('server.ts'), [dir], { execArgv: process.execArgv });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the benchmark sync server exited (${code}) before it listened`);
    }),
  ])) as [{ url: string }];
  return {
    url: message.url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
