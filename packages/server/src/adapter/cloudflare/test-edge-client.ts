import { SELF } from 'cloudflare:test';
import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/protocol';

/** Tokens of packages/server/wrangler.test.toml: one for every space, one for space-a, one for space-b. */
export const TOKENS = { all: 'token-all', a: 'token-a', b: 'token-b' } as const;

/** A valid pushed event with a fresh UUIDv7 id. */
export function event(streamId: string, version: number, overrides: Partial<PushedEvent> = {}): PushedEvent {
  return {
    id: uuidv7(),
    streamId,
    version,
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { n: version },
    meta: { timestamp: '2026-01-31T12:00:00.000Z', clientId: 'device-1' },
    ...overrides,
  };
}

/** `count` events of one stream from version `from`. */
export function events(streamId: string, count: number, from = 1): PushedEvent[] {
  return Array.from({ length: count }, (_, i) => event(streamId, from + i));
}

let spaces = 0;
/** A space no other test uses (every test file shares the Worker's storage). */
export function freshSpace(prefix = 'edge'): string {
  return `${prefix}-${Date.now().toString(36)}-${++spaces}`;
}

/** A request through the Worker, as a client sends it; JSON bodies are serialized. */
export function send(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKENS.all : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return SELF.fetch(`http://edge.test${path}`, init);
}

/** Send and read the JSON answer. */
export async function json<T = Record<string, unknown>>(
  method: string,
  path: string,
  options?: Parameters<typeof send>[2],
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await send(method, path, options);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** Push through the Worker. */
export function push(space: string, pushed: PushedEvent[], token?: string) {
  return json('POST', `/v1/spaces/${encodeURIComponent(space)}/push`, {
    token,
    body: { clientId: 'device-1', events: pushed },
  });
}
