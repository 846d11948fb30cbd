import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import { ensureDemoBuilt } from '../../../scripts/build-demo.mjs';
import { type RunningServer, startServer } from '../../server/src/start-server.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * What `npm start` runs, in this process: the demo built if missing or stale, the sync
 * server on a fresh SQLite file, serving the demo beside the sync API on a free port.
 */
export async function startDemoServer(): Promise<RunningServer & { dispose(): Promise<void> }> {
  await ensureDemoBuilt(root);
  const dir = mkdtempSync(join(tmpdir(), 'tidelog-demo-e2e-'));
  const store = createSqliteServerStore({ filename: join(dir, 'e2e.sqlite') });
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      tokens: undefined,
      corsOrigin: undefined,
      demoDir: join(root, 'apps', 'demo', 'dist'),
      heartbeatMs: 15_000,
    },
    { store, log: () => undefined },
  );
  return {
    ...server,
    async dispose() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
