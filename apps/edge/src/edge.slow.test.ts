import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEdge, startLocalEdge } from './local.js';

const TOKENS = JSON.stringify({ 'token-all': ['*'], 'token-a': ['space-a'], 'token-b': ['space-b'] });

function event(streamId: string, version: number): PushedEvent {
  return {
    id: uuidv7(),
    streamId,
    version,
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { n: version },
    meta: { timestamp: '2026-01-31T12:00:00.000Z', clientId: 'device-1' },
  };
}

function client(edge: LocalEdge, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, edge.url), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    push: (space: string, events: PushedEvent[]) =>
      call('POST', `/v1/spaces/${space}/push`, { clientId: 'device-1', events }),
    pull: (space: string) => call('GET', `/v1/spaces/${space}/pull`),
    /** Open subscriptions of the space's object, from its metrics. */
    async subscribers(space: string): Promise<number> {
      const res = await fetch(new URL(`/v1/spaces/${space}/metrics`, edge.url), {
        headers: { authorization: `Bearer ${token}` },
      });
      const match = /^tidelog_sse_subscribers (\d+)$/m.exec(await res.text());
      return Number(match?.[1]);
    },
  };
}

/** Open a subscription over a raw HTTP connection; resolves once the first bytes arrived. */
function subscribe(edge: LocalEdge, space: string): Promise<{ hangUp(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/v1/spaces/${space}/subscribe`, edge.url), {
      headers: { authorization: 'Bearer token-all' },
    });
    req.on('response', (res) => {
      res.once('data', () => resolve({ hangUp: () => req.destroy() }));
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A client that subscribes, reads the first bytes, then stops reading without closing its
 * connection (a phone that lost its network): its socket buffers fill and stay full.
 */
function stalledSubscriber(edge: LocalEdge, space: string): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(edge.url.port), edge.url.hostname, () => {
      socket.write(
        `GET /v1/spaces/${space}/subscribe HTTP/1.1\r\nHost: ${edge.url.host}\r\n` +
          'Authorization: Bearer token-all\r\n\r\n',
      );
    });
    socket.once('data', () => {
      socket.pause();
      resolve({ close: () => socket.destroy() });
    });
    socket.on('error', reject);
  });
}

describe('apps/edge in workerd on loopback (Miniflare), driven from Node', () => {
  let dir: string;
  let edge: LocalEdge;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidelog-edge-'));
    edge = await startLocalEdge({
      port: 0,
      persistTo: dir,
      vars: { TIDELOG_TOKENS: TOKENS, TIDELOG_HEARTBEAT_MS: '50' },
    });
  });
  afterAll(async () => {
    await edge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases a subscriber whose TCP connection closes: the count goes back', async () => {
    const api = client(edge, 'token-all');
    const space = `live-${uuidv7()}`;
    const subscribers = await Promise.all([subscribe(edge, space), subscribe(edge, space)]);
    expect(await api.subscribers(space)).toBe(2);
    for (const s of subscribers) s.hangUp();
    // Each metrics read is a fresh request to the object; the count must reach 0.
    while ((await api.subscribers(space)) !== 0) {}
    expect((await api.push(space, [event('a', 1)])).status).toBe(200);
    expect(await api.subscribers(space)).toBe(0);
  });

  it('drops a subscriber that stops reading once its buffers are full: the count goes back', async () => {
    const api = client(edge, 'token-all');
    const space = `stalled-${uuidv7()}`;
    const stalled = await stalledSubscriber(edge, space);
    expect(await api.subscribers(space)).toBe(1);
    // About 40 MB of events: far more than the connection's buffers hold.
    const big = 'x'.repeat(900 * 1024);
    for (let v = 1; v <= 45; v++) {
      const e = event('big', v);
      expect((await api.push(space, [{ ...e, data: { big } }])).status).toBe(200);
    }
    // Each metrics read is a fresh request to the object; the count must reach 0.
    while ((await api.subscribers(space)) !== 0) {}
    stalled.close();
  });

  it('keeps two spaces apart: a token for one cannot read or write the other', async () => {
    const a = client(edge, 'token-a');
    const b = client(edge, 'token-b');
    expect((await a.push('space-a', [event('cart', 1)])).status).toBe(200);
    expect((await b.pull('space-a')).status).toBe(403);
    expect((await b.push('space-a', [event('cart', 2)])).status).toBe(403);
    expect((await b.pull('space-b')).body).toMatchObject({ events: [], head: 0 });
    expect((await a.pull('space-a')).body).toMatchObject({ head: 1 });
  });

  it('keeps every event and the serverId across a restart of workerd', async () => {
    const api = client(edge, 'token-all');
    const space = `restart-${uuidv7()}`;
    const pushed = [event('cart', 1), event('cart', 2)];
    expect((await api.push(space, pushed)).status).toBe(200);
    const before = await api.pull(space);
    await edge.close();
    edge = await startLocalEdge({ port: 0, persistTo: dir, vars: { TIDELOG_TOKENS: TOKENS } });
    const after = client(edge, 'token-all');
    expect(await after.pull(space)).toEqual(before);
    const next = await after.push(space, [...pushed, event('cart', 3)]);
    expect(next.body).toMatchObject({
      accepted: [{ streamId: 'cart', fromVersion: 3, fromPosition: 3 }],
      duplicates: [
        { id: pushed[0]!.id, position: 1 },
        { id: pushed[1]!.id, position: 2 },
      ],
      serverId: before.body.serverId,
    });
  });

  it('answers 500 naming no secret when TIDELOG_TOKENS is malformed, and keeps /healthz up', async () => {
    const broken = await startLocalEdge({
      port: 0,
      persistTo: false,
      vars: { TIDELOG_TOKENS: '{"t": "all"}' },
    });
    try {
      const res = await fetch(new URL('/v1/spaces/team-1/pull', broken.url), {
        headers: { authorization: 'Bearer t' },
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: { code: 'INTERNAL', message: 'the server is misconfigured (see its log)' },
      });
      expect((await fetch(new URL('/healthz', broken.url))).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('refuses every request when no token is configured and the server is not opened', async () => {
    const closed = await startLocalEdge({ port: 0, persistTo: false });
    try {
      const res = await fetch(new URL('/v1/spaces/team-1/pull', closed.url));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED', message: /TIDELOG_TOKENS/ } });
      expect((await fetch(new URL('/healthz', closed.url))).status).toBe(200);
    } finally {
      await closed.close();
    }
  });
});
