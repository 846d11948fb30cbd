/** Where the tests' PostgreSQL database is when `DATABASE_URL` is not set. */
export const DEFAULT_DATABASE_URL: string;
/** The outcome of checking the tests' database. */
export interface DatabaseCheck {
  kind: 'ok' | 'unreachable' | 'refused';
  where: string;
  local: boolean;
  code?: string;
  message?: string;
}
export function checkDatabase(url: string, options?: { waitMs?: number }): Promise<DatabaseCheck>;
