import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServerEventStore } from '@tidelog/server';
import type { ServerConfig } from './config.js';

/**
 * Open the configured store: PostgreSQL when `DATABASE_URL` is set, else SQLite (creating
 * its directory). Each is imported on demand, so the other's driver is never loaded.
 *
 * @example
 * const { store, description } = await openStore(config);
 */
export async function openStore(
  config: Pick<ServerConfig, 'databaseUrl' | 'pgSchema' | 'sqliteFile'>,
): Promise<{ store: ServerEventStore; description: Record<string, string> }> {
  if (config.databaseUrl) {
    const { createPostgresServerStore } = await import('@tidelog/server/postgres');
    const schema = config.pgSchema ?? 'tidelog';
    const store = await createPostgresServerStore({ url: config.databaseUrl, schema });
    return { store, description: { store: 'postgres', database: redact(config.databaseUrl), schema } };
  }
  mkdirSync(dirname(config.sqliteFile), { recursive: true });
  const { createSqliteServerStore } = await import('@tidelog/server/sqlite');
  const store = createSqliteServerStore({ filename: config.sqliteFile });
  // `writer` says whether pushes run on the writer thread (the default) or, when its
  // entry file is missing (a bundle built without it), on the main thread.
  return { store, description: { store: 'sqlite', file: config.sqliteFile, writer: store.writer } };
}

/**
 * The URL without its password, for logs and messages.
 *
 * @example
 * redact('postgres://app:secret@db:5432/tidelog'); // 'postgres://app:***@db:5432/tidelog'
 */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
