/**
 * The runnable Tidelog sync server: `npm start` from the repo root (see
 * apps/server/README.md for the environment variables).
 */
import { fileURLToPath } from 'node:url';
import { jsonLogger } from '@tidelog/server';
import { ConfigError, readConfig } from './config.js';
import { openStore } from './open-store.js';
import { startServer } from './start-server.js';

const log = jsonLogger();
// The same relative path from apps/server/src/main.ts and from the bundle apps/server/dist/main.js.
const defaultDemoDir = fileURLToPath(new URL('../../demo/dist', import.meta.url));

async function main(): Promise<void> {
  const config = readConfig(process.env, process.cwd(), defaultDemoDir);
  const { store, description } = await openStore(config);
  log({ level: 'info', msg: 'store opened', ...description });
  const server = await startServer(config, { store, log });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log({ level: 'warn', msg: `second ${signal}: exiting at once` });
      process.exit(1);
    }
    stopping = true;
    log({ level: 'info', msg: 'shutting down', signal });
    server.close().then(
      () => {
        log({ level: 'info', msg: 'stopped' });
        process.exit(0);
      },
      (error: unknown) => {
        log({ level: 'error', msg: 'shutdown failed', error });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) log({ level: 'error', msg: error.message });
  else log({ level: 'error', msg: 'could not start', error });
  process.exit(1);
});
