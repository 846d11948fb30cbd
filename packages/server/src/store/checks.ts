import { ClosedError, ValidationError } from '@tidelog/core';

/** Refuse a pull cursor, limit or byte budget a store cannot serve (the HTTP layer answers 400 first). */
export function checkPullOptions(options: { after: number; limit: number; maxBytes?: number }): void {
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
  checkMaxBytes(options.maxBytes);
}

/** Refuse a byte budget that is not a positive integer (absent is the default). */
export function checkMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 1)) {
    throw new ValidationError('maxBytes must be a positive integer', [
      { path: 'maxBytes', message: `got ${String(maxBytes)}` },
    ]);
  }
}

/**
 * The options of `readStream`, checked: `fromVersion` defaults to 1; `limit`, when given,
 * and `maxBytes` must be positive integers.
 */
export function checkStreamOptions(options: { fromVersion?: number; limit?: number; maxBytes?: number }): {
  from: number;
  limit: number;
  maxBytes: number | undefined;
} {
  const from = checkFromVersion(options.fromVersion);
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', [
      { path: 'limit', message: `got ${String(options.limit)}` },
    ]);
  }
  checkMaxBytes(options.maxBytes);
  return { from, limit, maxBytes: options.maxBytes };
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
