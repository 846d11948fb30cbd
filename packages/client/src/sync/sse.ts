/** One Server-Sent Events message. */
export interface SseMessage {
  /** `event:` field; `message` when absent, as EventSource does. */
  event: string;
  /** `id:` field of this message, if it had one. */
  id?: string;
  data: string;
}

/** An SSE line end: CRLF, LF or CR. */
const LINE_END = /\r\n|\n|\r/;
/** `LINE_END`, but not a `\r` that ends the text read so far. */
const LINE_END_SO_FAR = /\r\n|\n|\r(?!$)/;
/** A line's field name and value. */
const FIELD = /^([^:]*)(?:: ?(.*))?$/s;

/**
 * Read Server-Sent Events from a fetch body, calling `onMessage` for each message and
 * awaiting it before reading on (so a slow consumer holds the stream back instead of
 * piling messages up). A fetch-based reader rather than `EventSource`: it sends headers
 * (`Authorization`), runs in a SharedWorker, a Worker and Node, and lets the loop decide
 * when to reconnect. Resolves when the stream ends or `signal` aborts; rejects when it breaks.
 *
 * @example
 * await readSse(response.body, async (m) => console.log(m.event, m.id, m.data));
 */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void | Promise<void>,
  signal?: AbortSignal,
  /** Called on every chunk received, heartbeats included (a watchdog's "still there"). */
  onActivity?: () => void,
): Promise<void> {
  const reader = body.getReader();
  // Cancelling the reader ends a pending read at once, whatever the transport does with the abort.
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let id: string | undefined;
  let data: string[] = [];
  const line = async (text: string) => {
    if (text === '') {
      // A blank line dispatches; a block of comments only (a heartbeat) dispatches nothing.
      if (data.length > 0) {
        const message: SseMessage = { event: event || 'message', data: data.join('\n') };
        if (id !== undefined) message.id = id;
        await onMessage(message);
      }
      event = '';
      id = undefined;
      data = [];
      return;
    }
    // `field: value` (one space after the colon dropped), or a field alone. A comment
    // (`: …`) has the field "", which no branch below takes.
    const [, field, value = ''] = FIELD.exec(text) as RegExpExecArray;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) onActivity?.();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Lines end with \n, \r\n or \r; a trailing \r may be the first half of \r\n, so it
      // waits for the next chunk. What follows the last line end waits too: at the end, an
      // unfinished message is dropped, as EventSource does.
      const lines = buffer.split(done ? LINE_END : LINE_END_SO_FAR);
      buffer = lines.pop() as string;
      for (const text of lines) await line(text);
      if (done) return;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    // Stopped early (a consumer that threw, a read that broke): let the server go too.
    reader.cancel().catch(() => undefined);
  }
}
