import type { PullResponse } from '@tidelog/protocol';
import type { Confirmer } from './confirmer.js';
import { SyncProtocolError } from './errors.js';
import type { SyncHttp } from './http.js';

/** What a pull to the head needs from the loop. */
export interface PullContext {
  http: SyncHttp;
  confirmer: Confirmer;
  /** Page size to ask for: the server's largest (it clamps, and stops at its byte budget). */
  limit: number;
  signal: AbortSignal;
  /** Called first with each page: throws when the server was reset. */
  answered(page: PullResponse): void;
  /** Called after each page is stored. */
  stored(page: PullResponse): void;
}

/**
 * Pull from the stored cursor to the server's head, one page at a time, each page stored
 * with its cursor in one step (`host.confirm`). `stored` hears each page's head.
 *
 * @example
 * await pullToHead({ http, confirmer, limit: 5000, signal, answered, stored });
 */
export async function pullToHead(context: PullContext): Promise<void> {
  const { http, confirmer } = context;
  for (;;) {
    const page = await http.pull(confirmer.cursor, context.limit, context.signal);
    context.answered(page);
    if (!(await confirmer.deliver(page.events, page.serverId))) {
      throw new SyncProtocolError(
        `the pull after position ${confirmer.cursor} skipped positions (first: ${page.events[0]?.position})`,
      );
    }
    context.stored(page);
    // `hasMore` with an empty page would loop for ever: a broken server, not progress.
    if (!page.hasMore) return;
    if (page.events.length === 0) throw new SyncProtocolError('a pull page had no events but hasMore');
  }
}
