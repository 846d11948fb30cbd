import { describe, expect, it } from 'vitest';
import { authFromEnv, heartbeatFromEnv } from './env.js';

const request = (token?: string) =>
  new Request('http://edge.test/v1/spaces/team-1/pull', {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe('edge configuration from the environment', () => {
  it('authorizes by TIDELOG_TOKENS, with Map lookups (a prototype name is just unknown)', async () => {
    const resolved = authFromEnv({ TIDELOG_TOKENS: '{"secret":["team-1"],"admin":["*"]}' });
    if (!('auth' in resolved)) throw new Error('expected auth');
    expect(await resolved.auth(request('secret'))).toEqual(['team-1']);
    expect(await resolved.auth(request('admin'))).toEqual(['*']);
    expect(await resolved.auth(request('constructor'))).toBeNull();
    expect(await resolved.auth(request())).toBeNull();
  });

  it('refuses everyone without tokens, unless TIDELOG_OPEN is "true"', async () => {
    expect(authFromEnv({})).toEqual({ refused: expect.stringMatching(/TIDELOG_TOKENS/) });
    expect(authFromEnv({ TIDELOG_TOKENS: '  ', TIDELOG_OPEN: 'yes' })).toHaveProperty('refused');
    const open = authFromEnv({ TIDELOG_OPEN: 'true' });
    if (!('auth' in open)) throw new Error('expected auth');
    expect(await open.auth(request())).toEqual(['*']);
  });

  it.each([
    ['not JSON', '{secret', /must be JSON/],
    ['an array', '["secret"]', /JSON object/],
    ['spaces that are not a list', '{"secret":"team-1"}', /list of strings/],
    ['an empty token', '{"":["*"]}', /must not be empty/],
  ])('throws EDGE_CONFIG for TIDELOG_TOKENS that is %s', (_name, text, message) => {
    expect(() => authFromEnv({ TIDELOG_TOKENS: text })).toThrow(
      expect.objectContaining({ code: 'EDGE_CONFIG', message: expect.stringMatching(message) }),
    );
  });

  it('reads TIDELOG_HEARTBEAT_MS, default 15 s, refusing what is not a positive integer', () => {
    expect(heartbeatFromEnv({})).toBe(15_000);
    expect(heartbeatFromEnv({ TIDELOG_HEARTBEAT_MS: '250' })).toBe(250);
    for (const bad of ['0', '-5', '1.5', 'soon']) {
      expect(() => heartbeatFromEnv({ TIDELOG_HEARTBEAT_MS: bad })).toThrow(
        expect.objectContaining({ code: 'EDGE_CONFIG' }),
      );
    }
  });
});
