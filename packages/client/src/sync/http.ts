import {
  type ErrorBody,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  validateErrorBody,
  validatePullResponse,
  validatePushResponse,
} from '@tidelog/protocol';
import { retryAfterMs } from './backoff.js';
import {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  SyncProtocolError,
  SyncUnreachableError,
  UnauthorizedError,
} from './errors.js';

/** What the HTTP side of the loop needs. */
export interface SyncHttpOptions {
  url: string;
  space: string;
  fetch: typeof fetch;
  /** The bearer token for the next request, if any. */
  token: () => string | undefined;
  now: () => number;
}

/** A 5xx or 429 with the server's `Retry-After`, in milliseconds. */
export class RetryLater extends SyncUnreachableError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message, status);
  }
}

/**
 * Sync protocol v1 over `fetch`: push, pull and subscribe, each answer checked against the
 * protocol and every failure turned into one of the loop's coded errors (`./errors.ts`).
 *
 * @example
 * const http = new SyncHttp({ url, space: 'team-1', fetch, token: () => undefined, now: Date.now });
 * const page = await http.pull(0, 5000, signal);
 */
export class SyncHttp {
  readonly #options: SyncHttpOptions;
  readonly #base: string;
  constructor(options: SyncHttpOptions) {
    this.#options = options;
    this.#base = `${options.url.replace(/\/+$/, '')}/v1/spaces/${encodeURIComponent(options.space)}`;
  }

  push(body: PushRequest, signal: AbortSignal): Promise<PushResponse> {
    return this.#json('/push', signal, validatePushResponse, 'push', JSON.stringify(body));
  }

  pull(after: number, limit: number, signal: AbortSignal): Promise<PullResponse> {
    return this.#json(`/pull?after=${after}&limit=${limit}`, signal, validatePullResponse, 'pull');
  }

  /** Open the live stream after `after`; resolves with its body once the server answered 200. */
  async subscribe(after: number, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    // Last-Event-ID wins over `after` on the server: the same cursor in both.
    const response = await this.#fetch(`/subscribe?after=${after}`, signal, {
      accept: 'text/event-stream',
      'last-event-id': String(after),
    });
    if (response.body === null) throw new SyncProtocolError('the subscribe response has no body');
    return response.body;
  }

  /**
   * One request, with the bearer token if there is one: a GET, or a POST of `body` (JSON).
   * Resolves with a 2xx answer; any other throws its coded error.
   */
  async #fetch(
    path: string,
    signal: AbortSignal,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Response> {
    const token = this.#options.token();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      const method = body === undefined ? 'GET' : 'POST';
      response = await this.#options.fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body ?? null,
        signal,
      });
    } catch (error) {
      // Also our own abort (the loop pausing or closing): the loop and the live follower drop
      // whatever a request fails with once they aborted it.
      throw new SyncUnreachableError(`the sync server cannot be reached: ${String(error)}`);
    }
    if (!response.ok) throw await this.#failure(response);
    return response;
  }

  /** `#fetch`, then the answer's JSON body checked by `validate`. */
  async #json<T>(
    path: string,
    signal: AbortSignal,
    validate: (body: unknown) => { ok: true; value: T } | { ok: false },
    what: string,
    body?: string,
  ): Promise<T> {
    const response = await this.#fetch(path, signal, {}, body);
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (error) {
      throw readFailure(error, `the ${what} response is not JSON`);
    }
    const result = validate(parsed);
    if (!result.ok) throw new SyncProtocolError(`the ${what} response does not follow sync protocol v1`);
    return result.value;
  }

  /** The coded error for a non-2xx answer. */
  async #failure(response: Response): Promise<Error> {
    let error: Partial<ErrorBody['error']> = {};
    try {
      const parsed = validateErrorBody(await response.json());
      if (parsed.ok) error = parsed.value.error;
    } catch {
      // Not an error body (a proxy's page): the status alone decides.
    }
    const { status } = response;
    const message = error.message ?? `HTTP ${status}`;
    const answer = { status, serverCode: error.code, details: error.details };
    if (status === 401) return new UnauthorizedError(message, answer);
    if (status === 403) return new ForbiddenError(message, answer);
    if (status === 400) return new InvalidRequestError(message, answer);
    if (status === 413) return new PayloadTooLargeError(message, answer);
    if (status === 429 || status >= 500) {
      const wait = retryAfterMs(response.headers.get('retry-after'), this.#options.now());
      return new RetryLater(`the sync server answered ${status}: ${message}`, status, wait);
    }
    return new SyncProtocolError(`the sync server answered ${status}: ${message}`);
  }
}

/**
 * A body that broke off while being read (or that our abort cut off) is a network
 * failure, not a protocol one.
 */
function readFailure(error: unknown, message: string): Error {
  return error instanceof SyntaxError
    ? new SyncProtocolError(message)
    : new SyncUnreachableError(`the response broke off: ${String(error)}`);
}
