/** One Server-Sent Events block as received: fields and comment lines. */
export interface SseBlock {
  event?: string;
  id?: string;
  data?: string;
  comments: string[];
}

/**
 * Read a subscription's Server-Sent Events blocks one by one from a fetch response: a
 * minimal parser (`event`, `id`, `data` and comment lines, blocks split on blank lines)
 * for tests, in Node and any runtime with web streams.
 *
 * @example
 * const sse = sseReader(await fetch(`${url}/v1/spaces/t/subscribe`));
 * const message = await sse.nextMessage();
 */
export function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<SseBlock | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const block: SseBlock = { comments: [] };
        for (const line of raw.split('\n')) {
          if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
          else if (line.startsWith('event: ')) block.event = line.slice(7);
          else if (line.startsWith('id: ')) block.id = line.slice(4);
          else if (line.startsWith('data: '))
            block.data = (block.data === undefined ? '' : `${block.data}\n`) + line.slice(6);
        }
        return block;
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  return {
    next,
    /** The next block with an `event:` field (heartbeats and other comments skipped). */
    async nextMessage(): Promise<SseBlock | undefined> {
      for (;;) {
        const block = await next();
        if (block === undefined || block.event !== undefined) return block;
      }
    },
    /** Read until the server ends the stream; resolves with the number of blocks read. */
    async drain(): Promise<number> {
      let n = 0;
      while ((await next()) !== undefined) n++;
      return n;
    },
    cancel: () => reader.cancel(),
  };
}
