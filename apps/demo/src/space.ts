/** The board (= sync space) a page shows, from its URL: `/b/<name>`. */
export const DEFAULT_BOARD = 'demo';

/** Board names: what a person types in a URL, and always a valid space name. */
const BOARD_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `'ok'` with the board name, `'home'` for `/`, or `'invalid'` with what was asked for. */
export type BoardRoute =
  | { kind: 'ok'; board: string }
  | { kind: 'home' }
  | { kind: 'invalid'; asked: string };

/**
 * Read the board from a path. Names are lower-case letters, digits, `.`, `_` and `-`, so
 * `/b/Team-A` and `/b/team-a` are one board.
 *
 * @example
 * boardFromPath('/b/team-a'); // { kind: 'ok', board: 'team-a' }
 */
export function boardFromPath(pathname: string): BoardRoute {
  if (pathname === '/' || pathname === '') return { kind: 'home' };
  const match = /^\/b\/([^/]+)\/?$/.exec(pathname);
  if (!match) return { kind: 'invalid', asked: pathname };
  let asked: string;
  try {
    asked = decodeURIComponent(match[1]!).toLowerCase();
  } catch {
    return { kind: 'invalid', asked: match[1]! };
  }
  return BOARD_NAME.test(asked) ? { kind: 'ok', board: asked } : { kind: 'invalid', asked };
}

/** The path of a board. */
export const boardPath = (board: string): string => `/b/${encodeURIComponent(board)}`;

/** The name of the SharedWorker and IndexedDB database of a board: one runtime per board. */
export const runtimeName = (board: string): string => `tidelog-demo:${board}`;

/** The board a worker serves, from its name (`runtimeName`). */
export const boardOfRuntime = (name: string): string | undefined =>
  name.startsWith('tidelog-demo:') ? name.slice('tidelog-demo:'.length) : undefined;
