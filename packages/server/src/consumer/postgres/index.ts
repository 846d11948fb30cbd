/**
 * @module @tidelog/server/postgres (consumers)
 * The PostgreSQL consumer store, exported from `@tidelog/server/postgres`.
 */
export { createPostgresConsumerStore, type PostgresConsumerStoreOptions } from './store.js';
