/**
 * @module @tidelog/react
 * React bindings for Tidelog: `TidelogProvider` and hooks over `useSyncExternalStore`
 * (`useAggregate`, `useProjection`, `useCommand`, `useSyncStatus`, `useRejected`). They work
 * with a runtime from `createTidelog` and a client from `connectTidelog` alike, never
 * suspend, and re-render a component only when what it reads changes.
 */
export { MissingProviderError } from './errors.js';
export { TidelogProvider, type TidelogProviderProps, useTidelog } from './provider.js';
export { type AggregateView, useAggregate } from './use-aggregate.js';
export { type CommandRunner, useCommand } from './use-command.js';
export { type ProjectionView, useProjection } from './use-projection.js';
export { type RejectedView, useRejected } from './use-rejected.js';
export { useSyncStatus } from './use-sync-status.js';
