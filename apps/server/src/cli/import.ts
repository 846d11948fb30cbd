import type { PositionedEnvelope } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/server';
import type { CliDatabase } from './database.js';
import { type CliIo, PROGRESS_EVERY } from './io.js';

/** What an import did, or why it refused (and then it wrote nothing). */
export type ImportResult =
  | { ok: true; imported: number; present: number }
  | { ok: false; message: string; position?: number };

/** Most events per push. */
const CHUNK = 500;

/**
 * `tidelog import`: append a checked export file's events to `space`, keeping their
 * positions. Before writing anything it checks the file continues the space: events at
 * positions the space already holds must be the same events (those are duplicates,
 * skipped), and the first new event must land at the space's head + 1 with each stream
 * at the version the file expects. Then it pushes in chunks whose streams' events sit
 * together, so the store assigns the same positions.
 *
 * @example
 * const result = await importEvents(db, 'team-1', check.events, io);
 */
export async function importEvents(
  db: CliDatabase,
  space: string,
  events: readonly PositionedEnvelope[],
  io: CliIo,
): Promise<ImportResult> {
  const head = await db.store.head(space);
  const first = events[0]?.position ?? head + 1;
  if (first > head + 1) {
    return { ok: false, message: `the file starts at position ${first}, the space ends at ${head}: a gap` };
  }
  // The overlap must be the same events, position for position.
  let present = 0;
  let cursor = first - 1;
  while (cursor < Math.min(head, events.at(-1)?.position ?? 0)) {
    const page = await db.store.pull(space, { after: cursor, limit: 5000 });
    for (const stored of page.events) {
      const mine = events[stored.position - first];
      if (!mine) break;
      if (mine.id !== stored.id) {
        return {
          ok: false,
          position: stored.position,
          message: `position ${stored.position} holds another event (${stored.id}) than the file's (${mine.id})`,
        };
      }
      present++;
    }
    if (page.events.length === 0) break;
    cursor = page.events[page.events.length - 1]!.position;
  }
  const fresh = events.slice(present);
  // Each stream's first new event must follow the stream's current version.
  const firstVersion = new Map<string, PositionedEnvelope>();
  for (const e of fresh) if (!firstVersion.has(e.streamId)) firstVersion.set(e.streamId, e);
  for (const [streamId, e] of firstVersion) {
    const { version } = await db.store.readStream(space, streamId, { fromVersion: e.version });
    if (version !== e.version - 1) {
      return {
        ok: false,
        position: e.position,
        message: `stream "${streamId}" is at version ${version} in the space; the file continues it at ${e.version}`,
      };
    }
  }
  let imported = 0;
  let reported = 0;
  for (const chunk of chunks(fresh)) {
    const outcome = await db.store.push(space, chunk.map(withoutPosition));
    const expected = chunk[0]!.position;
    if (outcome.conflicts.length > 0 || outcome.accepted[0]?.fromPosition !== expected) {
      return {
        ok: false,
        position: expected,
        message: `the space changed during the import (another writer?); stopped before position ${expected}`,
      };
    }
    imported += chunk.length;
    if (imported - reported >= PROGRESS_EVERY) {
      reported = imported;
      io.stderr.write(`tidelog import: ${imported} events…\n`);
    }
  }
  return { ok: true, imported, present };
}

/**
 * Split events into pushes in which each stream's events are one run: a store gives a
 * push's streams their positions one stream after the other, so this keeps the file's order.
 */
function* chunks(events: readonly PositionedEnvelope[]): Generator<PositionedEnvelope[]> {
  let chunk: PositionedEnvelope[] = [];
  let streams = new Set<string>();
  for (const e of events) {
    const last = chunk[chunk.length - 1];
    const breaksRun = streams.has(e.streamId) && last?.streamId !== e.streamId;
    if (chunk.length >= CHUNK || breaksRun) {
      yield chunk;
      chunk = [];
      streams = new Set();
    }
    chunk.push(e);
    streams.add(e.streamId);
  }
  if (chunk.length > 0) yield chunk;
}

const withoutPosition = ({ position: _, ...event }: PositionedEnvelope): PushedEvent => event;
