import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import { createSyncServer } from './create-sync-server.js';

/** A request body that sends `bytes` and then never ends, as a stalled client does. */
function stalledBody(bytes: string, sent: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(bytes));
      sent();
    },
  });
}

describe('close(): the drain deadline', () => {
  it('resolves at the drain deadline while a client that promised 100 bytes has sent 12', async () => {
    const store = createMemoryServerStore();
    const app = createSyncServer({ store, drainTimeoutMs: 50 });
    let sent!: () => void;
    const started = new Promise<void>((resolve) => {
      sent = resolve;
    });
    const stuck = Promise.resolve(
      app.request('/v1/spaces/t/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '100' },
        body: stalledBody('{"clientId":', sent),
        duplex: 'half',
      } as RequestInit),
    );
    await started;
    await app.close();
    // Everything after close is refused, and the stalled request never stored anything.
    const refused = await app.request('/v1/spaces/t/pull');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await store.head('t')).toBe(0);
    void stuck.catch(() => undefined);
  });

  it('refuses a drain deadline that is not a positive number', () => {
    const store = createMemoryServerStore();
    expect(() => createSyncServer({ store, drainTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createSyncServer({ store, drainTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
