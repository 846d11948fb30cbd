import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { SyncServer } from '@tidelog/server';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tidelog sync server</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Tidelog sync server</h1>
<p>The sync API is running under <code>/v1/spaces/:space/…</code>
(<a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a>).</p>
<p>The demo app is not built yet: build <code>apps/demo</code> and restart to serve it here.</p>
</body></html>`;

/**
 * Serve the built demo app (a single-page app) from `dir` for every GET outside the API,
 * falling back to its index.html; without a build, a page at `/` says so.
 *
 * @example
 * mountDemo(app, '/repo/apps/demo/dist');
 */
export function mountDemo(app: SyncServer, dir: string): 'demo' | 'placeholder' {
  const isApi = (path: string) => path.startsWith('/v1/') || path === '/healthz' || path === '/metrics';
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', (c) => c.html(NOT_BUILT));
    return 'placeholder';
  }
  const files = serveStatic({ root: dir });
  const index = serveStatic({ root: dir, path: 'index.html' });
  app.get('*', async (c, next) => (isApi(c.req.path) ? next() : files(c, next)));
  app.get('*', async (c, next) => (isApi(c.req.path) ? next() : index(c, next)));
  return 'demo';
}
