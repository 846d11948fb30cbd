// The sync server of the sync benchmarks, in a process of its own (harness.ts forks it):
// createSyncServer on a SQLite file in the directory given as the first argument,
// @hono/node-server on loopback, CORS on. A server of its own, as a deployed one is: the
// benchmark driver (Playwright's traffic with both browsers) does not share its event loop.
// Sends `{ url }` to the parent once listening; stops cleanly on SIGTERM.
import { join } from 'node:path';
import { createSyncServer } from '@tidelog/server';
import { createSqliteServerStore } from '@tidelog/server/sqlite';
import { listen } from '../push-load.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: server.ts <directory for sync.sqlite>');
const store = createSqliteServerStore({ filename: join(dir, 'sync.sqlite') });
const app = createSyncServer({ store, cors: true });
const server = await listen(app.fetch);
process.send?.({ url: server.url });
process.once('SIGTERM', async () => {
  await app.close();
  await server.stop();
  await store.close();
  process.exit(0);
});
