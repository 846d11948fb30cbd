import type { PositionedEnvelope } from '@tidelog/core';
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
    const space = c.get('space');
    c.header('X-Accel-Buffering', 'no'); // let proxies pass each message on at once
    return streamSSE(c, (stream) => serve(stream, space, query.value.after, deps));
  };
}

async function serve(stream: SSEStreamingApi, space: string, after: number, deps: RouteDeps): Promise<void> {
  const { config, metrics, lifecycle, logger } = deps;
  let cursor = after;
  let dirty = true; // pull once at the start: events may already be waiting
  let stopped = false;
  let wake: (() => void) | undefined;
  const nudge = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const stop = () => {
    stopped = true;
    nudge();
  };
  // Watch before the first pull, so a commit between the two is not missed.
  const unwatch = config.store.watch(space, (head) => {
    if (head > cursor) {
      dirty = true;
      nudge();
    }
  });
  stream.onAbort(stop);
  const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), config.heartbeatMs);
  metrics.sseSubscribers++;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  // On server shutdown: stop the loop and abort the stream, so a write blocked on a slow
  // client cannot hold the shutdown up.
  lifecycle.hold(() => {
    stop();
    stream.abort();
  }, done);
  try {
    await stream.write(': connected\n\n');
    while (!stopped && !stream.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      dirty = false;
      const page = await config.store.pull(space, { after: cursor, limit: config.limits.defaultPullLimit });
      if (page.events.length > 0) {
        const last = page.events[page.events.length - 1] as PositionedEnvelope;
        await stream.writeSSE({
          event: 'events',
          id: String(last.position),
          data: JSON.stringify({ events: page.events }),
        });
        cursor = last.position;
      }
      if (page.hasMore) dirty = true;
    }
  } catch (error) {
    // A closed store or a failed pull: end the stream; the client reconnects with Last-Event-ID.
    if (!stopped) logger({ level: 'error', msg: 'subscribe stream failed', space, error });
  } finally {
    clearInterval(heartbeat);
    unwatch();
    metrics.sseSubscribers--;
    finished();
  }
}
