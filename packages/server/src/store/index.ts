/**
 * @module @tidelog/server/store
 * The server event stores' shared interface, the pure push planner every store decides
 * pushes with, and the in-memory store. SQLite and PostgreSQL live behind the
 * `@tidelog/server/sqlite` and `@tidelog/server/postgres` subpaths so that importing the
 * main entry loads no native module or database client.
 */
export { Admission, type AdmissionLimits, DEFAULT_ADMISSION } from './admission.js';
export { RateLimitedError, UnavailableError } from './errors.js';
export { createMemoryServerStore, type MemoryServerStoreOptions } from './memory.js';
export { DEFAULT_PAGE_BYTES, eventSize, PageBudget } from './page-budget.js';
export { type PushPlan, type PushPlanInput, planPush, pushKeys, type StoredEventRef } from './plan-push.js';
export type * from './types.js';
export { Watchers } from './watchers.js';
