import { describe, expect, it } from 'vitest';
import { events, harness } from './test-support.js';

type Page = {
  events: { position: number; streamId: string }[];
  head: number;
  hasMore: boolean;
  serverId: string;
};

describe('GET /v1/spaces/:space/pull', () => {
  it('answers an empty space with head 0, not a 404', async () => {
    const h = harness();
    const res = await h.json('GET', '/v1/spaces/nobody/pull');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { events: [], head: 0, hasMore: false, serverId: 'server-1' },
    });
  });

  it('pages ascending by position from after, with hasMore', async () => {
    const h = harness();
    await h.push('t', [...events('a', 3), ...events('b', 2)]);
    const first = (await h.json<Page>('GET', '/v1/spaces/t/pull?limit=2')).body;
    expect(first.events.map((e) => e.position)).toEqual([1, 2]);
    expect(first).toMatchObject({ head: 5, hasMore: true, serverId: 'server-1' });
    const last = (await h.json<Page>('GET', '/v1/spaces/t/pull?after=3&limit=2')).body;
    expect(last.events.map((e) => e.position)).toEqual([4, 5]);
    expect(last.hasMore).toBe(false);
    expect((await h.json<Page>('GET', '/v1/spaces/t/pull?after=5')).body.events).toEqual([]);
  });

  it('returns full envelopes with positions', async () => {
    const h = harness();
    const [pushed] = events('a', 1);
    await h.push('t', [pushed!]);
    expect((await h.json<Page>('GET', '/v1/spaces/t/pull')).body.events).toEqual([
      { ...pushed, position: 1 },
    ]);
  });

  it('defaults limit to 500 and clamps it to 5000', async () => {
    const h = harness();
    for (let i = 0; i < 6; i++) expect((await h.push('t', events(`s${i}`, 1000))).status).toBe(200);
    expect((await h.json<Page>('GET', '/v1/spaces/t/pull')).body.events).toHaveLength(500);
    const clamped = (await h.json<Page>('GET', '/v1/spaces/t/pull?limit=100000')).body;
    expect(clamped.events).toHaveLength(5000);
    expect(clamped.hasMore).toBe(true);
  });

  it.each([
    'limit=0',
    'limit=-1',
    'limit=abc',
    'limit=1.5',
    'after=-1',
    'after=x',
    'after=1e3',
    'after=99999999999999999999',
  ])('answers 400 INVALID_REQUEST to %s', async (query) => {
    const h = harness();
    const res = await h.json<{ error: { code: string; details: { issues: { path: string }[] } } }>(
      'GET',
      `/v1/spaces/t/pull?${query}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
    expect(res.body.error.details.issues[0]!.path).toBe(query.split('=')[0]);
  });
});
