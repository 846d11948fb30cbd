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
