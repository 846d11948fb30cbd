import type { PositionedEnvelope } from '@tidelog/core';
import { validateEventsMessage } from '@tidelog/protocol';
import type { Confirmer } from './confirmer.js';
import { SyncProtocolError, SyncUnreachableError } from './errors.js';
import type { SyncHttp } from './http.js';
import { readSse } from './sse.js';

/** `readSse`, with a stream that breaks off reported as the network failure it is. */
async function read(...args: Parameters<typeof readSse>): Promise<void> {
  try {
    await readSse(...args);
  } catch (error) {
    if (error instanceof SyncProtocolError || !(error instanceof TypeError)) throw error;
    throw new SyncUnreachableError(`the live stream broke off: ${error.message}`);
  }
}

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

/**
 * One live session: subscribe after the stored cursor (`Last-Event-ID`) and store each
 * `events` message through the confirmer as it comes. Resolves when the server ends the
 * stream or `signal` aborts; rejects when it breaks, a message is malformed or skips
 * positions. The loop decides when to open the next one.
 *
 * @example
 * await followLive({ http, confirmer, serverId, signal, opened, stored });
 */
export async function followLive(context: LiveContext): Promise<void> {
  const { confirmer, signal } = context;
  const body = await context.http.subscribe(confirmer.cursor, signal);
  context.opened();
  await read(
    body,
    async (message) => {
      if (message.event !== 'events' || signal.aborted) return;
      const parsed = validateEventsMessage(message.data);
      if (!parsed.ok) throw new SyncProtocolError('a live message does not follow sync protocol v1');
      const { events } = parsed.value;
      if (events.length === 0) return;
      if ((await confirmer.deliver(events, context.serverId)) === 'gap') {
        throw new LiveGapError(`a live message skipped positions after ${confirmer.cursor}`);
      }
      context.stored((events[events.length - 1] as PositionedEnvelope).position);
    },
    signal,
    context.active,
  );
}
