import type { PositionedEnvelope } from '@tidelog/core';
import type { ServerEventStore } from '../store/types.js';

/** One `event: events` SSE message, encoded, and where it leaves its reader. */
export interface SseFrame {
  bytes: Uint8Array;
  /** Position of the message's last event: its `id:`, the reader's next cursor. */
  last: number;
  /** The store had more events after this page when it was read. */
  hasMore: boolean;
}

/** A frame kept for sharing, and the head its page was read at. */
interface Entry {
  head: number;
  frame: Promise<SseFrame | undefined>;
  size: number;
}

/** Frames kept per space: the oldest cursor goes first. */
const FRAMES_PER_SPACE = 4;

/** Most bytes of frames kept for sharing, across spaces; past it, frames are built per reader. */
const MAX_SHARED_BYTES = 32 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * The SSE messages of the subscribe route, built once and shared. Subscribers of one space
 * mostly stand at the same cursor (a push wakes them all), and a page of large events is
 * megabytes of JSON: built, serialized and encoded per subscriber it was most of what the
 * server did under fan-out, and its garbage paused the event loop. So the frame after a
 * cursor is read from the store once and every subscriber at that cursor writes the same
 * bytes. Pages are immutable (positions never change); one built while the head was lower
 * may be shorter than a fresh one, which only means one more message.
 *
 * @example
 * const pages = new SsePages(store, { limit: 500, maxBytes: 4 << 20 });
 * pages.join('team-1');
 * const frame = await pages.after('team-1', cursor); // undefined: nothing after the cursor yet
 * pages.leave('team-1');
 */
export class SsePages {
  /** Per space, the latest frames asked for, by cursor (readers of one space stand at a few cursors). */
  readonly #shared = new Map<string, Map<number, Entry>>();
  #sharedBytes = 0;

  constructor(
    private readonly store: ServerEventStore,
    private readonly page: { limit: number; maxBytes: number },
  ) {}

  /**
   * The frame of the events after `after` in `space`, or undefined when there are none,
   * read when the space's head was at least `head` (the highest the caller was woken for):
   * a frame read before that head is not reused, so a reader is never answered twice with
   * a page that cannot hold what woke it.
   */
  after(space: string, after: number, head = 0): Promise<SseFrame | undefined> {
    let frames = this.#shared.get(space);
    const shared = frames?.get(after);
    if (shared && shared.head >= head) return shared.frame;
    if (shared) {
      this.#forget(space, after);
      frames = this.#shared.get(space); // gone with its last frame
    }
    if (!frames) {
      frames = new Map();
      this.#shared.set(space, frames);
    }
    // Until the read answers, its head is unknown: readers that join meanwhile share it
    // (they asked no later than it started, so it reads at least as far as they need).
    const entry: Entry = { head: Number.POSITIVE_INFINITY, frame: Promise.resolve(undefined), size: 0 };
    entry.frame = this.#build(space, after, (readHead) => {
      entry.head = readHead;
    });
    frames.set(after, entry);
    if (frames.size > FRAMES_PER_SPACE) this.#forget(space, frames.keys().next().value!);
    entry.frame.then(
      (built) => {
        if (this.#shared.get(space)?.get(after) !== entry) return;
        entry.size = built?.bytes.byteLength ?? 0;
        this.#sharedBytes += entry.size;
        if (this.#sharedBytes > MAX_SHARED_BYTES) this.#forget(space, after);
      },
      () => this.#shared.get(space)?.get(after) === entry && this.#forget(space, after), // a failed read is not kept
    );
    return entry.frame;
  }

  readonly #subscribers = new Map<string, number>();

  /** A subscriber of `space` starts. */
  join(space: string): void {
    this.#subscribers.set(space, (this.#subscribers.get(space) ?? 0) + 1);
  }

  /** A subscriber of `space` ends; with the last one goes what is kept for the space. */
  leave(space: string): void {
    const left = (this.#subscribers.get(space) ?? 1) - 1;
    if (left > 0) return void this.#subscribers.set(space, left);
    this.#subscribers.delete(space);
    for (const after of [...(this.#shared.get(space)?.keys() ?? [])]) this.#forget(space, after);
  }

  #forget(space: string, after: number): void {
    const frames = this.#shared.get(space);
    const entry = frames?.get(after);
    if (!frames || !entry) return;
    this.#sharedBytes -= entry.size;
    frames.delete(after);
    if (frames.size === 0) this.#shared.delete(space);
  }

  async #build(space: string, after: number, read: (head: number) => void): Promise<SseFrame | undefined> {
    const page = await this.store.pull(space, { after, ...this.page });
    read(page.head);
    if (page.events.length === 0) return undefined;
    const last = (page.events[page.events.length - 1] as PositionedEnvelope).position;
    // JSON.stringify writes no raw line break, so the data fits one `data:` line as is.
    const text = `event: events\nid: ${last}\ndata: ${JSON.stringify({ events: page.events })}\n\n`;
    return { bytes: encoder.encode(text), last, hasMore: page.hasMore };
  }
}
