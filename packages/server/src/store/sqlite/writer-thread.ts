/**
 * The SQLite store's writer thread: its own connection to the file, running the pushes it
 * is sent in arrival order, those already queued together in one transaction (group
 * commit, see `createBatchWriter`), each in its own savepoint. Replies to each push once
 * the transaction holding it has committed, with the outcome, or the error as plain JSON
 * (it keeps its `code`).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { serializeError } from '@tidelog/core';
import { type ConnectionOptions, openConnection } from './connection.js';
import { createBatchWriter, type EncodedEvent } from './writer.js';

export type WriterRequest =
  | { id: number; space: string; events: EncodedEvent[] }
  | { id: number; close: true };

type PushRequest = Extract<WriterRequest, { space: string }>;

/** Most pushes committed together: bounds how long the first of a group waits. */
const MAX_GROUP = 32;

const { db } = openConnection(workerData as ConnectionOptions);
const pushMany = createBatchWriter(db);
const port = parentPort!;

/** Commit a group of pushes in one transaction, then answer each in order. */
function commit(group: PushRequest[]): void {
  if (group.length === 0) return;
  let results: ReturnType<typeof pushMany>;
  try {
    results = pushMany(group);
  } catch (error) {
    // The commit failed: nothing of the group is stored, every push hears so.
    for (const request of group) port.postMessage({ id: request.id, error: serializeError(error) });
    return;
  }
  results.forEach((result, i) => {
    const id = group[i]!.id;
    if (result.ok) port.postMessage({ id, outcome: result.outcome });
    else port.postMessage({ id, error: serializeError(result.error) });
  });
}

function close(request: { id: number }): void {
  db.close();
  port.postMessage({ id: request.id, closed: true });
  port.close();
}

// Group commit: take this push and every push already waiting in the queue (never wait for
// more), and commit them in one transaction, so one WAL sync covers them all.
port.on('message', (first: WriterRequest) => {
  if ('close' in first) return close(first);
  const group: PushRequest[] = [first];
  while (group.length < MAX_GROUP) {
    const next = receiveMessageOnPort(port)?.message as WriterRequest | undefined;
    if (next === undefined) break;
    if ('close' in next) {
      commit(group);
      return close(next);
    }
    group.push(next);
  }
  commit(group);
});
port.postMessage({ id: 0, ready: true });
