import { deserializeError, type SerializedError, serializeError } from '@tidelog/core';
import { type TransferHandler, transferHandlers } from 'comlink';
import {
  ConnectionLostError,
  ProcessLoopError,
  UnknownAggregateError,
  UnknownProcessManagerError,
  UnknownProjectionError,
  WorkerLostError,
} from '../errors.js';

interface WireThrow {
  tidelog: true;
  isError: boolean;
  value: unknown;
}

/**
 * Rebuild an error from its serialized form as its own class when it is known (core's
 * errors and the client's), else as a `RemoteError` with the same name, code and fields.
 *
 * @example
 * reviveError(serializeError(new UnknownAggregateError('cart'))) instanceof UnknownAggregateError; // true
 */
export function reviveError(serialized: SerializedError): Error {
  const d = serialized.details ?? {};
  switch (serialized.name) {
    case 'UnknownAggregateError':
      return new UnknownAggregateError(String(d.aggregateType));
    case 'UnknownProjectionError':
      return new UnknownProjectionError(String(d.projection));
    case 'UnknownProcessManagerError':
      return new UnknownProcessManagerError(String(d.processManager));
    case 'ProcessLoopError':
      return new ProcessLoopError(String(d.processManager), Number(d.depth), String(d.correlationId));
    case 'ConnectionLostError':
      return new ConnectionLostError(serialized.message);
    case 'WorkerLostError':
      return new WorkerLostError(serialized.message);
    default:
      return deserializeError(serialized);
  }
}

let registered = false;

/**
 * Replace comlink's handler for thrown values so errors keep their class, `code` and
 * fields across a worker boundary (comlink alone keeps only name, message and stack).
 * Both sides must call it; `serveTidelog` and `connectTidelog` do.
 *
 * @example
 * registerErrorTransfer();
 */
export function registerErrorTransfer(): void {
  if (registered) return;
  registered = true;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, WireThrow> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [
      value instanceof Error
        ? { tidelog: true, isError: true, value: serializeError(value) }
        : { tidelog: true, isError: false, value },
      [],
    ],
    deserialize: (wire) => {
      if (wire.isError) throw reviveError(wire.value as SerializedError);
      throw wire.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
