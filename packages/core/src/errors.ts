import type { Json } from './types.js';

/** Every error Tidelog raises on purpose: check it by `code`, not by class. */
export abstract class TidelogError extends Error {
  abstract readonly code: string;
  /** Extra fields that survive serialization (HTTP bodies, worker boundaries). */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, details: this.details() };
  }
  protected details(): Record<string, Json> | undefined {
    return undefined;
  }
}

/** The plain-JSON form of an error, as it crosses HTTP and worker boundaries. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  details?: Record<string, Json> | undefined;
}

/** An append's expected version did not match the stream's actual version. */
export class ConcurrencyError extends TidelogError {
  override readonly name = 'ConcurrencyError';
  readonly code = 'VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number | string,
    readonly actualVersion: number,
    message?: string,
  ) {
    super(
      message ??
        `version conflict on stream "${streamId}": expected ${String(expectedVersion)}, actual ${actualVersion}`,
    );
  }
  protected override details() {
    return {
      streamId: this.streamId,
      expectedVersion: this.expectedVersion,
      actualVersion: this.actualVersion,
    };
  }
}

/** A decide handler refused a command. Throw it (or a subclass) from `commands`. */
export class DomainError extends TidelogError {
  override readonly name: string = 'DomainError';
  readonly code: string;
  readonly data: Json | undefined;
  constructor(message: string, options: { code?: string; data?: Json } = {}) {
    super(message);
    this.code = options.code ?? 'DOMAIN_ERROR';
    this.data = options.data;
  }
  protected override details() {
    return this.data === undefined ? undefined : { data: this.data };
  }
}

/** One problem found by a validator: where, and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input (event data, an id, a stream name, a request body) failed validation. */
export class ValidationError extends TidelogError {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION_ERROR';
  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }
  protected override details() {
    return { issues: this.issues.map((i) => ({ path: i.path, message: i.message })) };
  }
}

/** An event id is already stored with other content (another stream, version or body). */
export class DuplicateEventError extends TidelogError {
  override readonly name = 'DuplicateEventError';
  readonly code = 'DUPLICATE_EVENT';
  constructor(
    readonly eventId: string,
    message?: string,
  ) {
    super(message ?? `event id ${eventId} is already stored with different content`);
  }
  protected override details() {
    return { eventId: this.eventId };
  }
}

/**
 * Confirmed events (from a sync server) would take a place another event holds: a stream
 * version or a position already confirmed with another id, or an id pending at another
 * version. Nothing of the batch is written. Usually a database written without sync (the
 * local store was the authority) that is now synced to a server: start from a fresh one.
 */
export class ConfirmConflictError extends TidelogError {
  override readonly name = 'ConfirmConflictError';
  readonly code = 'CONFIRM_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly streamId: string,
    readonly version: number,
    readonly position: number,
    /** The id of the event that holds the place. */
    readonly heldBy: string,
  ) {
    super(
      `confirmed event ${eventId} (${streamId} v${version}, position ${position}) would replace event ${heldBy}: the local store holds other events at that place`,
    );
  }
  protected override details() {
    return {
      eventId: this.eventId,
      streamId: this.streamId,
      version: this.version,
      position: this.position,
      heldBy: this.heldBy,
    };
  }
}

/** A command name the aggregate does not define. */
export class UnknownCommandError extends TidelogError {
  override readonly name = 'UnknownCommandError';
  readonly code = 'UNKNOWN_COMMAND';
  constructor(
    readonly aggregateType: string,
    readonly command: string,
  ) {
    super(`aggregate "${aggregateType}" has no command "${command}"`);
  }
  protected override details() {
    return { aggregateType: this.aggregateType, command: this.command };
  }
}

/** A decide handler emitted an event type its aggregate does not define. */
export class UnknownEventError extends TidelogError {
  override readonly name = 'UnknownEventError';
  readonly code = 'UNKNOWN_EVENT';
  constructor(
    readonly aggregateType: string,
    readonly eventType: string,
  ) {
    super(`aggregate "${aggregateType}" has no event "${eventType}"`);
  }
  protected override details() {
    return { aggregateType: this.aggregateType, eventType: this.eventType };
  }
}

/** The device's storage is full: nothing of the failed write was kept. */
export class StorageFullError extends TidelogError {
  override readonly name = 'StorageFullError';
  readonly code = 'STORAGE_FULL';
}

/** Persistent storage cannot be opened here (private mode, no IndexedDB, blocked upgrade). */
export class StorageUnavailableError extends TidelogError {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'STORAGE_UNAVAILABLE';
}

/** A store or runtime was used after `close()`. */
export class ClosedError extends TidelogError {
  override readonly name = 'ClosedError';
  readonly code = 'CLOSED';
}

/** True when `value` is an Error with a string `code` (a TidelogError, or one rebuilt from JSON). */
export function hasErrorCode<C extends string>(value: unknown, code?: C): value is Error & { code: C } {
  if (!(value instanceof Error)) return false;
  const actual = (value as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

/**
 * Turn any thrown value into plain JSON that keeps the name, code and fields.
 *
 * @example
 * serializeError(new ConcurrencyError('cart-1', 2, 3)).code // 'VERSION_CONFLICT'
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof TidelogError) return error.toJSON();
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : 'INTERNAL', message: error.message };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(error) };
}

/** An error rebuilt from JSON whose class is not known here: same name, code and fields. */
export class RemoteError extends Error {
  readonly code: string;
  readonly details: Record<string, Json> | undefined;
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    this.code = serialized.code;
    this.details = serialized.details;
    if (serialized.details) Object.assign(this, serialized.details);
  }
}

/**
 * Rebuild an error from `serializeError` output, as the class it was when the class is known.
 *
 * @example
 * const e = deserializeError(serializeError(new ConcurrencyError('s', 1, 2)));
 * e instanceof ConcurrencyError // true
 */
export function deserializeError(serialized: SerializedError): Error {
  const d = serialized.details ?? {};
  const str = (k: string) => String(d[k] ?? '');
  let error: Error;
  switch (serialized.name) {
    case 'ConcurrencyError':
      error = new ConcurrencyError(
        str('streamId'),
        (d.expectedVersion as number | string) ?? '',
        Number(d.actualVersion ?? 0),
        serialized.message,
      );
      break;
    case 'ValidationError':
      error = new ValidationError(serialized.message, (d.issues as unknown as ValidationIssue[]) ?? []);
      break;
    case 'DuplicateEventError':
      error = new DuplicateEventError(str('eventId'), serialized.message);
      break;
    case 'UnknownCommandError':
      error = new UnknownCommandError(str('aggregateType'), str('command'));
      break;
    case 'UnknownEventError':
      error = new UnknownEventError(str('aggregateType'), str('eventType'));
      break;
    case 'ConfirmConflictError':
      error = new ConfirmConflictError(
        str('eventId'),
        str('streamId'),
        Number(d.version ?? 0),
        Number(d.position ?? 0),
        str('heldBy'),
      );
      break;
    case 'StorageFullError':
      error = new StorageFullError(serialized.message);
      break;
    case 'StorageUnavailableError':
      error = new StorageUnavailableError(serialized.message);
      break;
    case 'ClosedError':
      error = new ClosedError(serialized.message);
      break;
    case 'DomainError':
      error = new DomainError(serialized.message, { code: serialized.code, data: d.data });
      break;
    default:
      return new RemoteError(serialized);
  }
  return error;
}
