import type { PositionedEnvelope } from '@tidelog/core';
import { validateEventsMessage } from '@tidelog/protocol';
import type { Confirmer } from './confirmer.js';
import { SyncProtocolError, SyncUnreachableError } from './errors.js';
import type { SyncHttp } from './http.js';
import { readSse } from './sse.js';

/** What one live session needs from the loop. */
export interface LiveContext {
  http: SyncHttp;
  confirmer: Confirmer;
  /** The server the cursor belongs to (checked by the pull that came just before). */
  serverId: string;
  signal: AbortSignal;
  /** The server answered 200: the stream is open. */
  opened(): void;
  /** A message's events are stored (or were already). */
  stored(last: number): void;
  /** Bytes arrived (a message or a heartbeat): the stream is alive. */
  active(): void;
}

/** The live stream skipped positions: the loop pulls, then opens a new stream. */
export class LiveGapError extends SyncProtocolError {}

/** Events received while a message is being stored, delivered together after it (at most this many). */
export const LIVE_BATCH_EVENTS = 5000;

/**
 * One live session: subscribe after the stored cursor (`Last-Event-ID`) and store each
 * `events` message through the confirmer as it comes. Messages that arrive while one is
 * being stored are stored together after it, in one page (up to `LIVE_BATCH_EVENTS`
 * events; past that the reader waits): a device that falls behind catches up in fewer,
 * larger transactions. Resolves when the server ends the stream (once everything received
 * is stored) or `signal` aborts; rejects when it breaks, a message is malformed or skips
 * positions. The loop decides when to open the next one.
 *
 * @example
 * await followLive({ http, confirmer, serverId, signal, opened, stored });
 */
export async function followLive(context: LiveContext): Promise<void> {
  const { confirmer, signal } = context;
  const body = await context.http.subscribe(confirmer.cursor, signal);
  context.opened();
  // Stops the reader when the loop aborts, or when storing failed (the session ends with it).
  const reading = new AbortController();
  const stop = () => reading.abort();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  // Events received and not yet handed to the confirmer. Each message queues one store of
  // everything waiting; a store that finds nothing (an earlier one took it) does nothing.
  let waiting: PositionedEnvelope[] = [];
  let storing = Promise.resolve();
  const store = async () => {
    if (waiting.length === 0 || reading.signal.aborted) return;
    const events = waiting;
    waiting = [];
    if (!(await confirmer.deliver(events, context.serverId))) {
      throw new LiveGapError(`a live message skipped positions after ${confirmer.cursor}`);
    }
    context.stored((events[events.length - 1] as PositionedEnvelope).position);
  };
  try {
    await readSse(
      body,
      async (message) => {
        if (message.event !== 'events' || reading.signal.aborted) return;
        const parsed = validateEventsMessage(message.data);
        if (!parsed.ok) throw new SyncProtocolError('a live message does not follow sync protocol v1');
        const { events } = parsed.value;
        if (events.length === 0) return;
        for (const e of events) waiting.push(e as PositionedEnvelope);
        storing = storing.then(store);
        storing.catch(stop); // a failed store ends the session (its error is thrown below)
        // Hold the stream back while a full batch waits: memory stays bounded.
        if (waiting.length >= LIVE_BATCH_EVENTS) await storing;
      },
      reading.signal,
      context.active,
    );
  } catch (error) {
    // A stream that broke off (fetch's TypeError) is the network failure it is.
    if (!(error instanceof TypeError)) throw error;
    throw new SyncUnreachableError(`the live stream broke off: ${error.message}`);
  } finally {
    // What arrived before the end (or a break) is stored before the session ends.
    await storing.catch(() => undefined);
    signal.removeEventListener('abort', stop);
  }
  await storing; // a failed store is the session's error (when the stream itself ended well)
}
