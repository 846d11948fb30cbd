import { foldProjection, type Json, type Projection, type ProjectionState } from '@tidelog/core';
import type { CheckpointHooks } from './hooks.js';
import type { ConsumerOptionsBase } from './options.js';
import { resolveConsumerOptions } from './options.js';
import { type Consumer, Runner } from './run-consumer.js';
import type { ConsumerCheckpoint, ConsumerStore } from './types.js';

/** Options of `runServerProjection`: a consumer's, with the projection instead of a handler. */
export interface ServerProjectionOptions<S, Tx> extends Omit<ConsumerOptionsBase<Tx>, 'name'> {
  /** The same `defineProjection` the client runs. Its state must be plain JSON. */
  projection: Projection<S>;
  /** The consumer name its checkpoints are kept under (default: the projection's name). */
  name?: string;
}

/** A server projection being driven: a consumer, plus the state this replica holds. */
export interface ServerProjection<S> extends Consumer {
  /** The state this replica has folded for `space` (while it drives), and its checkpoint. */
  current(space: string): ProjectionState<S>;
}

/** A stored checkpoint is usable only if the same projection version built it. */
const usable = (checkpoint: ConsumerCheckpoint | undefined, version: number) =>
  checkpoint !== undefined && checkpoint.state !== undefined && checkpoint.stateVersion === version;

/**
 * Run a projection on the server as a consumer: each batch is folded into the space's
 * state, and the state is stored with the offset in one write, so state and offset never
 * disagree, whatever crashes. A stored state of another `projection.version` is rebuilt
 * from position 0. A batch the fold throws on is retried and never parked (a projection
 * that skipped events would be wrong), unless `retry.attempts` says otherwise.
 *
 * @example
 * const totals = runServerProjection({ store, consumers, projection: Totals, spaces: ['shop'] });
 * const { state, checkpoint } = await readServerProjection(consumers, Totals, 'shop');
 */
export function runServerProjection<S, Tx>(options: ServerProjectionOptions<S, Tx>): ServerProjection<S> {
  const { projection } = options;
  const states = new Map<string, S>();
  const hooks: CheckpointHooks = {
    start(space, checkpoint) {
      if (checkpoint && usable(checkpoint, projection.version)) {
        states.set(space, checkpoint.state as S);
        return checkpoint.position;
      }
      states.set(space, projection.initialState);
      return 0;
    },
    next(space, events) {
      const before = states.get(space) ?? projection.initialState;
      return { value: foldProjection(projection, before, events) as Json, version: projection.version };
    },
    committed(space, state) {
      if (state) states.set(space, state.value as S);
    },
  };
  const consumerOptions = {
    ...options,
    name: options.name ?? projection.name,
    retry: { attempts: Number.POSITIVE_INFINITY, ...options.retry },
    handle: () => {},
  };
  const runner = new Runner<Tx>(consumerOptions, resolveConsumerOptions(consumerOptions), hooks);
  return Object.assign(runner, {
    current(space: string): ProjectionState<S> {
      const checkpoint = runner.status().offsets.get(space) ?? 0;
      return { state: states.get(space) ?? projection.initialState, checkpoint };
    },
  });
}

/**
 * Read a server projection's stored state and checkpoint for `space`, from any replica.
 * Before the projection has run (or after its version changed) it is the initial state at
 * checkpoint 0.
 *
 * @example
 * const { state, checkpoint } = await readServerProjection(consumers, Totals, 'shop');
 */
export async function readServerProjection<S>(
  consumers: ConsumerStore<unknown>,
  projection: Projection<S>,
  space: string,
  name: string = projection.name,
): Promise<ProjectionState<S>> {
  const checkpoint = (await consumers.checkpoints(name)).get(space);
  if (!checkpoint || !usable(checkpoint, projection.version)) {
    return { state: projection.initialState, checkpoint: 0 };
  }
  return { state: checkpoint.state as S, checkpoint: checkpoint.position };
}
