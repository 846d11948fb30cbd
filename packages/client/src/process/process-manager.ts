import type { AnyAggregate, CommandName, Envelope, Json } from '@tidelog/core';
import type { CommandArgs } from '../types.js';
import type { ProcessRunnerHost } from './process-reaction.js';
import { ProcessRunner, type ProcessRunnerOptions } from './process-runner.js';

/** A command a process manager asks the runtime to run. */
export interface Dispatch {
  aggregate: AnyAggregate;
  streamId: string;
  command: string;
  payload: Json | undefined;
}

/** What a process-manager handler may read besides the event. */
export interface ProcessContext {
  /** How many process-manager hops led to this event (0 for an event an app command made). */
  depth: number;
}

export type ProcessHandler = (
  event: Envelope,
  ctx: ProcessContext,
) => Dispatch | readonly Dispatch[] | undefined;

export interface ProcessManagerConfig {
  name: string;
  /** Handlers by event type (of any aggregate). */
  events: Record<string, ProcessHandler>;
  /**
   * The longest chain of process-manager hops from one app command. A dispatch past it is
   * a loop: it goes to the dead-letter list with `PROCESS_LOOP` instead of running. Default 8.
   */
  maxDepth?: number;
}

export interface ProcessManager extends Required<ProcessManagerConfig> {
  readonly kind: 'process-manager';
  /**
   * Start this manager's runner in a runtime (`createTidelog` calls it). The runner comes
   * with `defineProcessManager` rather than with the runtime, so an app without process
   * managers does not ship it.
   */
  readonly runner: (host: ProcessRunnerHost, options: ProcessRunnerOptions) => ProcessRunner;
}

/**
 * Define a process manager: it reacts to events by running commands on other streams.
 * Each handler returns the commands to run (build them with `dispatch`).
 *
 * @example
 * const Shipping = defineProcessManager({
 *   name: 'shipping',
 *   events: { OrderPaid: (e) => dispatch(Shipment, `ship-${e.streamId}`, 'create', { order: e.streamId }) },
 * });
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineProcessManager(config: ProcessManagerConfig): ProcessManager {
  const manager: ProcessManager = {
    kind: 'process-manager',
    maxDepth: 8,
    ...config,
    runner: (host, options) => new ProcessRunner(manager, host, options),
  };
  return manager;
}

/**
 * A typed command for a process manager to run: a wrong command name or payload is a compile error.
 *
 * @example
 * dispatch(Counter, 'c-1', 'increment', { by: 1 });
 */
export function dispatch<A extends AnyAggregate, K extends CommandName<A>>(
  aggregate: A,
  streamId: string,
  command: K,
  ...[payload]: CommandArgs<A, K>
): Dispatch {
  return { aggregate, streamId, command, payload: payload as Json | undefined };
}
