/** One Server-Sent Events message. */
export interface SseMessage {
  /** `event:` field; `message` when absent, as EventSource does. */
  event: string;
  /** `id:` field of this message, if it had one. */
  id?: string;
  data: string;
}

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
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) onActivity?.();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Lines end with \n, \r\n or \r; a trailing \r may be the first half of \r\n.
      for (;;) {
        const match = /\r\n|\n|\r/.exec(buffer);
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1 && !done)) break;
        const text = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        await line(text);
      }
      if (done) return; // an unfinished message at the end is dropped, as EventSource does
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    // Stopped early (a consumer that threw, a read that broke): let the server go too.
    reader.cancel().catch(() => undefined);
  }
}
