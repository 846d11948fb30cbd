import type { Json } from './types.js';

/**
 * Every error Tidelog raises on purpose: check it by `code`, not by class.
 *
 * @example
 * try {
 *   await tidelog.execute(Cart, 'cart-1', 'checkout', {});
 * } catch (error) {
 *   if (error instanceof TidelogError) console.log(error.code, error.toJSON());
 * }
 */
export abstract class TidelogError extends Error {
  abstract readonly code: string;
  readonly #details: Record<string, Json> | undefined;

  /**
   * `options.details`: the error's fields (`streamId`, `expectedVersion`…), set on the error
   * and carried in its serialized form (HTTP bodies, worker boundaries); one place for every
   * subclass instead of a field, an assignment and a `details()` each.
   */
  constructor(message?: string, options?: TidelogErrorOptions) {
    super(message, options);
    this.#details = options?.details;
    Object.assign(this, this.#details);
  }

  /** The plain-JSON form: name, code, message and the fields. */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, details: this.details() };
  }

  /** The fields that survive serialization (a copy). */
  protected details(): Record<string, Json> | undefined {
    return this.#details && { ...this.#details };
  }
}

/** What a `TidelogError` takes besides its message: Error's `cause`, and its fields. */
export interface TidelogErrorOptions extends ErrorOptions {
  details?: Record<string, Json> | undefined;
}

/** The plain-JSON form of an error, as it crosses HTTP and worker boundaries. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  details?: Record<string, Json> | undefined;
}

/**
 * An append's expected version did not match the stream's actual version.
 *
 * @example
 * try {
 *   await store.appendToStream('cart-1', events, { expectedVersion: 3 });
 * } catch (error) {
 *   if (error instanceof ConcurrencyError) console.log(error.expectedVersion, error.actualVersion);
 * }
 */
export class ConcurrencyError extends TidelogError {
  override readonly name = 'ConcurrencyError';
  readonly code = 'VERSION_CONFLICT';
  declare readonly streamId: string;
  declare readonly expectedVersion: number | string;
  declare readonly actualVersion: number;
  constructor(streamId: string, expectedVersion: number | string, actualVersion: number, message?: string) {
    super(
      message ??
        `version conflict on stream "${streamId}": expected ${expectedVersion}, actual ${actualVersion}`,
      { details: { streamId, expectedVersion, actualVersion } },
    );
  }
}

/**
 * A decide handler refused a command. Throw it (or a subclass) from `commands`.
 *
 * @example
 * commands: {
 *   checkout: (state) => {
 *     if (state.items.length === 0) throw new DomainError('the cart is empty', { code: 'CART_EMPTY' });
 *     return { type: 'CheckedOut', data: {} };
 *   },
 * }
 */
export class DomainError extends TidelogError {
  override readonly name: string = 'DomainError';
  readonly code: string;
  readonly data: Json | undefined;
  constructor(message: string, options: { code?: string; data?: Json } = {}) {
    super(message, { details: options.data === undefined ? undefined : { data: options.data } });
    this.code = options.code ?? 'DOMAIN_ERROR';
    this.data = options.data;
  }
}

/** One problem found by a validator: where, and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Input (event data, an id, a stream name, a request body) failed validation.
 *
 * @example
 * throw new ValidationError('bad item', [{ path: 'event.data.qty', message: 'must be positive' }]);
 */
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

/**
 * An event id is already stored with other content (another stream, version or body).
 *
 * @example
 * if (hasErrorCode(error, 'DUPLICATE_EVENT')) console.log((error as DuplicateEventError).eventId);
 */
export class DuplicateEventError extends TidelogError {
  override readonly name = 'DuplicateEventError';
  readonly code = 'DUPLICATE_EVENT';
  declare readonly eventId: string;
  constructor(eventId: string, message?: string) {
    super(message ?? `event id ${eventId} is already stored with different content`, {
      details: { eventId },
    });
  }
}

