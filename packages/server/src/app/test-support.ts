import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/protocol';
import { createMemoryServerStore } from '../store/memory.js';
import type { ServerEventStore } from '../store/types.js';
import { createSyncServer, type SyncServer } from './create-sync-server.js';
import type { SyncServerOptions } from './options.js';

/** Test helpers for the HTTP app (not shipped: excluded from the build). */

/** A valid pushed event with a fresh UUIDv7 id. */
export function event(streamId: string, version: number, overrides: Partial<PushedEvent> = {}): PushedEvent {
  return {
    id: uuidv7(),
    streamId,
    version,
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { n: version },
    meta: { timestamp: '2025-01-31T12:00:00.000Z', clientId: 'device-1' },
    ...overrides,
  };
}

/** `count` events of one stream from version `from`. */
export function events(streamId: string, count: number, from = 1): PushedEvent[] {
  return Array.from({ length: count }, (_, i) => event(streamId, from + i));
}

export interface Harness {
  app: SyncServer;
  store: ServerEventStore;
  /** Send a request; JSON bodies are serialized with Content-Type application/json. */
  send(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Send and read the JSON answer. */
  json<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  push(
    space: string,
    pushed: PushedEvent[],
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * A sync server on a memory store, driven in-process with `app.request`.
 *
 * @example
 * const { json } = harness();
 * expect((await json('GET', '/healthz')).body).toEqual({ ok: true });
 */
export function harness(options: Partial<SyncServerOptions> = {}): Harness {
  const store = options.store ?? createMemoryServerStore({ serverId: 'server-1' });
  const app = createSyncServer({ ...options, store });
  const send: Harness['send'] = (method, path, { body, headers = {} } = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return Promise.resolve(app.request(path, init));
  };
  const json: Harness['json'] = async (method, path, options) => {
    const res = await send(method, path, options);
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const push: Harness['push'] = (space, pushed, headers) =>
    json('POST', `/v1/spaces/${encodeURIComponent(space)}/push`, {
      body: { clientId: 'device-1', events: pushed },
      headers,
    });
  return { app, store, send, json, push };
}

/** One parsed Server-Sent Events block: a message, or comment lines. */
export interface SseBlock {
  event?: string;
  id?: string;
  data?: string;
  comments: string[];
}

/**
 * Read SSE blocks from a response body, one at a time (a minimal parser: `event`, `id`,
 * `data` and comment lines, blocks split on blank lines).
 *
 * @example
 * const sse = sseReader(response);
 * const block = await sse.next();
 */
export function sseReader(response: Response): {
  next(): Promise<SseBlock | undefined>;
  cancel(): Promise<void>;
} {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const block: SseBlock = { comments: [] };
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) block.event = line.slice(7);
            else if (line.startsWith('id: ')) block.id = line.slice(4);
            else if (line.startsWith('data: '))
              block.data = block.data === undefined ? line.slice(6) : `${block.data}\n${line.slice(6)}`;
          }
          return block;
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** The next block that is a message (skipping heartbeat and other comments). */
export async function nextMessage(sse: ReturnType<typeof sseReader>): Promise<SseBlock | undefined> {
  for (;;) {
    const block = await sse.next();
    if (block === undefined || block.event !== undefined) return block;
  }
}

/**
 * Wrap a store so tests can wait for `watch` subscriptions to start and end (the SSE
 * route's cleanup is asynchronous: wait on these events rather than on time).
 *
 * @example
 * const spy = watchSpy(createMemoryServerStore());
 * await spy.ended(1); // the first watcher has unsubscribed
 */
export function watchSpy(store: ServerEventStore) {
  let started = 0;
  let ended = 0;
  const waiters: { kind: 'started' | 'ended'; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if ((w.kind === 'started' ? started : ended) >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const wait = (kind: 'started' | 'ended', count: number) =>
    new Promise<void>((resolve) => {
      waiters.push({ kind, count, resolve });
      check();
    });
  const spied: ServerEventStore = {
    ...store,
    serverId: () => store.serverId(),
    push: (space, pushed) => store.push(space, pushed),
    pull: (space, options) => store.pull(space, options),
    readStream: (space, streamId, options) => store.readStream(space, streamId, options),
    head: (space) => store.head(space),
    close: () => store.close(),
    watch(space, listener) {
      const stop = store.watch(space, listener);
      started++;
      check();
      let stopped = false;
      return () => {
        stop();
        if (stopped) return;
        stopped = true;
        ended++;
        check();
      };
    },
  };
  return {
    store: spied,
    /** Resolves once `count` watchers have started in total. */
    started: (count: number) => wait('started', count),
    /** Resolves once `count` watchers have ended in total. */
    ended: (count: number) => wait('ended', count),
    get active() {
      return started - ended;
    },
  };
}
