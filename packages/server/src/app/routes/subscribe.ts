import { parseSubscribeQuery, validationErrorBody } from '@tidelog/protocol';
import type { Handler } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { AppEnv, RouteDeps } from '../context.js';

/**
 * `GET /v1/spaces/:space/subscribe?after=` as Server-Sent Events. Each message is
 * `event: events`, `id: <last position in it>`, `data: {"events":[…]}`; `Last-Event-ID`
 * wins over `after`. The stream pulls whenever `store.watch` reports a new head, sends a
 * heartbeat comment every `heartbeatMs`, and ends when the client goes away or the server
 * closes.
 *
 * @example
 * app.get('/v1/spaces/:space/subscribe', subscribeRoute(deps));
 */
export function subscribeRoute(deps: RouteDeps): Handler<AppEnv> {
  return (c) => {
    const query = parseSubscribeQuery({
      after: c.req.query('after'),
      lastEventId: c.req.header('last-event-id'),
    });
    if (!query.ok) return c.json(validationErrorBody(query), 400);
    c.header('X-Accel-Buffering', 'no'); // let proxies pass each message on at once
    // HEAD runs this GET route and throws the body away unread: a stream started for it
    // would never end. Answer the headers alone.
    if (c.req.method === 'HEAD') {
      return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    }
    const signal = c.req.raw.signal;
    const space = c.get('space');
    // Watch before the first pull, so a commit between the two is not missed; and before
    // the stream opens, so a closed store is still an error response (503), not an empty stream.
    const live = new LiveCursor(query.value.after);
    const unwatch = deps.config.store.watch(space, (head) => live.seen(head));
    return streamSSE(c, (stream) => serve(stream, space, live, unwatch, deps, signal));
  };
}

/** Where a subscription is, and the wake-up between the store's watch and the send loop. */
class LiveCursor {
  dirty = true; // pull once at the start: events may already be waiting
  stopped = false;
  /** The highest head the store has reported. */
  head = 0;
  #wake: (() => void) | undefined;

  constructor(public cursor: number) {}

  /** The store reports a new head. */
  seen(head: number): void {
    if (head > this.head) this.head = head;
    if (head > this.cursor) {
      this.dirty = true;
      this.#nudge();
    }
  }

  stop(): void {
    this.stopped = true;
    this.#nudge();
  }

  /** Resolves at the next `seen` of a new head, or `stop`. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #nudge(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

async function serve(
  stream: SSEStreamingApi,
  space: string,
  live: LiveCursor,
  unwatch: () => void,
  deps: RouteDeps,
  signal: AbortSignal,
): Promise<void> {
  const { config, metrics, lifecycle, logger } = deps;
  stream.onAbort(() => live.stop());
  // The client went away (the host aborts the request's signal) even if the body is never
  // cancelled: end the loop and the stream, so nothing of it stays behind.
  const onAbort = () => {
    live.stop();
    stream.abort();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), config.heartbeatMs);
  metrics.sseSubscribers++;
  deps.ssePages.join(space);
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  // On server shutdown: stop the loop and abort the stream, so a write blocked on a slow
  // client cannot hold the shutdown up.
  lifecycle.hold(() => {
    live.stop();
    stream.abort();
  }, done);
  try {
    await stream.write(': connected\n\n');
    while (!live.stopped && !stream.aborted) {
      if (!live.dirty) {
        await live.wait();
        continue;
      }
      live.dirty = false;
      const frame = await deps.ssePages.after(space, live.cursor, live.head);
      if (frame) {
        await stream.write(frame.bytes);
        live.cursor = frame.last;
      }
      // A shared page may have been read before the head this reader was woken for.
      if (frame?.hasMore || live.cursor < live.head) live.dirty = true;
    }
  } catch (error) {
    // A failed pull (e.g. the store closed): end the stream; the client reconnects with Last-Event-ID.
    if (!live.stopped) logger({ level: 'error', msg: 'subscribe stream failed', space, error });
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearInterval(heartbeat);
    unwatch();
    metrics.sseSubscribers--;
    deps.ssePages.leave(space);
    finished();
  }
}
