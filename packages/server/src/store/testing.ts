/**
 * @module @tidelog/server/testing
 * The conformance suite every `ServerEventStore` runs (vitest), and its fixtures.
 */
export * from './conformance/index.js';
