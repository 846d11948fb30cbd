import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/server';

/** `count` valid events of one stream from version `from` (tests only). */
export function testEvents(streamId: string, count: number, from = 1): PushedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(),
    streamId,
    version: from + i,
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { n: from + i },
    meta: { timestamp: new Date().toISOString(), clientId: 'test-client' },
  }));
}

/** POST a push; resolves with the status and parsed body. */
export async function pushOver(
  url: string,
  space: string,
  events: PushedEvent[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/spaces/${encodeURIComponent(space)}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ clientId: 'test-client', events }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
