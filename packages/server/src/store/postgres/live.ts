import type { Sql } from 'postgres';
import { Watchers } from '../watchers.js';

/** The NOTIFY channel of one store schema: every replica on that schema listens to it. */
export const channelOf = (schema: string): string => `tidelog_${schema}`;

/** A NOTIFY payload: `<head>:<space>` (a space may itself contain ':'). */
export const payloadOf = (space: string, head: number): string => `${head}:${space}`;

/**
 * Wakes this process's `watch` listeners, for commits of any replica, through
 * LISTEN/NOTIFY on one channel per schema. LISTEN starts with the first watcher and holds
 * one connection (postgres.js reconnects it). Each time it (re)starts listening, every
 * watched space is woken with its current head: a commit made while not listening is not
 * lost. Heads are delivered at most once and only upwards per space, so a local commit
 * woken directly is not woken again by its own notification.
 */
export class LiveHub {
  readonly #watchers = new Watchers();
  readonly #delivered = new Map<string, number>();
  #listening: Promise<{ unlisten(): Promise<void> }> | undefined;
  #closed = false;

  constructor(
    private readonly sql: Sql,
    private readonly channel: string,
    private readonly headOf: (space: string) => Promise<number>,
  ) {}

  /**
   * Add a listener to `space`; returns its unsubscribe function.
   *
   * @example
   * const stop = hub.watch('team-1', (head) => console.log('new head', head));
   */
  watch(space: string, listener: (head: number) => void): () => void {
    const stop = this.#watchers.add(space, listener);
    this.#listen();
    return () => {
      stop();
      if (!this.#watchers.has(space)) this.#delivered.delete(space);
    };
  }

  /** Deliver `head` of `space` to its listeners unless a head as high was delivered already. */
  deliver(space: string, head: number): void {
    if (this.#closed || !this.#watchers.has(space)) return;
    if (head <= (this.#delivered.get(space) ?? 0)) return;
    this.#delivered.set(space, head);
    this.#watchers.notify(space, head);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) await listening.then((l) => l.unlisten()).catch(() => {});
  }

  #listen(): void {
    if (this.#listening || this.#closed) return;
    this.#listening = this.sql.listen(
      this.channel,
      (payload) => {
        const colon = payload.indexOf(':');
        this.deliver(payload.slice(colon + 1), Number(payload.slice(0, colon)));
      },
      () => void this.#catchUp(),
    );
    this.#listening.catch((error: unknown) => {
      // Try again with the next watcher; until then, local commits still wake listeners.
      this.#listening = undefined;
      console.error('tidelog: LISTEN failed; replicas will not wake this process until it succeeds', error);
    });
  }

  /** After (re)connecting the LISTEN connection: wake every watched space with its head. */
  async #catchUp(): Promise<void> {
    for (const space of this.#watchers.spaces()) {
      try {
        this.deliver(space, await this.headOf(space));
      } catch (error) {
        if (!this.#closed) console.error(`tidelog: could not read the head of space "${space}"`, error);
      }
    }
  }
}
