import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import type { ServerEventStore } from '../store/types.js';
import { events, harness } from './test-support.js';

/** A store whose pushes wait until released, to hold a push in flight. */
function gatedStore() {
  const store = createMemoryServerStore({ serverId: 's' });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const gated: ServerEventStore = {
    ...store,
    push: async (space, pushed) => {
      entered();
      await gate;
      return store.push(space, pushed);
    },
  };
  return { store: gated, release, inside, inner: store };
}

describe('close()', () => {
  it('waits for a push in flight, which then succeeds and is stored', async () => {
    const g = gatedStore();
    const h = harness({ store: g.store });
    const pushing = h.push('t', events('a', 2));
    await g.inside;
    let closed = false;
    const closing = h.app.close().then(() => {
      closed = true;
    });
    // While the push is held, close() must not resolve; new requests are refused.
    const refused = await h.json<{ error: { code: string } }>('GET', '/v1/spaces/t/pull');
    expect([refused.status, refused.body.error.code]).toEqual([503, 'UNAVAILABLE']);
    expect((await h.json('GET', '/healthz')).status).toBe(503);
    expect(closed).toBe(false);
    g.release();
    expect((await pushing).status).toBe(200);
    await closing;
    expect(closed).toBe(true);
    expect(await g.inner.head('t')).toBe(2);
  });

  it('resolves at once when nothing is in flight, and leaves the store open', async () => {
    const h = harness();
    await h.app.close();
    expect(await h.store.head('t')).toBe(0);
  });
});
