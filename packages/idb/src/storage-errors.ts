import { StorageFullError, StorageUnavailableError, TidelogError } from '@tidelog/core';

const nameOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;

/** True for the errors IndexedDB raises when a connection is gone (closed, or closing). */
export function isConnectionGone(error: unknown): boolean {
  return nameOf(error) === 'InvalidStateError';
}

/**
 * Turn what IndexedDB throws into Tidelog's errors: a full disk is `StorageFullError`,
 * anything that keeps the database from being used is `StorageUnavailableError`. Tidelog's
 * own errors (conflicts, validation) pass through unchanged.
 *
 * @example
 * throw toStorageError(new DOMException('quota', 'QuotaExceededError')); // StorageFullError
 */
export function toStorageError(error: unknown): unknown {
  if (error instanceof TidelogError) return error;
  const name = nameOf(error);
  const detail =
    error instanceof Error || nameOf(error) ? String((error as Error).message ?? '') : String(error);
  if (name === 'QuotaExceededError') {
    return new StorageFullError(`IndexedDB is out of space; nothing of this write was kept (${detail})`);
  }
  if (
    name === 'InvalidStateError' ||
    name === 'UnknownError' ||
    name === 'SecurityError' ||
    name === 'VersionError'
  ) {
    return new StorageUnavailableError(`IndexedDB cannot be used: ${name}: ${detail}`);
  }
  return error;
}
