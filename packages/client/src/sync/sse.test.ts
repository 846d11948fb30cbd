import { describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from './sse.js';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function messages(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  await readSse(body(chunks), (m) => {
    out.push(m);
  });
  return out;
}

describe('readSse', () => {
  it('reads event, id and data, skipping comments and heartbeats', async () => {
    expect(await messages([': connected\n\nevent: events\nid: 7\ndata: {"a":1}\n\n: heartbeat\n\n'])).toEqual(
      [{ event: 'events', id: '7', data: '{"a":1}' }],
    );
  });

  it('joins lines split across chunks, in any line ending, and multi-line data', async () => {
    const text = 'event: events\r\nid: 3\r\ndata: one\r\ndata: two\r\n\r\ndata: plain\rdata:x\r\r';
    const chunks = [...text].map((c) => c); // one character per chunk: every split point
    expect(await messages(chunks)).toEqual([
      { event: 'events', id: '3', data: 'one\ntwo' },
      { event: 'message', data: 'plain\nx' },
    ]);
  });

  it('drops an unfinished message at the end and decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: é\n\ndata: cut');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7)); // "data: " + the first byte of é
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const out: SseMessage[] = [];
    await readSse(stream, (m) => {
      out.push(m);
    });
    expect(out).toEqual([{ event: 'message', data: 'é' }]);
  });

  it('stops when the signal aborts, cancelling the body', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const reading = readSse(stream, () => undefined, controller.signal);
    controller.abort();
    await reading;
    expect(cancelled).toBe(true);
  });

  it('rejects when the consumer throws, and cancels the body', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode('data: 1\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(
      readSse(stream, () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(cancelled).toBe(true);
  });
});