/**
 * Confirmed events (from a sync server) would take a place another event holds: a stream
 * version or a position already confirmed with another id, or an id pending at another
 * version. Nothing of the batch is written. Usually a database written without sync (the
 * local store was the authority) that is now synced to a server: start from a fresh one.
 *
 * @example
 * if (hasErrorCode(error, 'CONFIRM_CONFLICT')) console.warn(error.message);
 */
export class ConfirmConflictError extends TidelogError {
  override readonly name = 'ConfirmConflictError';
  readonly code = 'CONFIRM_CONFLICT';
  declare readonly eventId: string;
  declare readonly streamId: string;
  declare readonly version: number;
  declare readonly position: number;
  /** The id of the event that holds the place. */
  declare readonly heldBy: string;
  constructor(eventId: string, streamId: string, version: number, position: number, heldBy: string) {
    super(
      `confirmed event ${eventId} (${streamId} v${version}, position ${position}) would replace event ${heldBy}: the local store holds other events at that place`,
      { details: { eventId, streamId, version, position, heldBy } },
    );
  }
}

/**
 * A command name the aggregate does not define.
 *
 * @example
 * await decide(Cart, state, 'no-such-command' as never, {}, ctx); // throws UnknownCommandError
 */
export class UnknownCommandError extends TidelogError {
  override readonly name = 'UnknownCommandError';
  readonly code = 'UNKNOWN_COMMAND';
  declare readonly aggregateType: string;
  declare readonly command: string;
  constructor(aggregateType: string, command: string) {
    super(`aggregate "${aggregateType}" has no command "${command}"`, {
      details: { aggregateType, command },
    });
  }
}

/**
 * A decide handler emitted an event type its aggregate does not define.
 *
 * @example
 * if (hasErrorCode(error, 'UNKNOWN_EVENT')) console.log((error as UnknownEventError).eventType);
 */
export class UnknownEventError extends TidelogError {
  override readonly name = 'UnknownEventError';
  readonly code = 'UNKNOWN_EVENT';
  declare readonly aggregateType: string;
  declare readonly eventType: string;
  constructor(aggregateType: string, eventType: string) {
    super(`aggregate "${aggregateType}" has no event "${eventType}"`, {
      details: { aggregateType, eventType },
    });
  }
}

/**
 * The device's storage is full: nothing of the failed write was kept.
 *
 * @example
 * if (hasErrorCode(error, 'STORAGE_FULL')) showBanner('Free some disk space, then try again.');
 */
export class StorageFullError extends TidelogError {
  override readonly name = 'StorageFullError';
  readonly code = 'STORAGE_FULL';
}

/**
 * Persistent storage cannot be opened here (private mode, no IndexedDB, blocked upgrade).
 *
 * @example
 * const store = await openIdbEventStore({ name: 'app' }).catch((error) =>
 *   hasErrorCode(error, 'STORAGE_UNAVAILABLE') ? new MemoryEventStore() : Promise.reject(error),
 * );
 */
export class StorageUnavailableError extends TidelogError {
  override readonly name = 'StorageUnavailableError';
  readonly code = 'STORAGE_UNAVAILABLE';
}

/**
 * A store or runtime was used after `close()`.
 *
 * @example
 * await store.close();
 * await store.head(); // rejects with ClosedError (code 'CLOSED')
 */
export class ClosedError extends TidelogError {
  override readonly name = 'ClosedError';
  readonly code = 'CLOSED';
}

/**
 * True when `value` is an Error with a string `code` (a TidelogError, or one rebuilt from JSON).
 *
 * @example
 * if (hasErrorCode(error, 'VERSION_CONFLICT')) await retry();
 */
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
    return { name: error.name, code: hasErrorCode(error) ? error.code : 'INTERNAL', message: error.message };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(error) };
}

/**
 * An error rebuilt from JSON whose class is not known here: same name, code and fields.
 *
 * @example
 * const error = deserializeError({ name: 'PaymentError', code: 'CARD_DECLINED', message: 'declined' });
 * error instanceof RemoteError; // true
 */
export class RemoteError extends Error {
  readonly code: string;
  readonly details: Record<string, Json> | undefined;
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    this.code = serialized.code;
    this.details = serialized.details;
    Object.assign(this, serialized.details);
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
