import { isAbsolute, resolve } from 'node:path';

/** What the runnable server is configured with; see apps/server/README.md. */
export interface ServerConfig {
  port: number;
  host: string;
  /** PostgreSQL when set (`DATABASE_URL`), else SQLite at `sqliteFile`. */
  databaseUrl: string | undefined;
  /** The PostgreSQL schema of the store's tables (`TIDELOG_PG_SCHEMA`, default "tidelog"). */
  pgSchema: string | undefined;
  sqliteFile: string;
  /** Bearer token → spaces (`TIDELOG_TOKENS`); undefined means the server runs open. */
  tokens: Record<string, string[]> | undefined;
  /** Allowed CORS origin (`TIDELOG_CORS_ORIGIN`); undefined means CORS is off. */
  corsOrigin: string | undefined;
  /** The built demo app to serve (`TIDELOG_DEMO_DIR`, default apps/demo/dist). */
  demoDir: string;
  /** Milliseconds between SSE heartbeats (`TIDELOG_HEARTBEAT_MS`, default 15000). */
  heartbeatMs: number;
}

/** A configuration problem: the message says which variable and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function port(text: string | undefined): number {
  if (text === undefined || text === '') return 8787;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new ConfigError(`PORT must be a port number (0-65535), got "${text}"`);
  return n;
}

function tokens(text: string | undefined): Record<string, string[]> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('TIDELOG_TOKENS must be JSON, e.g. {"secret-token":["*"],"team-token":["team-1"]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('TIDELOG_TOKENS must be a JSON object from bearer token to a list of spaces');
  }
  const out: Record<string, string[]> = {};
  for (const [token, spaces] of Object.entries(parsed)) {
    if (token === '' || /\s/.test(token))
      throw new ConfigError('TIDELOG_TOKENS: a token must be non-empty, without spaces');
    if (!Array.isArray(spaces) || !spaces.every((s) => typeof s === 'string')) {
      throw new ConfigError(`TIDELOG_TOKENS: the spaces of a token must be a list of strings ("*" = all)`);
    }
    Object.defineProperty(out, token, {
      value: spaces,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (Object.keys(out).length === 0)
    throw new ConfigError('TIDELOG_TOKENS is an empty object: no client could connect');
  return out;
}

/**
 * Read the configuration from environment variables, resolving paths against `cwd`.
 *
 * @example
 * readConfig({ PORT: '9000', TIDELOG_TOKENS: '{"t":["*"]}' }, process.cwd(), '/repo/apps/demo/dist');
 */
export function readConfig(
  env: Record<string, string | undefined>,
  cwd: string,
  defaultDemoDir: string,
): ServerConfig {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  const heartbeat = env.TIDELOG_HEARTBEAT_MS;
  const heartbeatMs = heartbeat ? Number(heartbeat) : 15_000;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 1) {
    throw new ConfigError(`TIDELOG_HEARTBEAT_MS must be a positive integer, got "${heartbeat}"`);
  }
  return {
    port: port(env.PORT),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.TIDELOG_PG_SCHEMA || undefined,
    sqliteFile: at(env.TIDELOG_DB || './data/tidelog.sqlite'),
    tokens: tokens(env.TIDELOG_TOKENS),
    corsOrigin: env.TIDELOG_CORS_ORIGIN || undefined,
    demoDir: env.TIDELOG_DEMO_DIR ? at(env.TIDELOG_DEMO_DIR) : defaultDemoDir,
    heartbeatMs,
  };
}
