/**
 * @module @tidelog/server/sqlite
 * The SQLite server store (better-sqlite3, WAL, one file): the embedded default. A subpath
 * of its own so that the main entry never loads the native module.
 */

export * from '../../consumer/sqlite/index.js';
export { SQLITE_SCHEMA_VERSION } from './schema.js';
export { createSqliteServerStore, type SqliteServerStoreOptions } from './store.js';
