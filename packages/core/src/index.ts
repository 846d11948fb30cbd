/**
 * @module @tidelog/core
 * The isomorphic event-sourcing model of Tidelog: events and envelopes, aggregates
 * (decide + evolve), projections, upcasters, snapshots, errors, the `EventStore`
 * interface and an in-memory store. Runs in browsers, Node, workers and edge runtimes;
 * its one runtime dependency is immer.
 */
export * from './aggregate.js';
export {
  checkExpectedVersion,
  jsonEqual,
  matchRepeat,
  toAppendResult,
  toEnvelopes,
  validateAppend,
} from './append-rules.js';
export { type ConfirmPlan, type ConfirmReads, planConfirm } from './confirm-plan.js';
export { decide } from './decide.js';
export * from './errors.js';
export type * from './event-store.js';
export { type FoldResult, fold, foldDetailed } from './fold.js';
export { jsonIssues } from './json-check.js';
export { type LoadedAggregate, type LoadOptions, loadAggregate } from './load-aggregate.js';
export type * from './local-store.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './memory-event-store.js';
export * from './names.js';
export * from './projection.js';
export * from './snapshot.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export type * from './types.js';
export { currentSchemaVersion, type Upcaster, type Upcasters, upcast } from './upcast.js';
export { isUuid, uuidv7 } from './uuid.js';
