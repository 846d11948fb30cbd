import { type Json, TidelogError } from '@tidelog/core';

/** An aggregate the runtime was not created with. */
export class UnknownAggregateError extends TidelogError {
  override readonly name = 'UnknownAggregateError';
  readonly code = 'UNKNOWN_AGGREGATE';
  constructor(readonly aggregateType: string) {
    super(`the runtime has no aggregate "${aggregateType}"; pass it in createTidelog({ aggregates })`);
  }
  protected override details(): Record<string, Json> {
    return { aggregateType: this.aggregateType };
  }
}

/** A projection the runtime was not created with. */
export class UnknownProjectionError extends TidelogError {
  override readonly name = 'UnknownProjectionError';
  readonly code = 'UNKNOWN_PROJECTION';
  constructor(readonly projection: string) {
    super(`the runtime has no projection "${projection}"; pass it in createTidelog({ projections })`);
  }
  protected override details(): Record<string, Json> {
    return { projection: this.projection };
  }
}

/** A dead letter of a process manager the runtime was not created with (it cannot be retried). */
export class UnknownProcessManagerError extends TidelogError {
  override readonly name = 'UnknownProcessManagerError';
  readonly code = 'UNKNOWN_PROCESS_MANAGER';
  constructor(readonly processManager: string) {
    super(
      `the runtime has no process manager "${processManager}"; pass it in createTidelog({ processManagers })`,
    );
  }
  protected override details(): Record<string, Json> {
    return { processManager: this.processManager };
  }
}

/** A process manager chain grew past `maxDepth`: almost always two handlers feeding each other. */
export class ProcessLoopError extends TidelogError {
  override readonly name = 'ProcessLoopError';
  readonly code = 'PROCESS_LOOP';
  constructor(
    readonly processManager: string,
    readonly depth: number,
    readonly correlationId: string,
  ) {
    super(
      `process manager "${processManager}" would dispatch at depth ${depth}, past its maxDepth: a loop? (correlation ${correlationId})`,
    );
  }
  protected override details(): Record<string, Json> {
    return { processManager: this.processManager, depth: this.depth, correlationId: this.correlationId };
  }
}

/** The runtime a page talked to went away (its leader tab closed) before answering. */
export class ConnectionLostError extends TidelogError {
  override readonly name = 'ConnectionLostError';
  readonly code = 'CONNECTION_LOST';
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
  constructor(readonly commandId: string) {
    super(`no rejected command has id ${commandId} (already retried or discarded?)`);
  }
  protected override details(): Record<string, Json> {
    return { commandId: this.commandId };
  }
}
