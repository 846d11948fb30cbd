import { describe, expect, it } from 'vitest';
import { tokenAuth } from './auth.js';
import { TokenBuckets } from './rate-limit.js';
import { harness } from './test-support.js';

const auth = tokenAuth({ alice: ['*'], bob: ['*'] });
const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('per-token request rates', () => {
  it('answers 429 RATE_LIMITED with Retry-After past a token’s burst, per token, and refills with time', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const h = harness({ auth, now: () => new Date(clock), rateLimit: { requestsPerSecond: 2, burst: 3 } });
    for (let i = 0; i < 3; i++)
      expect((await h.send('GET', '/v1/spaces/t/pull', { headers: as('alice') })).status).toBe(200);
    const limited = await h.json<{ error: { code: string } }>('GET', '/v1/spaces/t/pull', {
      headers: as('alice'),
    });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.headers.get('retry-after')).toBe('1');
    // Another token has its own bucket; an unknown token is a 401 and counts for nothing.
    expect((await h.send('GET', '/v1/spaces/t/pull', { headers: as('bob') })).status).toBe(200);
    expect((await h.send('GET', '/v1/spaces/t/pull', { headers: as('mallory') })).status).toBe(401);
    clock += 500; // one request's worth at 2/s
    expect((await h.send('GET', '/v1/spaces/t/pull', { headers: as('alice') })).status).toBe(200);
    expect((await h.send('GET', '/v1/spaces/t/pull', { headers: as('alice') })).status).toBe(429);
    // A refused push changes nothing.
    const push = await h.send('POST', '/v1/spaces/t/push', {
      headers: as('alice'),
      body: { clientId: 'c', events: [] },
    });
    expect(push.status).toBe(429);
    expect((await h.send('GET', '/healthz', { headers: as('alice') })).status).toBe(200);
  });

  it('limits by default, and not at all with rateLimit: false', async () => {
    // A stopped clock: no refill while the requests run, however slow the machine.
    const now = () => new Date('2026-01-01T00:00:00Z');
    const limited = harness({ auth, now });
    const open = harness({ auth, now, rateLimit: false });
    const statuses = async (h: ReturnType<typeof harness>) => {
      const seen = new Set<number>();
      for (let i = 0; i < 600; i++)
        seen.add((await h.send('GET', '/v1/spaces/t/pull', { headers: as('alice') })).status);
      return [...seen].sort();
    };
    expect(await statuses(limited)).toEqual([200, 429]);
    expect(await statuses(open)).toEqual([200]);
  });

  it('forgets idle tokens instead of growing without bound', () => {
    const buckets = new TokenBuckets({ requestsPerSecond: 1, burst: 1 });
    for (let i = 0; i < 20_000; i++) expect(buckets.take(`t${i}`, 0)).toBe(0);
    // The first tokens were forgotten (their buckets full again, or the oldest): they may go.
    expect(buckets.take('t0', 0)).toBe(0);
    expect(buckets.take('t19999', 0)).toBeGreaterThan(0);
  });
});
