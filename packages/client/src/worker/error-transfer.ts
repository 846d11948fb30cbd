import { deserializeError, type Json, type SerializedError, serializeError } from '@tidelog/core';
import { type TransferHandler, transferHandlers } from 'comlink';
import {
  ConnectionLostError,
  ProcessLoopError,
  SyncDisabledError,
  UnknownAggregateError,
  UnknownProcessManagerError,
  UnknownProjectionError,
  UnknownRejectedError,
  WorkerLostError,
} from '../errors.js';
import {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  SyncPausedError,
  SyncProtocolError,
  SyncResetError,
  SyncUnreachableError,
  UnauthorizedError,
} from '../sync/errors.js';

/** A thrown value on the wire: an error in its serialized form, anything else as it is. */
interface WireThrow {
  isError: boolean;
  value: unknown;
}

type Details = Record<string, Json>;

/** What the server said, from a sync error's details (`status`, `serverCode`, `details`). */
const answerOf = (d: Details) => ({
  status: Number(d.status),
  serverCode: typeof d.serverCode === 'string' ? d.serverCode : undefined,
  details: d.details,
});

/** The client's own error classes by name, rebuilt from message and details. */
const revivers = new Map<string, (message: string, d: Details) => Error>([
  ['UnknownAggregateError', (_m, d) => new UnknownAggregateError(String(d.aggregateType))],
  ['UnknownProjectionError', (_m, d) => new UnknownProjectionError(String(d.projection))],
  ['UnknownProcessManagerError', (_m, d) => new UnknownProcessManagerError(String(d.processManager))],
  [
    'ProcessLoopError',
    (_m, d) => new ProcessLoopError(String(d.processManager), Number(d.depth), String(d.correlationId)),
  ],
  ['ConnectionLostError', (m) => new ConnectionLostError(m)],
  ['WorkerLostError', (m) => new WorkerLostError(m)],
  ['UnknownRejectedError', (_m, d) => new UnknownRejectedError(String(d.commandId))],
  [
    'SyncUnreachableError',
    (m, d) => new SyncUnreachableError(m, typeof d.status === 'number' ? d.status : undefined),
  ],
  ['SyncProtocolError', (m) => new SyncProtocolError(m)],
  ['UnauthorizedError', (m, d) => new UnauthorizedError(m, answerOf(d))],
  ['ForbiddenError', (m, d) => new ForbiddenError(m, answerOf(d))],
  ['InvalidRequestError', (m, d) => new InvalidRequestError(m, answerOf(d))],
  ['PayloadTooLargeError', (m, d) => new PayloadTooLargeError(m, answerOf(d))],
  ['SyncPausedError', () => new SyncPausedError()],
  ['SyncDisabledError', () => new SyncDisabledError()],
  ['SyncResetError', (_m, d) => new SyncResetError(String(d.expectedServerId), String(d.actualServerId))],
]);

/**
 * Rebuild an error from its serialized form as its own class when it is known (core's
 * errors, the client's and the sync loop's), else as a `RemoteError` with the same name,
 * code and fields.
 *
 * @example
 * reviveError(serializeError(new UnknownAggregateError('cart'))) instanceof UnknownAggregateError; // true
 */
export function reviveError(serialized: SerializedError): Error {
  const revive = revivers.get(serialized.name);
  return revive ? revive(serialized.message, serialized.details ?? {}) : deserializeError(serialized);
}

/**
 * How the receiving side rebuilds a thrown error. Until `registerErrorTransfer` sets
 * `reviveError`, an error arrives as an `Error` with the same name, code, details and fields
 * (a serving worker drops what a page throws back, so it needs no class of its own).
 */
let revive: (serialized: SerializedError) => Error = (serialized) =>
  Object.assign(new Error(serialized.message), serialized, serialized.details);
let installed = false;

/**
 * Replace comlink's handler for thrown values so errors keep their class, `code` and
 * fields across a worker boundary (comlink alone keeps only name, message and stack).
 * The side that receives errors must call it (`connectTidelog` and `connectPort` do);
 * `servePort` installs only the sending half.
 *
 * @example
 * registerErrorTransfer();
 */
export function registerErrorTransfer(): void {
  registerErrorSending();
  revive = reviveError;
}

/**
 * The sending half of `registerErrorTransfer`, for the serving side (`servePort`): errors
 * thrown by the runtime cross with their name, `code` and fields. A worker never looks at
 * an error a page sends back (a push listener's failure is dropped), so it leaves out the
 * table of classes that rebuilds them; in a realm that also connects, `registerErrorTransfer`
 * adds it.
 *
 * @example
 * registerErrorSending();
 */
export function registerErrorSending(): void {
  // Our handler in place of comlink's `throw` handler, once per realm.
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, WireThrow> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => {
      const isError = value instanceof Error;
      return [{ isError, value: isError ? serializeError(value) : value }, []];
    },
    deserialize: (wire) => {
      if (wire.isError) throw revive(wire.value as SerializedError);
      throw wire.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
