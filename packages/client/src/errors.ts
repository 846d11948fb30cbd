import { TidelogError } from '@tidelog/core';

/** An aggregate the runtime was not created with. */
export class UnknownAggregateError extends TidelogError {
  override readonly name = 'UnknownAggregateError';
  readonly code = 'UNKNOWN_AGGREGATE';
  declare readonly aggregateType: string;
  constructor(aggregateType: string) {
    super(`the runtime has no aggregate "${aggregateType}"; pass it in createTidelog({ aggregates })`, {
      details: { aggregateType },
    });
  }
}

/** A projection the runtime was not created with. */
export class UnknownProjectionError extends TidelogError {
  override readonly name = 'UnknownProjectionError';
  readonly code = 'UNKNOWN_PROJECTION';
  declare readonly projection: string;
  constructor(projection: string) {
    super(`the runtime has no projection "${projection}"; pass it in createTidelog({ projections })`, {
      details: { projection },
    });
  }
}

/** A dead letter of a process manager the runtime was not created with (it cannot be retried). */
export class UnknownProcessManagerError extends TidelogError {
  override readonly name = 'UnknownProcessManagerError';
  readonly code = 'UNKNOWN_PROCESS_MANAGER';
  declare readonly processManager: string;
  constructor(processManager: string) {
    super(
      `the runtime has no process manager "${processManager}"; pass it in createTidelog({ processManagers })`,
      { details: { processManager } },
    );
  }
}

/** A process manager chain grew past `maxDepth`: almost always two handlers feeding each other. */
export class ProcessLoopError extends TidelogError {
  override readonly name = 'ProcessLoopError';
  readonly code = 'PROCESS_LOOP';
  declare readonly processManager: string;
  declare readonly depth: number;
  declare readonly correlationId: string;
  constructor(processManager: string, depth: number, correlationId: string) {
    super(
      `process manager "${processManager}" would dispatch at depth ${depth}, past its maxDepth: a loop? (correlation ${correlationId})`,
      { details: { processManager, depth, correlationId } },
    );
  }
}

/** The runtime a page talked to went away (its leader tab closed) before answering. */
export class ConnectionLostError extends TidelogError {
  override readonly name = 'ConnectionLostError';
  readonly code = 'CONNECTION_LOST';
}

/**
 * The worker that ran this page's runtime is gone (it crashed, was closed, or the browser
 * stopped it): calls in flight and every later call fail with this instead of waiting for
 * an answer that cannot come. Connect again (`connectTidelog`) to start a new worker.
 */
export class WorkerLostError extends TidelogError {
  override readonly name = 'WorkerLostError';
  readonly code = 'WORKER_LOST';
}

/** `tidelog.sync.now()` on a runtime created without a `sync` option. */
export class SyncDisabledError extends TidelogError {
  override readonly name = 'SyncDisabledError';
  readonly code = 'SYNC_DISABLED';
  constructor() {
    super('sync is not configured: pass createTidelog({ sync: { url, space } }) to sync with a server');
  }
}

/** `tidelog.retryRejected(commandId)` with a command id that is not in the rejected list. */
export class UnknownRejectedError extends TidelogError {
  override readonly name = 'UnknownRejectedError';
  readonly code = 'UNKNOWN_REJECTED';
  declare readonly commandId: string;
  constructor(commandId: string) {
    super(`no rejected command has id ${commandId} (already retried or discarded?)`, {
      details: { commandId },
    });
  }
}
