/**
 * @module @tidelog/app-edge
 * Tidelog's sync server on Cloudflare: this Worker authenticates each request and hands it
 * to the Durable Object of its space (`TidelogSpace`), which keeps the space's log in its
 * own SQLite storage. Configuration: wrangler.toml and the `TIDELOG_TOKENS` secret.
 */
import { createEdgeWorker } from '@tidelog/server/cloudflare';

export { TidelogSpace } from '@tidelog/server/cloudflare';
export default createEdgeWorker();
