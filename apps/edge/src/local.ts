import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of `startLocalEdge`. */
export interface LocalEdgeOptions {
  /** Default 8788; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  /** Where the Durable Objects' SQLite files live; `false` keeps them in memory. */
  persistTo?: string | false;
  /** Vars and secrets over wrangler.toml's `[vars]` (e.g. `TIDELOG_TOKENS`). */
  vars?: Record<string, string>;
}

/** A running local edge server. */
export interface LocalEdge {
  url: URL;
  /** Stop workerd. Persisted data stays. */
  close(): Promise<void>;
}

/**
 * Run apps/edge in workerd on this machine, as `wrangler dev` would but with no network
 * and no login: its wrangler.toml read by wrangler, the Worker bundled by its build
 * command and served by Miniflare (workerd) on loopback, one Durable Object per space.
 *
 * @example
 * const edge = await startLocalEdge({ port: 0, persistTo: false, vars: { TIDELOG_OPEN: 'true' } });
 * await fetch(new URL('/healthz', edge.url));
 * await edge.close();
 */
export async function startLocalEdge(options: LocalEdgeOptions = {}): Promise<LocalEdge> {
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(join(appDir, 'wrangler.toml'));
  // wrangler.toml's build command, as `wrangler dev` would run it.
  execFileSync(process.execPath, [join(appDir, 'build.mjs')], { stdio: 'inherit' });
  const script = readFileSync(main ?? join(appDir, 'dist', 'worker.js'), 'utf8');
  const persist = options.persistTo === undefined ? false : options.persistTo;
  const mf = new Miniflare({
    name: 'tidelog-edge',
    modules: true,
    script,
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    bindings: { ...(workerOptions.bindings as Record<string, string>), ...options.vars },
    durableObjects: workerOptions.durableObjects,
    durableObjectsPersist: persist === false ? false : resolve(persist),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8788,
    // No outside calls: a fixed `request.cf` instead of fetching one, and no telemetry.
    cf: false,
    telemetry: { enabled: false },
  });
  const url = await mf.ready;
  return { url, close: () => mf.dispose() };
}
