import Database from 'better-sqlite3';
import { migrate } from './schema.js';

/** How a SQLite store opens its file (shared by the main thread and the writer thread). */
export interface ConnectionOptions {
  filename: string;
  synchronous?: 'full' | 'normal';
  busyTimeoutMs?: number;
}

/**
 * Open the file in WAL mode with the store's pragmas and make sure the schema and the
 * serverId exist. Closes the database again if any of that fails.
 *
 * @example
 * const { db, serverId } = openConnection({ filename: './data/tidelog.sqlite' });
 */
export function openConnection(options: ConnectionOptions): { db: Database.Database; serverId: string } {
  const db = new Database(options.filename, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    return { db, serverId: migrate(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}
