import { ClosedError, ValidationError } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { createMemoryServerStore } from '../store/memory.js';
import type { ServerEventStore } from '../store/types.js';
import { jsonLogger, type LogRecord } from './logger.js';
import { events, harness } from './test-support.js';

function failingStore(error: unknown): ServerEventStore {
  const store = createMemoryServerStore({ serverId: 's' });
  return { ...store, pull: () => Promise.reject(error) };
}

describe('/healthz and /metrics', () => {
  it('healthz answers { ok: true }', async () => {
    const res = await harness().json('GET', '/healthz');
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { ok: true } });
  });

  it('metrics count pushes, events, conflicts, duplicates, subscribers and latency', async () => {
    const h = harness();
    const pushed = events('a', 2);
    await h.push('t', pushed);
    await h.push('t', [...pushed, ...events('b', 1, 5)]);
    await h.json('GET', '/v1/spaces/t/pull?limit=0');
    const res = await h.send('GET', '/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('tidelog_pushes_total 2');
    expect(text).toContain('tidelog_events_accepted_total 2');
    expect(text).toContain('tidelog_duplicates_total 2');
    expect(text).toContain('tidelog_conflicts_total 1');
    expect(text).toContain('tidelog_sse_subscribers 0');
    expect(text).toContain(
      'tidelog_http_requests_total{method="POST",route="/v1/spaces/:space/push",status="200"} 2',
    );
    expect(text).toContain(
      'tidelog_http_requests_total{method="GET",route="/v1/spaces/:space/pull",status="400"} 1',
    );
    expect(text).toContain(
      'tidelog_http_request_duration_seconds_count{method="POST",route="/v1/spaces/:space/push"} 2',
    );
    expect(text).toMatch(
      /tidelog_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/spaces\/:space\/push",le="\+Inf"\} 2/,
    );
    expect(text).toContain('# TYPE tidelog_http_request_duration_seconds histogram');
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 NOT_FOUND and wrong methods with 405', async () => {
    const h = harness();
    const missing = await h.json<{ error: { code: string } }>('GET', '/v2/whatever');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await h.json<{ error: { code: string } }>('DELETE', '/v1/spaces/t/push');
    expect([wrong.status, wrong.body.error.code, wrong.headers.get('allow')]).toEqual([
      405,
      'METHOD_NOT_ALLOWED',
      'POST',
    ]);
    expect((await h.json('PUT', '/v1/spaces/t/streams/s')).headers.get('allow')).toBe('GET, POST');
  });

  it('maps a store failure to 500 INTERNAL without leaking it, and logs it', async () => {
    const records: LogRecord[] = [];
    const h = harness({
      store: failingStore(new Error('disk on fire at /var/secret')),
      logger: (r) => records.push(r),
    });
    const res = await h.json<{ error: { code: string; message: string } }>('GET', '/v1/spaces/t/pull');
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'INTERNAL', message: 'internal server error' });
    expect(records.find((r) => r.msg === 'request failed')?.error).toBeInstanceOf(Error);
  });

  it('maps core errors by code: ValidationError 400, ClosedError 503', async () => {
    const invalid = harness({ store: failingStore(new ValidationError('after too far')) });
    expect((await invalid.json('GET', '/v1/spaces/t/pull')).status).toBe(400);
    const closed = harness({ store: failingStore(new ClosedError('store closed')) });
    const res = await closed.json<{ error: { code: string } }>('GET', '/v1/spaces/t/pull');
    expect([res.status, res.body.error.code]).toEqual([503, 'UNAVAILABLE']);
  });
});

describe('logs, request ids, CORS', () => {
  it('logs one record per request, with route, status, duration and push counts; silent by default', async () => {
    const records: LogRecord[] = [];
    const h = harness({ logger: (r) => records.push(r) });
    await h.push('t', events('a', 3));
    await h.json('GET', '/nope');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'POST',
      path: '/v1/spaces/t/push',
      route: '/v1/spaces/:space/push',
      status: 200,
      space: 't',
      clientId: 'device-1',
      events: 3,
      accepted: 3,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(records[1]).toMatchObject({ status: 404, route: 'unmatched' });
  });

  it('jsonLogger writes one JSON line per record', () => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line))({ level: 'error', msg: 'x', error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      msg: 'x',
      time: expect.any(String),
      error: { message: 'boom' },
    });
  });

  it('echoes a request id, or mints one', async () => {
    const h = harness();
    expect(
      (await h.send('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
    expect((await h.send('GET', '/healthz')).headers.get('x-request-id')).toMatch(/.+/);
  });

  it('answers CORS preflights before auth when enabled', async () => {
    const h = harness({ cors: true, auth: () => null });
    const res = await h.send('OPTIONS', '/v1/spaces/t/push', {
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(
      (await harness().send('GET', '/healthz', { headers: { origin: 'http://a' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
  });
});
