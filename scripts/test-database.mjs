// Is the tests' PostgreSQL database there? Creates the database when the server answers
// but the database does not exist yet (a fresh cluster has only `postgres`).
import postgres from 'postgres';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

function describe(url) {
  try {
    const u = new URL(url);
    return {
      where: `${u.hostname || 'localhost'}:${u.port || 5432}${u.pathname}`,
      local: LOCAL_HOSTS.has(u.hostname),
      database: decodeURIComponent(u.pathname.slice(1)),
    };
  } catch {
    return { where: 'an invalid DATABASE_URL', local: false, database: '' };
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'EAI_AGAIN',
  'ECONNRESET',
  '57P03',
]);

async function tryOnce(url) {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { kind: 'ok' };
  } catch (error) {
    return {
      kind: UNREACHABLE.has(error?.code) ? 'unreachable' : 'refused',
      code: error?.code,
      message: String(error?.message ?? error),
    };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function createDatabase(url, database) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.href, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Check that `url` answers, waiting up to `waitMs` for a server that is starting; create
 * its database when the server says it does not exist (`3D000`).
 *
 * @example
 * const r = await checkDatabase('postgres://postgres@127.0.0.1:5432/test');
 * if (r.kind !== 'ok') console.error(r.where, r.message);
 */
export async function checkDatabase(url, { waitMs = 0 } = {}) {
  const { where, local, database } = describe(url);
  if (where === 'an invalid DATABASE_URL') return { kind: 'refused', where, local, message: 'not a URL' };
  const deadline = Date.now() + waitMs;
  for (;;) {
    let result = await tryOnce(url);
    if (
      result.kind === 'refused' &&
      result.code === '3D000' &&
      database &&
      (await createDatabase(url, database))
    ) {
      result = await tryOnce(url);
    }
    if (result.kind !== 'unreachable' || Date.now() >= deadline) return { ...result, where, local };
    // A cluster that was just started takes a moment to accept connections.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
