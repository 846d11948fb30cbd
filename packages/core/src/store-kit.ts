/**
 * @module @tidelog/core/store-kit
 * The rules every `EventStore` applies to an append, shared so that a store of your own
 * (IndexedDB, SQLite in a worker, a remote log) behaves exactly like `MemoryEventStore`:
 * the expected-version check, the idempotent-repeat rule for event ids, turning app events
 * into envelopes, and the JSON checks of event data; and the pieces a runtime shares with
 * core (its listener sets, the snapshot record). Apps do not need this entry.
 *
 * Prove a store with the conformance suite of `@tidelog/core/testing`.
 */
export {
  checkExpectedVersion,
  type EnvelopeDefaults,
  jsonEqual,
  matchRepeat,
  toAppendResult,
  toEnvelopes,
  validateAppend,
} from './append-rules.js';
export { type ConfirmPlan, type ConfirmReads, confirmChange, planConfirm } from './confirm-plan.js';
export {
  isPlainObject,
  isWellFormed,
  type JsonIssueSink,
  type JsonPathSegment,
  jsonIssues,
  MAX_JSON_DEPTH,
  walkJson,
} from './json-check.js';
export { snapshotOf } from './snapshot.js';
export { StoreListeners } from './store-listeners.js';
