import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryServerStore, type LogRecord } from '@tidelog/server';
import { sseReader } from '@tidelog/server/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from './config.js';
import { type RunningServer, startServer } from './start-server.js';
import { pushOver, testEvents } from './testing/events.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<ServerConfig> = {}, records: LogRecord[] = []) {
  const config = {
    port: 0,
    host: '127.0.0.1',
    tokens: undefined,
    corsOrigin: undefined,
    demoDir: join(tmpdir(), 'tidelog-no-demo-here'),
    heartbeatMs: 15_000,
    ...overrides,
  };
  const server = await startServer(config, {
    store: createMemoryServerStore({ serverId: 'node-1' }),
    log: (r) => records.push(r),
  });
  running.push(server);
  return server;
}

/** Ask /metrics how many SSE streams are open (the socket's end reaches the app asynchronously). */
async function subscribers(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^tidelog_sse_subscribers (\d+)$/m.exec(text)?.[1]);
}

describe('the sync server on @hono/node-server (real connections)', () => {
  it('answers healthz, push and pull over HTTP', async () => {
    const { url } = await start();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const pushed = await pushOver(url, 'team-1', testEvents('cart-1', 3));
    expect(pushed).toMatchObject({ status: 200, body: { head: 3, serverId: 'node-1' } });
    const page = (await (await fetch(`${url}/v1/spaces/team-1/pull?after=1`)).json()) as {
      events: { position: number }[];
    };
    expect(page.events.map((e) => e.position)).toEqual([2, 3]);
  });

  it('delivers SSE messages live, and resumes after Last-Event-ID on a new connection', async () => {
    const { url } = await start();
    await pushOver(url, 't', testEvents('a', 2));
    const first = sseReader(await fetch(`${url}/v1/spaces/t/subscribe`));
    expect(await first.nextMessage()).toMatchObject({ event: 'events', id: '2' });
    await pushOver(url, 't', testEvents('b', 1));
    const live = await first.nextMessage();
    expect(live?.id).toBe('3');
    expect(JSON.parse(live!.data!).events[0]).toMatchObject({ streamId: 'b', position: 3 });
    await first.cancel();

    await pushOver(url, 't', testEvents('c', 2)); // positions 4, 5 while disconnected
    const resumed = sseReader(
      await fetch(`${url}/v1/spaces/t/subscribe?after=0`, { headers: { 'Last-Event-ID': '3' } }),
    );
    const message = await resumed.nextMessage();
    expect(message?.id).toBe('5');
    expect(JSON.parse(message!.data!).events.map((e: { position: number }) => e.position)).toEqual([4, 5]);
    await resumed.cancel();
  });

  it('forgets a subscriber whose connection closes', async () => {
    const { url } = await start();
    const controller = new AbortController();
    const sse = sseReader(await fetch(`${url}/v1/spaces/t/subscribe`, { signal: controller.signal }));
    expect((await sse.next())?.comments).toEqual(['connected']);
    expect(await subscribers(url)).toBe(1);
    controller.abort();
    // Bounded poll: the server learns of the closed socket asynchronously.
    let open = 1;
    for (let i = 0; i < 200 && open > 0; i++) open = await subscribers(url);
    expect(open).toBe(0);
  });

  it('sends heartbeats over the wire', async () => {
    const { url } = await start({ heartbeatMs: 25 });
    const sse = sseReader(await fetch(`${url}/v1/spaces/t/subscribe`));
    expect((await sse.next())?.comments).toEqual(['connected']);
    expect((await sse.next())?.comments).toEqual(['heartbeat']);
    await sse.cancel();
  });

  it('close() ends SSE streams cleanly, finishes, and then refuses connections', async () => {
    const server = await start();
    const sse = sseReader(await fetch(`${server.url}/v1/spaces/t/subscribe`));
    expect((await sse.next())?.comments).toEqual(['connected']);
    await server.close();
    expect(await sse.drain()).toBe(0); // the stream ended without an error
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('enforces TIDELOG_TOKENS and logs one JSON record per request', async () => {
    const records: LogRecord[] = [];
    const { url } = await start({ tokens: { secret: ['team-1'] } }, records);
    expect((await pushOver(url, 'team-1', testEvents('a', 1))).status).toBe(401);
    expect(
      (await pushOver(url, 'team-2', testEvents('a', 1), { authorization: 'Bearer secret' })).status,
    ).toBe(403);
    expect(
      (await pushOver(url, 'team-1', testEvents('a', 1), { authorization: 'Bearer secret' })).status,
    ).toBe(200);
    expect(records.filter((r) => r.msg === 'request').map((r) => r.status)).toEqual([401, 403, 200]);
    expect(records.some((r) => r.level === 'warn' && String(r.msg).includes('OPEN'))).toBe(false);
  });

  it('says it runs open when no tokens are configured', async () => {
    const records: LogRecord[] = [];
    await start({}, records);
    expect(records.find((r) => r.level === 'warn')?.msg).toContain('runs OPEN');
  });

  it('serves a placeholder page without a demo build, and the demo (with SPA fallback) with one', async () => {
    const placeholder = await start();
    const page = await fetch(`${placeholder.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('demo app is not built');

    const dir = mkdtempSync(join(tmpdir(), 'tidelog-demo-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const { url } = await start({ demoDir: dir });
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>demo</title>');
    const js = await fetch(`${url}/assets/app.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await (await fetch(`${url}/todos/42`)).text()).toContain('<title>demo</title>');
    const api = await fetch(`${url}/v1/nope`);
    expect([api.status, ((await api.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'NOT_FOUND',
    ]);
  });
});
