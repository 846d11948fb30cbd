import { StorageFullError, StorageUnavailableError } from '@tidelog/core';

/** The `name` of what was thrown (a `DOMException`'s says what went wrong), if it has one. */
export const errorName = (error: unknown): unknown => (error as { name?: unknown } | null | undefined)?.name;

/** What IndexedDB raises when a database cannot be used at all. */
const UNUSABLE: unknown[] = ['InvalidStateError', 'UnknownError', 'SecurityError'];

/**
 * Turn what IndexedDB throws into Tidelog's errors: a full disk is `StorageFullError`,
 * anything that keeps the database from being used is `StorageUnavailableError`. Tidelog's
 * own errors (conflicts, validation) pass through unchanged. What IndexedDB throws is a
 * `DOMException`, an `Error`: its string, `name: message`, goes into the message.
 *
 * @example
 * throw toStorageError(new DOMException('quota', 'QuotaExceededError')); // StorageFullError
 */
export function toStorageError(error: unknown): unknown {
  // Tidelog's own errors are named for themselves, never like these.
  const name = errorName(error);
  if (name === 'QuotaExceededError') {
    return new StorageFullError(
      `IndexedDB is out of space; nothing of this write was kept (${String(error)})`,
    );
  }
  // Only an open meets a newer format.
  if (name === 'VersionError') {
    return new StorageUnavailableError(
      'the IndexedDB database is at a newer format than this code (a newer version of the app upgraded it): reload the app',
    );
  }
  if (UNUSABLE.includes(name))
    return new StorageUnavailableError(`IndexedDB cannot be used: ${String(error)}`);
  return error;
}
