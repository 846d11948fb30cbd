import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyncServer } from '../../app/create-sync-server.js';
import { expectQueueBound, pushed } from '../conformance/index.js';
import { createSqliteServerStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store: the writer queue is bounded', () => {
  it('refuses pushes past maxPushes with UNAVAILABLE and stores the others once', async () => {
    const store = createSqliteServerStore({ filename: join(dir, 'count.sqlite'), queue: { maxPushes: 4 } });
    expect(store.writer).toBe('thread');
    await expectQueueBound(store, 'team', 4);
    await store.close();
  });

  it('refuses a push that would take the queue past maxBytes', async () => {
    const store = createSqliteServerStore({
      filename: join(dir, 'bytes.sqlite'),
      queue: { maxBytes: 10_000 },
    });
    const big = (s: string) => pushed(s, 1, { data: { blob: 'x'.repeat(6_000) } });
    const results = await Promise.allSettled([store.push('t', [big('a')]), store.push('t', [big('b')])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(results[1]).toMatchObject({ reason: { code: 'UNAVAILABLE' } });
    expect(await store.head('t')).toBe(1);
    await store.close();
  });

  it('answers a refused push with 503 UNAVAILABLE and Retry-After', async () => {
    const store = createSqliteServerStore({ filename: join(dir, 'http.sqlite'), queue: { maxPushes: 1 } });
    const app = createSyncServer({ store });
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        app.request('/v1/spaces/t/push', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: 'c', events: [pushed(`s${i}`, 1)] }),
        }),
      ),
    );
    const refused = responses.filter((r) => r.status === 503);
    expect(responses.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.headers.get('retry-after') === '1')).toBe(true);
    expect(await refused[0]!.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect(await store.head('t')).toBe(10 - refused.length);
    await app.close();
    await store.close();
  });
});
