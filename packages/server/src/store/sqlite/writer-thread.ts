/**
 * The SQLite store's writer thread: its own connection to the file, running each push it
 * is sent as one transaction (see writer.ts), one at a time, in arrival order. Replies with
 * the outcome, or the error as plain JSON (it keeps its `code`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '@tidelog/core';
import { type ConnectionOptions, openConnection } from './connection.js';
import { createWriter, type EncodedEvent } from './writer.js';

export type WriterRequest =
  | { id: number; space: string; events: EncodedEvent[] }
  | { id: number; close: true };

const { db } = openConnection(workerData as ConnectionOptions);
const push = createWriter(db);
const port = parentPort!;
port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    db.close();
    port.postMessage({ id: request.id, closed: true });
    port.close();
    return;
  }
  try {
    port.postMessage({
      id: request.id,
      outcome: push(request.space, request.events),
    });
  } catch (error) {
    port.postMessage({ id: request.id, error: serializeError(error) });
  }
});
port.postMessage({ id: 0, ready: true });
