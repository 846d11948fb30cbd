import type { CliDatabase } from './database.js';
import { type CliIo, PROGRESS_EVERY, write } from './io.js';
import { ExportHash, envelopeLine } from './jsonl.js';

/** Events per read: the largest page the stores serve. */
const PAGE = 5000;

/**
 * `tidelog export`: the space's events after `after` as JSONL on stdout, in position
 * order, then the checksum line. Reads and writes one page at a time.
 *
 * @example
 * const count = await exportSpace(db, 'team-1', 0, io);
 */
export async function exportSpace(db: CliDatabase, space: string, after: number, io: CliIo): Promise<number> {
  const hash = new ExportHash();
  let cursor = after;
  let count = 0;
  let reported = 0;
  for (;;) {
    const page = await db.store.pull(space, { after: cursor, limit: PAGE });
    if (page.events.length > 0) {
      let chunk = '';
      for (const event of page.events) {
        const line = envelopeLine(event);
        hash.add(line);
        chunk += `${line}\n`;
      }
      await write(io.stdout, chunk);
      count += page.events.length;
      cursor = page.events[page.events.length - 1]!.position;
      if (count - reported >= PROGRESS_EVERY) {
        reported = count;
        io.stderr.write(`tidelog export: ${count} events…\n`);
      }
    }
    if (!page.hasMore || page.events.length === 0) break;
  }
  await write(io.stdout, `${hash.line()}\n`);
  return count;
}
