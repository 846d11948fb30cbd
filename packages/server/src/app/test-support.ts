import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/protocol';
import { createMemoryServerStore } from '../store/memory.js';
import type { ServerEventStore } from '../store/types.js';
import { createSyncServer, type SyncServer } from './create-sync-server.js';
import type { SyncServerOptions } from './options.js';
import { type SseBlock, sseReader } from './sse-reader.js';

export { type SseBlock, sseReader };

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

/** The next block that is a message (skipping heartbeat and other comments). */
export function nextMessage(sse: ReturnType<typeof sseReader>): Promise<SseBlock | undefined> {
  return sse.nextMessage();
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
