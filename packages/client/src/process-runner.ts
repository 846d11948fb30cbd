import { type Envelope, type JsonObject, serializeError, uuidv7 } from '@tidelog/core';
import { ProcessLoopError } from './errors.js';
import type { Dispatch, ProcessManager } from './process-manager.js';
import type { DeadLetter } from './types.js';

/** Meta field that counts process-manager hops since the app's own command. */
export const DEPTH_FIELD = 'causationDepth';

export interface ProcessRunnerHost {
  clientId: string;
  now(): string;
  run(dispatch: Dispatch, metadata: JsonObject): Promise<unknown>;
  deadLetter(letter: DeadLetter): void;
}

/**
 * Drives one process manager: for each event this runtime made, runs the commands its
 * handler returns, one at a time, with correlation and causation in their metadata. A
 * handler or command that fails, and any dispatch deeper than `maxDepth` (a loop), goes
 * to the dead-letter list; nothing is retried forever.
 *
 * @example
 * const runner = new ProcessRunner(Shipping, host);
 * store.subscribe((events) => runner.onBatch(events));
 */
export class ProcessRunner {
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly manager: ProcessManager,
    private readonly host: ProcessRunnerHost,
  ) {}

  onBatch(events: readonly Envelope[]): Promise<void> {
    // Only events made here: confirmed events pulled from other devices were already handled there.
    const mine = events.filter(
      (e) => e.meta.clientId === this.host.clientId && Object.hasOwn(this.manager.events, e.type),
    );
    if (mine.length === 0) return Promise.resolve();
    const run = this.#chain.then(async () => {
      for (const event of mine) await this.#handle(event);
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #handle(event: Envelope): Promise<void> {
    const pm = this.manager;
    const depth = Number(event.meta[DEPTH_FIELD] ?? 0);
    const correlationId = String(event.meta.correlationId ?? event.meta.commandId ?? event.id);
    let dispatches: readonly Dispatch[];
    try {
      const out = pm.events[event.type]!(event, { depth });
      dispatches = out === undefined ? [] : Array.isArray(out) ? out : [out as Dispatch];
    } catch (error) {
      this.#dead(event, undefined, error);
      return;
    }
    for (const d of dispatches) {
      if (depth + 1 > pm.maxDepth) {
        this.#dead(event, d, new ProcessLoopError(pm.name, depth + 1, correlationId));
        continue;
      }
      try {
        await this.host.run(d, {
          correlationId,
          causationId: event.id,
          [DEPTH_FIELD]: depth + 1,
          processManager: pm.name,
        });
      } catch (error) {
        this.#dead(event, d, error);
      }
    }
  }

  #dead(event: Envelope, d: Dispatch | undefined, error: unknown): void {
    this.host.deadLetter({
      id: uuidv7(),
      processManager: this.manager.name,
      event,
      ...(d && {
        dispatch: {
          aggregateType: d.aggregate.type,
          streamId: d.streamId,
          command: d.command,
          payload: d.payload,
        },
      }),
      error: serializeError(error),
      at: this.host.now(),
    });
  }
}
