/**
 * @module @tidelog/core
 * The isomorphic event-sourcing model of Tidelog: events and envelopes, aggregates
 * (decide + evolve), projections, upcasters, snapshots, errors, the `EventStore`
 * interface and an in-memory store. Runs in browsers, Node, workers and edge runtimes;
 * its one runtime dependency is immer.
 *
 * Helpers for writing an `EventStore` of your own live at `@tidelog/core/store-kit`;
 * the conformance suite and given/when/then helpers at `@tidelog/core/testing`.
 */
export {
  type Aggregate,
  type AggregateConfig,
  type AnyAggregate,
  type CommandContext,
  type CommandName,
  type Decide,
  defineAggregate,
  type EventDataOf,
  type EventOf,
  type EventUnion,
  type Evolve,
  type PayloadOf,
  type StateOf,
} from './aggregate.js';
export { decide } from './decide.js';
export {
  ClosedError,
  ConcurrencyError,
  ConfirmConflictError,
  DomainError,
  DuplicateEventError,
  deserializeError,
  hasErrorCode,
  RemoteError,
  type SerializedError,
  StorageFullError,
  StorageUnavailableError,
  serializeError,
  TidelogError,
  type TidelogErrorOptions,
  UnknownCommandError,
  UnknownEventError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export type {
  AppendOptions,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StoreListener,
} from './event-store.js';
export { type FoldResult, fold, foldDetailed } from './fold.js';
export { type LoadedAggregate, type LoadOptions, loadAggregate } from './load-aggregate.js';
export type {
  ConfirmOptions,
  ConfirmOutcome,
  DeadDispatch,
  DeadLetter,
  LocalChange,
  LocalEventStore,
  OutboxEntry,
  PendingAppendResult,
  ProcessCheckpoint,
  ProjectionCheckpoint,
  RebaseStep,
  RejectedCommand,
} from './local-store.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './memory-event-store.js';
export { isValidStreamId } from './names.js';
export {
  type AnyProjection,
  contiguous,
  defineProjection,
  foldProjection,
  type Projection,
  type ProjectionConfig,
  type ProjectionHandler,
  type ProjectionState,
  runProjection,
} from './projection.js';
export {
  MemorySnapshotStore,
  type Snapshot,
  type SnapshotPolicy,
  type SnapshotStore,
  shouldSnapshot,
  snapshotKey,
} from './snapshot.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export type {
  AppendEvent,
  AppendResult,
  Envelope,
  EventMeta,
  ExpectedVersion,
  Json,
  JsonObject,
  NewEvent,
  PositionedEnvelope,
} from './types.js';
export { currentSchemaVersion, type Upcaster, type Upcasters, upcast } from './upcast.js';
export { derivedUuid, isUuid, uuidv7 } from './uuid.js';
