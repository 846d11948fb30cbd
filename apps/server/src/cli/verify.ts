import type { CliDatabase } from './database.js';
import { type CliIo, PROGRESS_EVERY } from './io.js';

/** The first fault found in a space, if any. */
export interface SpaceFault {
  space: string;
  position: number;
  message: string;
}

/**
 * `tidelog verify` on a database: read each space in position order and check positions
 * run 1, 2, 3 … without a gap, each stream's versions run 1, 2, 3 …, and no id appears
 * twice. Returns the first fault of the space (its position), or undefined.
 *
 * @example
 * const fault = await verifySpace(db, 'team-1', io);
 */
export async function verifySpace(
  db: CliDatabase,
  space: string,
  io: CliIo,
): Promise<SpaceFault | undefined> {
  const versions = new Map<string, number>();
  const ids = new Set<string>();
  let expected = 1;
  let after = 0;
  let reported = 0;
  for (;;) {
    const page = await db.store.pull(space, { after, limit: 5000 });
    for (const e of page.events) {
      const fault = (message: string): SpaceFault => ({ space, position: e.position, message });
      if (e.position !== expected) {
        return fault(
          `position ${e.position} where ${expected} was expected: ${expected}…${e.position - 1} missing`,
        );
      }
      const version = (versions.get(e.streamId) ?? 0) + 1;
      if (e.version !== version) {
        return fault(`stream "${e.streamId}" has version ${e.version} where ${version} was expected`);
      }
      if (ids.has(e.id)) return fault(`id ${e.id} is stored twice`);
      ids.add(e.id);
      versions.set(e.streamId, version);
      expected++;
    }
    if (page.events.length === 0 || !page.hasMore) break;
    after = page.events[page.events.length - 1]!.position;
    if (expected - 1 - reported >= PROGRESS_EVERY) {
      reported = expected - 1;
      io.stderr.write(`tidelog verify: ${space}: ${reported} events…\n`);
    }
  }
  const head = await db.store.head(space);
  if (head !== expected - 1) {
    return {
      space,
      position: expected,
      message: `the head is ${head} but the events end at ${expected - 1}`,
    };
  }
  return undefined;
}
