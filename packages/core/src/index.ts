/**
 * @module @tidelog/core
 * The isomorphic event-sourcing model of Tidelog: events and envelopes, aggregates
 * (decide + evolve), projections, upcasters, snapshots, errors, the `EventStore`
 * interface and an in-memory store. Runs in browsers, Node, workers and edge runtimes.
 */
export * from './errors.js';
export * from './names.js';
export type * from './types.js';
export { isUuid, uuidv7 } from './uuid.js';
