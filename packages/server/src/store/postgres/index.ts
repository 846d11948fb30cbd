/**
 * @module @tidelog/server/postgres
 * The PostgreSQL server store (postgres.js): many server replicas on one database. A
 * subpath of its own so that the main entry never loads the database client.
 */

export * from '../../consumer/postgres/index.js';
export { POSTGRES_SCHEMA_VERSION } from './schema.js';
export { createPostgresServerStore, type PostgresServerStoreOptions } from './store.js';
