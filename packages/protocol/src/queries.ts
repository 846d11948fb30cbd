import { IssueList, invalid, type Validation } from './issues.js';
import { DEFAULT_LIMITS, MAX_VERSION, type ProtocolLimits } from './limits.js';
import { parseCount } from './rules.js';
import type { PullQuery, StreamReadQuery, SubscribeQuery } from './types.js';

/** Query parameters as read from a URL: absent is `undefined` (or `null`, as URLSearchParams gives). */
export type QueryValue = string | null | undefined;

/** A cursor (`after`, `Last-Event-ID`): a non-negative safe integer; absent → `fallback`. */
function cursor(text: QueryValue, name: string, issues: IssueList, fallback = 0): number {
  if (text === undefined || text === null) return fallback;
  const value = parseCount(text);
  if (value === undefined || !Number.isSafeInteger(value)) {
    issues.add(name, `must be a non-negative integer, got ${JSON.stringify(text.slice(0, 40))}`);
    return fallback;
  }
  return value;
}

/**
 * Parse `GET …/pull?after=&limit=`: `after` defaults to 0, `limit` to 500; a larger
 * limit is clamped to 5000; a limit below 1 or a cursor that is not a non-negative
 * integer is an `INVALID_REQUEST`.
 *
 * @example
 * parsePullQuery({ after: '10', limit: '99999' }); // { ok: true, value: { after: 10, limit: 5000 } }
 * parsePullQuery({ limit: '0' }).ok; // false
 */
export function parsePullQuery(
  query: { after?: QueryValue; limit?: QueryValue },
  limits: Pick<ProtocolLimits, 'defaultPullLimit' | 'maxPullLimit'> = DEFAULT_LIMITS,
): Validation<PullQuery> {
  const issues = new IssueList();
  const after = cursor(query.after, 'after', issues);
  const limit = pageLimit(query.limit, limits, issues);
  return issues.empty ? { ok: true, value: { after, limit } } : invalid(issues.result());
}

/** A page size (`limit`): default `defaultPullLimit`, clamped to `maxPullLimit`, at least 1. */
function pageLimit(
  text: QueryValue,
  limits: Pick<ProtocolLimits, 'defaultPullLimit' | 'maxPullLimit'>,
  issues: IssueList,
): number {
  if (text === undefined || text === null) return limits.defaultPullLimit;
  const value = parseCount(text);
  if (value === undefined || value < 1) {
    issues.add('limit', `must be an integer of at least 1, got ${JSON.stringify(text.slice(0, 40))}`);
    return limits.defaultPullLimit;
  }
  return Math.min(value, limits.maxPullLimit);
}

/**
 * Parse where a subscription starts: `Last-Event-ID` (sent by a reconnecting EventSource)
 * wins over `?after=`; both default to 0. An empty `Last-Event-ID` counts as absent.
 *
 * @example
 * parseSubscribeQuery({ after: '5', lastEventId: '12' }); // { ok: true, value: { after: 12 } }
 */
export function parseSubscribeQuery(query: {
  after?: QueryValue;
  lastEventId?: QueryValue;
}): Validation<SubscribeQuery> {
  const issues = new IssueList();
  const header = query.lastEventId?.trim();
  const after = header ? cursor(header, 'Last-Event-ID', issues) : cursor(query.after, 'after', issues);
  return issues.empty ? { ok: true, value: { after } } : invalid(issues.result());
}

/**
 * Parse `GET …/streams/:streamId?from=&limit=`: the first version to read, default 1
 * (0 also means "from the start"; above `MAX_VERSION` is an `INVALID_REQUEST`), and the
 * page size, as pull's `limit`.
 *
 * @example
 * parseStreamReadQuery({ from: '3' }); // { ok: true, value: { from: 3, limit: 500 } }
 */
export function parseStreamReadQuery(
  query: { from?: QueryValue; limit?: QueryValue },
  limits: Pick<ProtocolLimits, 'defaultPullLimit' | 'maxPullLimit'> = DEFAULT_LIMITS,
): Validation<StreamReadQuery> {
  const issues = new IssueList();
  const from = cursor(query.from, 'from', issues, 1);
  if (issues.empty && from > MAX_VERSION) issues.add('from', `must be at most ${MAX_VERSION}`);
  const limit = pageLimit(query.limit, limits, issues);
  return issues.empty ? { ok: true, value: { from: Math.max(1, from), limit } } : invalid(issues.result());
}
