/**
 * @module @tidelog/server
 * The Tidelog sync server: `createSyncServer({ store, auth })` returns a Hono app that
 * speaks sync protocol v1 (`Request => Response`, any runtime Hono runs on), plus the
 * server stores' interface and the in-memory store. SQLite and PostgreSQL stores live at
 * `@tidelog/server/sqlite` and `@tidelog/server/postgres`, so this entry loads neither.
 *
 * @example
 * import { createMemoryServerStore, createSyncServer, tokenAuth } from '@tidelog/server';
 * const app = createSyncServer({ store: createMemoryServerStore(), auth: tokenAuth({ secret: ['*'] }) });
 */
export * from './app/index.js';
export * from './consumer/index.js';
export * from './store/index.js';
