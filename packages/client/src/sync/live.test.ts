import type { PositionedEnvelope } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { Confirmer } from './confirmer.js';
import type { SyncHost } from './host.js';
import type { SyncHttp } from './http.js';
import { followLive, LiveGapError } from './live.js';

const event = (position: number): PositionedEnvelope => ({
  id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  streamId: 's-1',
  version: position,
  type: 'Added',
  schemaVersion: 1,
  data: {},
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other' },
  position,
});

const frame = (positions: number[]) =>
  `event: events\nid: ${positions.at(-1)}\ndata: ${JSON.stringify({ events: positions.map(event) })}\n\n`;

/** A live session on a stream this test writes to, with a host whose `confirm` the test releases. */
async function session(options: { failAt?: number } = {}) {
  let push!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      push = c;
    },
  });
  const pages: number[][] = [];
  let release: (() => void) | undefined;
  const host = {
    clientId: 'me',
    store: { getMeta: async () => undefined },
    confirm: (events: readonly PositionedEnvelope[]) => {
      pages.push(events.map((e) => e.position));
      if (options.failAt !== undefined && events.some((e) => e.position === options.failAt)) {
        return Promise.reject(new Error('disk full'));
      }
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  } as unknown as SyncHost;
  const confirmer = await Confirmer.open(host);
  const http = { subscribe: async () => body } as unknown as SyncHttp;
  const controller = new AbortController();
  const stored: number[] = [];
  const done = followLive({
    http,
    confirmer,
    serverId: 'srv',
    signal: controller.signal,
    opened: () => {},
    stored: (last) => stored.push(last),
    active: () => {},
  });
  const send = (positions: number[]) => push.enqueue(new TextEncoder().encode(frame(positions)));
  const tick = () => new Promise((r) => setTimeout(r, 5));
  return {
    pages,
    stored,
    done,
    send,
    tick,
    end: () => push.close(),
    abort: () => controller.abort(),
    release: async () => {
      release?.();
      release = undefined;
      await tick();
    },
  };
}

describe('followLive', () => {
  it('stores messages that arrive while one is stored together, in one page', async () => {
    const s = await session();
    s.send([1, 2]);
    await s.tick();
    s.send([3]);
    s.send([4, 5]);
    await s.tick();
    expect(s.pages).toEqual([[1, 2]]);
    await s.release();
    expect(s.pages).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    await s.release();
    expect(s.stored).toEqual([2, 5]);
    s.end();
    await s.done;
  });

  it('stores what arrived before the stream ends, then resolves', async () => {
    const s = await session();
    s.send([1]);
    await s.tick();
    s.send([2]);
    s.end();
    let ended = false;
    void s.done.then(() => {
      ended = true;
    });
    await s.tick();
    expect(ended).toBe(false);
    await s.release();
    await s.release();
    await s.done;
    expect(s.stored).toEqual([1, 2]);
  });

  it('ends the session at once when storing fails, without waiting for another message', async () => {
    const s = await session({ failAt: 1 });
    s.send([1]);
    await expect(s.done).rejects.toThrow('disk full');
  });

  it('ends with LiveGapError when a message skips positions', async () => {
    const s = await session();
    s.send([1]);
    await s.tick();
    s.send([3]);
    const failed = expect(s.done).rejects.toBeInstanceOf(LiveGapError);
    await s.release();
    await failed;
    expect(s.stored).toEqual([1]);
  });

  it('stops storing when the loop aborts', async () => {
    const s = await session();
    s.send([1]);
    await s.tick();
    s.send([2]);
    s.abort();
    await s.release();
    await s.done;
    expect(s.pages).toEqual([[1]]);
  });
});
