/**
 * The Worker the workerd test project runs: the adapter's own Worker and Durable Object,
 * from source, as an app's module would export them.
 */
import { createEdgeWorker } from './worker.js';

export { TidelogSpace } from './space-object.js';
export default createEdgeWorker();
