import { TidelogError } from '@tidelog/core';

/**
 * The consumer's lease was taken by another replica, or expired, before a write that
 * needed it: nothing was written. The consumer goes back to waiting for the lease.
 *
 * @example
 * if (hasErrorCode(error, 'LEASE_LOST')) console.warn('another replica drives this consumer now');
 */
export class LeaseLostError extends TidelogError {
  override readonly name = 'LeaseLostError';
  readonly code = 'LEASE_LOST';
  constructor(
    readonly consumer: string,
    readonly fence: number,
  ) {
    super(`consumer "${consumer}" no longer holds its lease (fence ${fence})`);
  }
  protected override details() {
    return { consumer: this.consumer, fence: this.fence };
  }
}

/**
 * An exactly-once handler on SQLite returned a promise: its writes must be synchronous.
 *
 * @example
 * runConsumer({ ...options, handleInTransaction: (batch, db) => { db.prepare('…').run(); } }); // no async
 */
export class AsyncTransactionError extends TidelogError {
  override readonly name = 'AsyncTransactionError';
  readonly code = 'ASYNC_TRANSACTION';
}
