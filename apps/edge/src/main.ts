/**
 * `npm run start:edge`: apps/edge in workerd on http://127.0.0.1:8788, no network, no
 * login, the spaces' SQLite files under ./data/edge. `TIDELOG_TOKENS` as for the Node
 * server; without it this local server runs open (loopback only) and says so.
 */
import { resolve } from 'node:path';
import { startLocalEdge } from './local.js';

const port = Number(process.env.TIDELOG_EDGE_PORT ?? 8788);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `tidelog edge: TIDELOG_EDGE_PORT must be a port number, got "${process.env.TIDELOG_EDGE_PORT}"`,
  );
  process.exit(1);
}
const dataDir = resolve(process.env.TIDELOG_EDGE_DATA ?? 'data/edge');
const vars: Record<string, string> = {};
const tokens = process.env.TIDELOG_TOKENS;
if (tokens !== undefined && tokens.trim() !== '') vars.TIDELOG_TOKENS = tokens;
else {
  vars.TIDELOG_OPEN = 'true';
  console.warn('tidelog edge: TIDELOG_TOKENS is not set: this local server runs OPEN on loopback');
}

const edge = await startLocalEdge({ port, host: '127.0.0.1', persistTo: dataDir, vars });
console.log(`tidelog edge: listening on ${edge.url.origin} (workerd, one Durable Object per space)`);
console.log(`tidelog edge: data in ${dataDir}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  edge.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('tidelog edge: could not stop cleanly', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
