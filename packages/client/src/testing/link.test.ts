import { afterEach, describe, expect, it } from 'vitest';
import { createTestLink } from './link.js';
import { createTestServer, type TestServer } from './server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const event = (id: string, version: number) => ({
  id,
  streamId: 's-1',
  version,
  type: 'Added',
  schemaVersion: 1,
  data: {},
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'c-1' },
});
const push = (fetcher: typeof fetch, events: unknown[]) =>
  fetcher('http://tidelog.test/v1/spaces/t/push', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'c-1', events }),
  });

describe('test link', () => {
  it('drops a request before the server, a response after the commit, and answers 503', async () => {
    server = await createTestServer();
    const link = createTestLink(server.fetch);
    link.failNext('drop-request');
    link.failNext('drop-response');
    link.failNext('unavailable');
    await expect(push(link.fetch, [event('01a23556-31c5-7400-bd49-800f013aab44', 1)])).rejects.toThrow(
      TypeError,
    );
    expect(await server.events('t')).toHaveLength(0);
    await expect(push(link.fetch, [event('01a23556-31c5-7400-bd49-800f013aab44', 1)])).rejects.toThrow(
      TypeError,
    );
    expect(await server.events('t')).toHaveLength(1);
    const refused = await push(link.fetch, [event('01a23556-31c5-7400-bd49-800f013aab45', 2)]);
    expect(refused.status).toBe(503);
    expect((await push(link.fetch, [event('01a23556-31c5-7400-bd49-800f013aab44', 1)])).status).toBe(200);
    expect(link.log.map((r) => r.outcome)).toEqual([
      'drop-request',
      'drop-response',
      'unavailable',
      'passed',
    ]);
  });

  it('goes offline (cutting live streams) and holds requests until released', async () => {
    server = await createTestServer();
    const link = createTestLink(server.fetch);
    const live = await link.fetch('http://tidelog.test/v1/spaces/t/subscribe');
    const reader = live.body!.getReader();
    await reader.read(); // ": connected"
    expect(link.liveStreams).toBe(1);
    link.offline();
    await expect(reader.read()).rejects.toThrow('cut');
    expect(link.liveStreams).toBe(0);
    await expect(link.fetch('http://tidelog.test/v1/spaces/t/pull')).rejects.toThrow('offline');
    link.online();
    const gate = link.hold();
    let answered = false;
    const pending = link.fetch('http://tidelog.test/v1/spaces/t/pull').then((r) => {
      answered = true;
      return r;
    });
    await Promise.resolve();
    expect(answered).toBe(false);
    gate.release();
    expect((await pending).status).toBe(200);
  });

  it('a reset server has a new id and an empty log', async () => {
    server = await createTestServer();
    const before = await server.store.serverId();
    await push(server.fetch, [event('01a23556-31c5-7400-bd49-800f013aab44', 1)]);
    await server.reset();
    expect(await server.store.serverId()).not.toBe(before);
    expect(await server.events('t')).toEqual([]);
  });
});
