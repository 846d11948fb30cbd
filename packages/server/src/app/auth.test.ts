import { describe, expect, it } from 'vitest';
import { bearerToken, tokenAuth } from './auth.js';
import { events, harness } from './test-support.js';

const request = (headers: Record<string, string> = {}, url = 'http://x/v1/spaces/t/pull') =>
  new Request(url, { headers });

describe('tokenAuth', () => {
  const auth = tokenAuth({ admin: ['*'], team: ['team-1', 'team-2'] });

  it('maps a bearer token to its spaces, and anything else to null', async () => {
    expect(await auth(request({ authorization: 'Bearer team' }))).toEqual(['team-1', 'team-2']);
    expect(await auth(request({ authorization: 'bearer   admin ' }))).toEqual(['*']);
    expect(await auth(request())).toBeNull();
    expect(await auth(request({ authorization: 'Bearer other' }))).toBeNull();
    expect(await auth(request({ authorization: 'Basic dGVhbTo=' }))).toBeNull();
    expect(await auth(request({ authorization: 'Bearer' }))).toBeNull();
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'treats %s as an unknown token',
    async (token) => {
      expect(await auth(request({ authorization: `Bearer ${token}` }))).toBeNull();
    },
  );

  it('reads access_token from the query when there is no Authorization header', async () => {
    expect(await auth(request({}, 'http://x/v1/spaces/t/subscribe?access_token=team'))).toEqual([
      'team-1',
      'team-2',
    ]);
    expect(bearerToken(request({ authorization: 'Bearer a' }, 'http://x/?access_token=b'))).toBe('a');
  });

  it('refuses bad configuration', () => {
    expect(() => tokenAuth({ '': ['*'] })).toThrow(TypeError);
    expect(() => tokenAuth({ t: 'team-1' as unknown as string[] })).toThrow(TypeError);
  });
});

describe('auth on the routes', () => {
  const h = harness({ auth: tokenAuth({ admin: ['*'], team: ['team-1'] }) });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it.each([
    ['GET', '/v1/spaces/team-1/pull'],
    ['GET', '/v1/spaces/team-1/subscribe'],
    ['GET', '/v1/spaces/team-1/streams/s'],
    ['POST', '/v1/spaces/team-1/streams/s'],
    ['POST', '/v1/spaces/team-1/push'],
  ])('%s %s: 401 UNAUTHORIZED without a token, with a WWW-Authenticate challenge', async (method, path) => {
    const res = await h.json<{ error: { code: string } }>(method, path);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tidelog"');
    const bad = await h.json<{ error: { code: string } }>(method, path, { headers: bearer('wrong') });
    expect(bad.status).toBe(401);
  });

  it('403 FORBIDDEN for a space not granted; 200 for a granted one and for "*"', async () => {
    const forbidden = await h.json<{ error: { code: string } }>('GET', '/v1/spaces/team-2/pull', {
      headers: bearer('team'),
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect((await h.json('GET', '/v1/spaces/team-1/pull', { headers: bearer('team') })).status).toBe(200);
    expect((await h.json('GET', '/v1/spaces/anything/pull', { headers: bearer('admin') })).status).toBe(200);
  });

  it('a forbidden push stores nothing', async () => {
    const res = await h.push('team-2', events('a', 1), bearer('team'));
    expect(res.status).toBe(403);
    expect(await h.store.head('team-2')).toBe(0);
  });

  it('keeps /healthz and /metrics open', async () => {
    expect((await h.json('GET', '/healthz')).body).toEqual({ ok: true });
    expect((await h.send('GET', '/metrics')).status).toBe(200);
  });

  it('lets an async auth function decide', async () => {
    const custom = harness({
      auth: async (req) => (req.headers.get('x-team') ? [req.headers.get('x-team')!] : null),
    });
    expect((await custom.json('GET', '/v1/spaces/blue/pull', { headers: { 'x-team': 'blue' } })).status).toBe(
      200,
    );
    expect((await custom.json('GET', '/v1/spaces/red/pull', { headers: { 'x-team': 'blue' } })).status).toBe(
      403,
    );
    expect((await custom.json('GET', '/v1/spaces/red/pull')).status).toBe(401);
  });
});
