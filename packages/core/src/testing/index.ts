/**
 * @module @tidelog/core/testing
 * The store conformance suite every `EventStore` runs, and given/when/then helpers for
 * aggregates. `runEventStoreConformance` needs vitest; the plain cases do not.
 */
export { aggregateSpec, type SpecGiven, type SpecOutcome } from './aggregate-spec.js';
export { ConformanceFailure, check, equal, rejects } from './assert.js';
export {
  type ConformanceOptions,
  type LocalConformanceOptions,
  runEventStoreConformance,
  runLocalStoreConformance,
} from './conformance.js';
export { type LocalStoreCase, localStoreCases } from './local-store-cases.js';
export { eventStoreCases, type StoreCase } from './store-cases.js';
