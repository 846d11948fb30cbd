import { StorageUnavailableError } from '@tidelog/core';
import { FORMAT_VERSION, upgradeFormat } from './schema.js';
import { toStorageError } from './storage-errors.js';

export interface OpenDatabaseOptions {
  name: string;
  /** The IndexedDB factory; `undefined` means there is none here. */
  factory: IDBFactory | undefined;
  /** Format to open at, default `FORMAT_VERSION` (tests open older formats). */
  version?: number;
  /** How long to wait for other connections to let an upgrade through, default 10 s. */
  blockedTimeoutMs?: number;
  /**
   * The connection is gone: another connection wants to upgrade or delete the database (ours
   * has been closed), or the browser closed it (storage cleared, disk error).
   */
  onLost?: () => void;
}

/**
 * Open (creating or upgrading) a Tidelog database and return the raw connection.
 * Every way it can fail to open ends in `StorageUnavailableError`; the connection closes
 * itself when another tab asks for a version change, so it never blocks that tab.
 *
 * @example
 * const db = await openDatabase({ name: 'app', factory: globalThis.indexedDB });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<IDBDatabase> {
  const { name, factory, version = FORMAT_VERSION, blockedTimeoutMs = 10_000 } = options;
  try {
    return await new Promise((resolve, reject) => {
      if (!factory) throw new StorageUnavailableError('IndexedDB is not available in this environment');
      // The store builds key ranges with the global IDBKeyRange. A factory passed in where it
      // is not a global (Node with fake-indexeddb's factory alone) cannot serve it: say so
      // here, as unavailable storage, rather than fail on every read later.
      if (typeof IDBKeyRange === 'undefined') {
        throw new StorageUnavailableError(
          'IndexedDB is not available in this environment: IDBKeyRange is not a global',
        );
      }
      // Some browsers throw at once (e.g. SecurityError in an opaque origin or a sandbox).
      const req = factory.open(name, version);
      let timer: ReturnType<typeof setTimeout> | undefined;
      // An open at a version upgrades to that version.
      req.onupgradeneeded = (event) => upgradeFormat(req.result, event.oldVersion, version, req.transaction!);
      req.onblocked = () => {
        timer ??= setTimeout(() => {
          // The caller stops waiting: a late connection is closed, not leaked.
          req.onsuccess = () => req.result.close();
          reject(
            new StorageUnavailableError(
              `the upgrade of IndexedDB database "${name}" to format ${version} is blocked by another open tab`,
            ),
          );
        }, blockedTimeoutMs);
      };
      req.onerror = () => {
        clearTimeout(timer);
        reject(req.error);
      };
      req.onsuccess = () => {
        clearTimeout(timer);
        const db = req.result;
        db.onversionchange = () => {
          db.close();
          options.onLost?.();
        };
        db.onclose = () => options.onLost?.();
        resolve(db);
      };
    });
  } catch (error) {
    // Every way an open fails is unavailable storage (a newer format, a full disk too).
    const mapped = toStorageError(error);
    throw mapped instanceof StorageUnavailableError
      ? mapped
      : new StorageUnavailableError(`IndexedDB refused to open: ${String(error)}`);
  }
}
