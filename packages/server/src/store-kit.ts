/**
 * @module @tidelog/server/store-kit
 * For authors of a `ServerEventStore`: the pure push planner every Tidelog store decides
 * pushes with (so the accept / duplicate / conflict rules hold identically everywhere),
 * the keys a store must read before planning, and the watcher list that wakes live
 * subscribers. Apps do not need this entry.
 *
 * Prove a store with `runServerStoreConformance` from `@tidelog/server/testing`.
 */

export { Admission, type AdmissionLimits, DEFAULT_ADMISSION } from './store/admission.js';
export { DEFAULT_PAGE_BYTES, eventSize, PageBudget } from './store/page-budget.js';
export {
  type PushPlan,
  type PushPlanInput,
  planPush,
  pushKeys,
  type StoredEventRef,
} from './store/plan-push.js';
export { Watchers } from './store/watchers.js';
