/**
 * @module @tidelog/server/testing
 * The conformance suite every `ServerEventStore` runs (vitest), its fixtures, and a reader
 * of the subscribe route's Server-Sent Events for tests.
 */
export { type SseBlock, sseReader } from '../app/sse-reader.js';
export * from './conformance/index.js';
