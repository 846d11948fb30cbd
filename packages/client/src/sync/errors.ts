import { type Json, TidelogError } from '@tidelog/core';

/**
 * Errors of the sync loop. Each has a literal `code`; `tidelog.sync.status.lastError`,
 * `sync.now()` rejections and `rejected` entries carry them serialized (name, code,
 * message, details). See `docs/sync.md` for what each means and what the loop does next.
 */

/** What the server said: HTTP status and its error body's code, when there was one. */
interface ServerAnswer {
  status: number;
  serverCode?: string | undefined;
  details?: Json | undefined;
}

/** A refusal the server answered with a status and maybe an error body: kept as `details`. */
export abstract class ServerAnswerError extends TidelogError {
  constructor(
    message: string,
    readonly answer: ServerAnswer,
  ) {
    super(message);
  }
  protected override details(): Record<string, Json> {
    // A JSON copy of the answer: what the server did not send (a code, details) is left out.
    return JSON.parse(JSON.stringify(this.answer));
  }
}

/** The server could not be reached or answered 5xx/429: the loop retries with backoff. */
export class SyncUnreachableError extends TidelogError {
  override readonly name = 'SyncUnreachableError';
  readonly code = 'SYNC_UNREACHABLE';
  /** The HTTP status, when the server answered (5xx, 429); absent for a network failure. */
  declare readonly status?: number;
  constructor(message: string, status?: number) {
    super(message, { details: status === undefined ? undefined : { status } });
  }
}

/** The server answered something that is not sync protocol v1: retried with backoff. */
export class SyncProtocolError extends TidelogError {
  override readonly name = 'SyncProtocolError';
  readonly code = 'SYNC_PROTOCOL';
}

/** 401: the token is missing or no longer valid. The loop stops until `resume()`. */
export class UnauthorizedError extends ServerAnswerError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'UNAUTHORIZED';
}

/** 403: the token may not use this space. The loop stops until `resume()`. */
export class ForbiddenError extends ServerAnswerError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

/** 400 for a command's events: the command moves to `rejected` with this error. */
export class InvalidRequestError extends ServerAnswerError {
  override readonly name = 'InvalidRequestError';
  readonly code = 'INVALID_REQUEST';
}

/** 413 for a command's events (over the server's push limits): moved to `rejected`. */
export class PayloadTooLargeError extends ServerAnswerError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** `sync.now()` while the app has paused sync. */
export class SyncPausedError extends TidelogError {
  override readonly name = 'SyncPausedError';
  readonly code = 'SYNC_PAUSED';
  constructor() {
    super('sync is paused: call tidelog.sync.resume() first');
  }
}

/**
 * The server's log is not the one this device synced with (another `serverId`): the loop
 * stops in state `reset` until the app calls `tidelog.sync.resume()` (`docs/sync.md`).
 */
export class SyncResetError extends TidelogError {
  override readonly name = 'SyncResetError';
  readonly code = 'SYNC_RESET';
  declare readonly expectedServerId: string;
  declare readonly actualServerId: string;
  constructor(expectedServerId: string, actualServerId: string) {
    super(
      `the sync server's log was reset (server id ${actualServerId}, this device synced with ${expectedServerId}); call tidelog.sync.resume() to sync afresh`,
      { details: { expectedServerId, actualServerId } },
    );
  }
}
