/**
 * @module test-utils/browser
 * A shared harness for tests and benchmarks that need a real browser: it bundles entry
 * modules with esbuild (workspace packages resolve to source), serves them with a tiny
 * HTML page from a loopback HTTP server (IndexedDB, SharedWorker and service workers need
 * a real origin), and drives Debian's Chromium headless through playwright-core with a
 * fresh profile.
 *
 * Several entries can be bundled (a page script and a worker script, say); each is served
 * as `/<name>.js`. The page at `/` loads the `page` entry (or the first one) as a module.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The flags every Tidelog browser run uses: no sandbox, GPU, network chatter or sync. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserHarnessOptions {
  /** Output name → entry file (absolute path). Served as `/<name>.js`. */
  entries: Record<string, string>;
  /** Which entry the page at `/` loads, default `page` or else the first entry. */
  pageEntry?: string;
  /**
   * Modules replaced by an empty CommonJS module in the bundle, for imports a browser
   * never calls (e.g. `vitest`, pulled in by `@tidelog/core/testing`'s vitest wrappers).
   */
  stub?: string[];
  /** Extra files to serve: path (`/sw.js`) → body. */
  files?: Record<string, { body: string; type: string }>;
}

export interface BrowserHarness {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** The one browser context (a persistent profile in a fresh temporary directory). */
  context: BrowserContext;
  /** Open a new tab on `path` (default `/`) and wait for its module scripts to have run. */
  newPage(path?: string): Promise<Page>;
  /** Close the browser, the server and delete the profile. */
  close(): Promise<void>;
}

const stubPlugin = (names: readonly string[]): Plugin => ({
  name: 'stub',
  setup(b) {
    if (names.length === 0) return;
    const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
});

/**
 * Bundle entries for the browser (ESM, `source` condition) and return name → code.
 *
 * @example
 * const files = await bundle({ page: '/abs/page.ts' });
 */
export async function bundle(
  entries: Record<string, string>,
  stub: readonly string[] = [],
): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    outdir: '/out',
    write: false,
    logLevel: 'silent',
    plugins: [stubPlugin(stub)],
  });
  return new Map(result.outputFiles.map((f) => [`/${f.path.split('/').at(-1)}`, f.text]));
}

function serve(files: Map<string, { body: string; type: string }>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Start a browser harness: bundle, serve on 127.0.0.1 (ephemeral port), launch Chromium
 * (`CHROMIUM_PATH`, default `/usr/bin/chromium`) with a fresh user-data-dir.
 *
 * @example
 * const harness = await startBrowserHarness({ entries: { page: fileURLToPath(new URL('./page.ts', import.meta.url)) } });
 * const page = await harness.newPage();
 * console.log(await page.evaluate(() => typeof indexedDB));
 * await harness.close();
 */
export async function startBrowserHarness(options: BrowserHarnessOptions): Promise<BrowserHarness> {
  const code = await bundle(options.entries, options.stub);
  const pageEntry =
    options.pageEntry ?? ('page' in options.entries ? 'page' : Object.keys(options.entries)[0]);
  const files = new Map<string, { body: string; type: string }>();
  for (const [path, body] of code) files.set(path, { body, type: 'text/javascript' });
  files.set('/', {
    body: `<!doctype html><meta charset="utf-8"><title>tidelog test</title><script type="module" src="/${pageEntry}.js"></script>`,
    type: 'text/html',
  });
  for (const [path, file] of Object.entries(options.files ?? {})) files.set(path, file);
  const server = await serve(files);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(join(tmpdir(), 'tidelog-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
  } catch (error) {
    server.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    origin,
    context,
    async newPage(path = '/') {
      const page = await context.newPage();
      // Module scripts run before `load`, so the page's API is in place once this resolves.
      await page.goto(origin + path, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await rm(profile, { recursive: true, force: true });
    },
  };
}
