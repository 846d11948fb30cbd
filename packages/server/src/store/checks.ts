import { ClosedError, ValidationError } from '@tidelog/core';

/** Refuse a pull cursor or limit a store cannot serve (the HTTP layer answers 400 first). */
export function checkPullOptions(options: { after: number; limit: number }): void {
  if (!Number.isSafeInteger(options.after) || options.after < 0) {
    throw new ValidationError('after must be a non-negative integer', [
      { path: 'after', message: `got ${String(options.after)}` },
    ]);
  }
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
    throw new ValidationError('limit must be a positive integer', [
      { path: 'limit', message: `got ${String(options.limit)}` },
    ]);
  }
}

/** The `fromVersion` of `readStream`, defaulting to 1; refuse what is not a positive integer. */
export function checkFromVersion(fromVersion: number | undefined): number {
  const from = fromVersion ?? 1;
  if (!Number.isSafeInteger(from) || from < 1) {
    throw new ValidationError('fromVersion must be a positive integer', [
      { path: 'fromVersion', message: `got ${String(fromVersion)}` },
    ]);
  }
  return from;
}

/** Throw `ClosedError` when a store is used after `close()`. */
export function checkOpen(closed: boolean, what: string): void {
  if (closed) throw new ClosedError(`${what} is closed`);
}
