/**
 * @module @tidelog/client/worker
 * Serve a Tidelog runtime from a SharedWorker (or a dedicated Worker) and connect pages to
 * it with comlink: `serveTidelog` in the worker, `connectTidelog` in the page. Errors keep
 * their class, `code` and fields across the boundary; subscriptions are released when a
 * page unsubscribes or its tab closes. When the worker dies, calls fail with
 * `WorkerLostError` (`WORKER_LOST`) instead of hanging.
 */
export { ConnectionLostError, WorkerLostError } from '../errors.js';
export { type ConnectOptions, connectPort, connectTidelog } from './connect.js';
export { registerErrorTransfer, reviveError } from './error-transfer.js';
export { type Link, TidelogClient } from './remote-client.js';
export { CONNECT_MESSAGE, type RuntimeInit, type ServeOptions, servePort, serveTidelog } from './serve.js';
export type { Hello, Push, Target, TidelogSession } from './session.js';
