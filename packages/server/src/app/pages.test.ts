import type { PositionedEnvelope } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { event, harness, nextMessage, sseReader } from './test-support.js';

type Page = { events: PositionedEnvelope[]; hasMore: boolean; head?: number; version?: number };

/** An event of about 900 KiB of data: a push of one stays under the 1 MiB body limit. */
const near = (streamId: string, version: number) =>
  event(streamId, version, { data: { blob: 'x'.repeat(900 * 1024) } });

describe('pages stop at the byte budget (default 4 MiB of event JSON)', () => {
  it('a pull of limit=5000 over events near the size limit returns what fits in 4 MiB, with hasMore', async () => {
    const h = harness();
    for (let v = 1; v <= 6; v++) expect((await h.push('t', [near('a', v)])).status).toBe(200);
    const res = await h.json<Page>('GET', '/v1/spaces/t/pull?limit=5000');
    expect(res.status).toBe(200);
    // 900 KiB each: four fit in 4 MiB, the fifth would not.
    expect(res.body.events.map((e) => e.position)).toEqual([1, 2, 3, 4]);
    expect(res.body.hasMore).toBe(true);
    const rest = await h.json<Page>('GET', '/v1/spaces/t/pull?after=4&limit=5000');
    expect(rest.body.events.map((e) => e.position)).toEqual([5, 6]);
    expect(rest.body.hasMore).toBe(false);
  });

  it('a page holds one event even when it alone is over the budget', async () => {
    const h = harness({ limits: { maxPageBytes: 1000 } });
    await h.push('t', [near('a', 1), event('a', 2)]);
    const res = await h.json<Page>('GET', '/v1/spaces/t/pull');
    expect(res.body.events.map((e) => e.position)).toEqual([1]);
    expect(res.body.hasMore).toBe(true);
  });

  it('splits SSE messages at the byte budget', async () => {
    const h = harness({ limits: { maxPageBytes: 2_000_000 } });
    for (let v = 1; v <= 5; v++) await h.push('t', [near('a', v)]);
    const sse = sseReader(await h.send('GET', '/v1/spaces/t/subscribe'));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await nextMessage(sse))?.id);
    expect(ids).toEqual(['2', '4', '5']);
    await sse.cancel();
  });

  it('pages stream reads by limit and by the byte budget, with hasMore', async () => {
    const h = harness({ limits: { maxPageBytes: 2_000_000 } });
    await h.push('t', [event('s', 1), event('s', 2), event('s', 3)]);
    const first = await h.json<Page>('GET', '/v1/spaces/t/streams/s?limit=2');
    expect(first.body.events.map((e) => e.version)).toEqual([1, 2]);
    expect([first.body.version, first.body.hasMore]).toEqual([3, true]);
    const next = await h.json<Page>('GET', '/v1/spaces/t/streams/s?from=3&limit=2');
    expect(next.body.events.map((e) => e.version)).toEqual([3]);
    expect(next.body.hasMore).toBe(false);
    for (let v = 1; v <= 3; v++) await h.push('t', [near('big', v)]);
    const big = await h.json<Page>('GET', '/v1/spaces/t/streams/big');
    expect(big.body.events.map((e) => e.version)).toEqual([1, 2]);
    expect(big.body.hasMore).toBe(true);
    expect((await h.json('GET', '/v1/spaces/t/streams/s?limit=0')).status).toBe(400);
    const clamped = await h.json<Page>(`GET`, `/v1/spaces/t/streams/s?limit=${'9'.repeat(300)}`);
    expect(clamped.body.events).toHaveLength(3);
  });
});
