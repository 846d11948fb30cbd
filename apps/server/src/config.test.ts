import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';

const read = (env: Record<string, string>) => readConfig(env, '/srv/app', '/repo/apps/demo/dist');

describe('readConfig', () => {
  it('defaults: 127.0.0.1:8787, SQLite at ./data/tidelog.sqlite, open, no CORS', () => {
    expect(read({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      databaseUrl: undefined,
      pgSchema: undefined,
      sqliteFile: '/srv/app/data/tidelog.sqlite',
      tokens: undefined,
      corsOrigin: undefined,
      demoDir: '/repo/apps/demo/dist',
      heartbeatMs: 15000,
    });
  });

  it('reads every variable', () => {
    const config = read({
      PORT: '0',
      HOST: '0.0.0.0',
      TIDELOG_DB: 'db/x.sqlite',
      DATABASE_URL: 'postgres://u@h/db',
      TIDELOG_PG_SCHEMA: 'blue',
      TIDELOG_TOKENS: '{"admin":["*"],"team":["team-1","team-2"]}',
      TIDELOG_CORS_ORIGIN: 'http://localhost:5173',
      TIDELOG_DEMO_DIR: '/var/www/demo',
      TIDELOG_HEARTBEAT_MS: '500',
    });
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@h/db',
      pgSchema: 'blue',
      sqliteFile: '/srv/app/db/x.sqlite',
      tokens: { admin: ['*'], team: ['team-1', 'team-2'] },
      corsOrigin: 'http://localhost:5173',
      demoDir: '/var/www/demo',
      heartbeatMs: 500,
    });
  });

  it('keeps a token named __proto__ as a plain token', () => {
    const tokens = read({ TIDELOG_TOKENS: '{"__proto__":["a"]}' }).tokens!;
    expect(Object.keys(tokens)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tokens)).toBe(Object.prototype);
  });

  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TIDELOG_TOKENS: 'secret' }, 'TIDELOG_TOKENS must be JSON'],
    [{ TIDELOG_TOKENS: '["a"]' }, 'JSON object'],
    [{ TIDELOG_TOKENS: '{"a":"*"}' }, 'list of strings'],
    [{ TIDELOG_TOKENS: '{}' }, 'empty'],
    [{ TIDELOG_TOKENS: '{"a b":["*"]}' }, 'without spaces'],
    [{ TIDELOG_HEARTBEAT_MS: '0' }, 'TIDELOG_HEARTBEAT_MS'],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => read(env)).toThrow(ConfigError);
    expect(() => read(env)).toThrow(message);
  });
});
