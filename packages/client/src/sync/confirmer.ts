import type { PositionedEnvelope } from '@tidelog/core';
import { isPlainObject, isPosition } from '@tidelog/protocol';
import { Mailbox } from '../mailbox.js';
import type { SyncCursor, SyncHost } from './host.js';

/**
 * The stored cursor, and the one door pages go through to `host.confirm`. Pull and live
 * both deliver pages, possibly overlapping; one at a time, each is cut to what lies past
 * the cursor and stored only if it continues it without a hole, so the stored log is
 * always the server's log from position 1 up to the cursor.
 *
 * @example
 * const confirmer = await Confirmer.open(host);
 * await confirmer.deliver(page.events, page.serverId);
 */
export class Confirmer {
  /** One page at a time, in the order they came: every page moves the one cursor. */
  readonly #pages = new Mailbox();
  readonly #host: SyncHost;
  /** The highest position stored contiguously from 1. */
  cursor = 0;
  /**
   * The server this cursor belongs to, once one answered: known only from the store or from
   * a page stored with it, so a known one is in the store already (a fresh device learns it
   * from its first answer).
   */
  serverId: string | undefined;

  private constructor(host: SyncHost) {
    this.#host = host;
  }

  /** Read the stored cursor (`getMeta('sync')`). */
  static async open(host: SyncHost): Promise<Confirmer> {
    const confirmer = new Confirmer(host);
    const stored = await host.store.getMeta('sync');
    if (isCursor(stored)) {
      confirmer.cursor = stored.cursor;
      confirmer.serverId = stored.serverId;
    }
    return confirmer;
  }

  /**
   * Store what of `events` (ascending positions) lies past the cursor, as one page. False
   * for a page that starts past cursor + 1, a hole: nothing is stored and the caller pulls.
   */
  deliver(events: readonly PositionedEnvelope[], serverId: string): Promise<boolean> {
    return this.#pages.run('cursor', () => this.#deliver(events, serverId));
  }

  /**
   * Hand the host an empty page at the cursor: after a reset, once the new log is pulled to
   * its head, this is when the commands the reset displaced are decided again.
   */
  caughtUp(): Promise<void> {
    return this.#pages.run('cursor', async () => {
      if (this.serverId === undefined) return;
      await this.#host.confirm([], { cursor: this.cursor, serverId: this.serverId });
    });
  }

  /** After `host.resetConfirmed()`: the device starts over at 0 with the new server. */
  forget(): void {
    this.cursor = 0;
    this.serverId = undefined;
  }

  async #deliver(events: readonly PositionedEnvelope[], serverId: string): Promise<boolean> {
    const start = events.findIndex((e) => e.position > this.cursor);
    const fresh = start < 0 ? [] : events.slice(start);
    if (fresh.some((e, i) => e.position !== this.cursor + 1 + i)) return false;
    // An empty page still goes to the store on first contact: it pins the server id, so a
    // reset server is recognised even before this device has seen a single event.
    if (fresh.length > 0 || this.serverId === undefined) {
      const cursor = fresh.at(-1)?.position ?? this.cursor;
      await this.#host.confirm(fresh, { cursor, serverId });
      this.cursor = cursor;
      this.serverId = serverId;
    }
    return true;
  }
}

/** What `getMeta('sync')` holds once a page was stored: a plain `{ cursor, serverId }` record. */
function isCursor(value: unknown): value is SyncCursor {
  return isPlainObject(value) && isPosition(value.cursor) && typeof value.serverId === 'string';
}
