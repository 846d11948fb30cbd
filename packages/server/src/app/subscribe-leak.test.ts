import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import { createSyncServer } from './create-sync-server.js';
import { watchSpy } from './test-support.js';

describe('subscribe: no live stream outlives its request', () => {
  it('answers HEAD with the stream headers and starts no subscription', async () => {
    const spy = watchSpy(createMemoryServerStore());
    const app = createSyncServer({ store: spy.store });
    for (let i = 0; i < 100; i++) {
      const res = await app.request('/v1/spaces/t/subscribe', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(await res.text()).toBe('');
    }
    expect(spy.active).toBe(0);
    expect(app.metrics.sseSubscribers).toBe(0);
    await app.close();
  });

  it('ends the stream when the request signal aborts, even if nobody reads or cancels the body', async () => {
    const spy = watchSpy(createMemoryServerStore());
    const app = createSyncServer({ store: spy.store });
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    for (const controller of controllers) {
      const res = await app.request('/v1/spaces/t/subscribe', { signal: controller.signal });
      expect(res.status).toBe(200);
    }
    await spy.started(20);
    for (const controller of controllers) controller.abort();
    await spy.ended(20);
    expect(spy.active).toBe(0);
    await app.close();
    expect(app.metrics.sseSubscribers).toBe(0);
  });

  it('refuses a subscription whose request is already aborted', async () => {
    const spy = watchSpy(createMemoryServerStore());
    const app = createSyncServer({ store: spy.store });
    const controller = new AbortController();
    controller.abort();
    await Promise.resolve(app.request('/v1/spaces/t/subscribe', { signal: controller.signal })).catch(
      () => undefined,
    );
    await spy.ended(spy.active === 0 ? 0 : 1);
    expect(spy.active).toBe(0);
    await app.close();
  });
});
