/**
 * Which spaces a request may use: a list of space names, `['*']` for all, or `null` when
 * the request is not authenticated (401). A space outside the list is a 403.
 */
export type SpaceGrant = readonly string[];

/** Decide what a request may do, from its headers (or anything else on the request). */
export type AuthFunction = (request: Request) => SpaceGrant | null | Promise<SpaceGrant | null>;

/** True when `grant` allows `space`. */
export function grants(grant: SpaceGrant, space: string): boolean {
  return grant.includes('*') || grant.includes(space);
}

/**
 * The bearer token of a request: the `Authorization: Bearer <token>` header, or else the
 * `access_token` query parameter, because a browser's `EventSource` cannot send headers.
 *
 * @example
 * bearerToken(new Request('http://x/', { headers: { authorization: 'Bearer abc' } })); // 'abc'
 */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return match?.[1];
  }
  const query = new URL(request.url).searchParams.get('access_token');
  return query === null || query === '' ? undefined : query;
}

/**
 * Auth by static bearer tokens: `{ token: [spaces] }`, `"*"` granting every space. A
 * missing or unknown token is a 401. Tokens are looked up in a `Map`, so names such as
 * `constructor` or `__proto__` are just unknown tokens.
 *
 * @example
 * const auth = tokenAuth({ 'secret-admin': ['*'], 'secret-team': ['team-1', 'team-2'] });
 * const app = createSyncServer({ store, auth });
 */
export function tokenAuth(tokens: Record<string, readonly string[]>): AuthFunction {
  const table = new Map<string, SpaceGrant>();
  for (const [token, spaces] of Object.entries(tokens)) {
    if (token === '') throw new TypeError('tokenAuth: a token must not be empty');
    if (!Array.isArray(spaces) || !spaces.every((s) => typeof s === 'string')) {
      throw new TypeError(`tokenAuth: the spaces of a token must be a list of strings`);
    }
    table.set(token, Object.freeze([...spaces]));
  }
  return (request) => {
    const token = bearerToken(request);
    return token === undefined ? null : (table.get(token) ?? null);
  };
}

/**
 * No auth: every request may use every space (the default of `createSyncServer`).
 *
 * @example
 * const app = createSyncServer({ store, auth: openAuth }); // for tests and local demos only
 */
export const openAuth: AuthFunction = () => ['*'];
