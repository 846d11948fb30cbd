import type { PositionedEnvelope } from '@tidelog/core';
import type { ServerEventStore } from '../../store/types.js';

/** What one live subscription streams, and how it reports its life. */
export interface LiveStreamOptions {
  store: ServerEventStore;
  space: string;
  /** Send events after this position. */
  after: number;
  /** Most events in one message (the byte budget of the store's pull applies too). */
  limit: number;
  /** Milliseconds between heartbeat comments. */
  heartbeatMs: number;
  /** Called once when the subscription ends, however it ends. */
  onEnd: () => void;
}

/**
 * Heartbeats left unread before a client counts as gone. A client that reads nothing for
 * this many intervals has either vanished without the runtime noticing or stopped reading;
 * either way its stream is ended, and a live client reconnects with `Last-Event-ID`.
 */
const UNREAD_HEARTBEATS = 4;

const encoder = new TextEncoder();

/**
 * The body of a `subscribe` response: Server-Sent Events written by hand on a pull-based
 * `ReadableStream`. Why by hand: the runtime cancels a response body whose client went
 * away, and `cancel` here releases the store's watch at once; a write to a stream that
 * ended throws here rather than being swallowed, so a heartbeat finds a dead client too;
 * and a message is produced only when the client has read the one before, so a slow
 * client holds at most one page in memory. Each message is `event: events`,
 * `id: <last position>`, `data: {"events":[…]}`.
 *
 * @example
 * return new Response(liveEventStream({ store, space, after: 0, limit: 500, heartbeatMs: 15_000, onEnd }), {
 *   headers: { 'content-type': 'text/event-stream' },
 * });
 */
export function liveEventStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { store, space, limit } = options;
  let cursor = options.after;
  let dirty = true; // pull once at the start: events may already be waiting
  let ended = false;
  let wake: (() => void) | undefined;
  let unwatch = () => {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const nudge = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unwatch();
    nudge();
    options.onEnd();
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Watch before the first pull, so a commit between the two is not missed.
      unwatch = store.watch(space, (head) => {
        if (head > cursor) {
          dirty = true;
          nudge();
        }
      });
      heartbeat = setInterval(() => {
        try {
          if ((controller.desiredSize ?? 0) <= -UNREAD_HEARTBEATS) throw new Error('client stopped reading');
          controller.enqueue(encoder.encode(': heartbeat\n\n'));
        } catch {
          end();
          try {
            controller.error(new Error('subscriber dropped'));
          } catch {
            // already closed or errored
          }
        }
      }, options.heartbeatMs);
      controller.enqueue(encoder.encode(': connected\n\n'));
    },

    async pull(controller) {
      try {
        while (!ended) {
          if (!dirty) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            continue;
          }
          dirty = false;
          const page = await store.pull(space, { after: cursor, limit });
          if (page.hasMore) dirty = true;
          if (ended || page.events.length === 0) continue;
          const last = page.events[page.events.length - 1] as PositionedEnvelope;
          const data = JSON.stringify({ events: page.events });
          controller.enqueue(encoder.encode(`event: events\nid: ${last.position}\ndata: ${data}\n\n`));
          cursor = last.position;
          return; // one message per pull: the next waits until the client has read this one
        }
      } catch (error) {
        // A failed pull (the store closed): end the stream; the client reconnects with Last-Event-ID.
        end();
        controller.error(error);
      }
    },

    cancel() {
      end();
    },
  });
}
