/**
 * @module @tidelog/server/testing
 * The conformance suite every `ServerEventStore` runs (vitest), its fixtures, and a reader
 * of the subscribe route's Server-Sent Events for tests.
 */
export { type SseBlock, sseReader } from '../app/sse-reader.js';
export {
  type CaseContext,
  type ConformanceCase,
  pullAll,
  pushed,
  runConformanceCase,
  runServerStoreConformance,
  type ServerStoreConformanceOptions,
  serverStoreConformanceCases,
  streamRun,
} from '../store/conformance/index.js';
