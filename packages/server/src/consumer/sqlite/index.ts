/**
 * @module @tidelog/server/sqlite (consumers)
 * The SQLite consumer store, exported from `@tidelog/server/sqlite`.
 */
export { createSqliteConsumerStore, type SqliteConsumerStoreOptions } from './store.js';
