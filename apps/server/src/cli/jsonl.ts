import { createHash, type Hash } from 'node:crypto';
import type { PositionedEnvelope } from '@tidelog/core';
import { validateEventsMessage } from '@tidelog/protocol';

/**
 * The export format: one envelope per line, in position order, then one checksum line
 * `{"checksum":"sha256:<hex>","events":<n>}` whose hash covers every byte before it (each
 * event line and its "\n"), so `head -n -1 file | sha256sum` gives the same hex.
 */
export interface ChecksumLine {
  checksum: string;
  events: number;
}

/**
 * One envelope as an export line (fields in a fixed order, so a re-export is identical).
 *
 * @example
 * envelopeLine(event); // '{"id":"…","streamId":"cart-1",…,"position":1}'
 */
export function envelopeLine(e: PositionedEnvelope): string {
  return JSON.stringify({
    id: e.id,
    streamId: e.streamId,
    version: e.version,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    meta: e.meta,
    position: e.position,
  });
}

/** The running SHA-256 of an export's event lines. */
export class ExportHash {
  readonly #hash: Hash = createHash('sha256');
  #events = 0;

  /** Add one event line (without its "\n"). */
  add(line: string): void {
    this.#hash.update(line);
    this.#hash.update('\n');
    this.#events++;
  }

  /** The checksum line that ends the export. */
  line(): string {
    return JSON.stringify({
      checksum: `sha256:${this.#hash.digest('hex')}`,
      events: this.#events,
    } satisfies ChecksumLine);
  }
}

/** The first problem of an export file: its line number (1-based), what is wrong, the position if known. */
export interface FileFault {
  line: number;
  position?: number;
  message: string;
}

/** What checking a whole file found: its events, or the first fault. */
export type FileCheck = { ok: true; events: PositionedEnvelope[] } | { ok: false; fault: FileFault };

const isChecksumLine = (value: unknown): value is ChecksumLine =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ChecksumLine).checksum === 'string' &&
  Number.isSafeInteger((value as ChecksumLine).events);

/**
 * Check an export file's lines, all of them, before anything is written: each a valid
 * envelope, positions ascending without a gap, each stream's versions contiguous, ids
 * unique, and the checksum line last and matching. Names the first fault.
 *
 * @example
 * const check = checkExportLines(text.split('\n'));
 * if (!check.ok) console.error(`line ${check.fault.line}: ${check.fault.message}`);
 */
export function checkExportLines(lines: readonly string[]): FileCheck {
  const hash = new ExportHash();
  const events: PositionedEnvelope[] = [];
  const versions = new Map<string, number>();
  const ids = new Set<string>();
  const fail = (line: number, message: string, position?: number): FileCheck => ({
    ok: false,
    fault: position === undefined ? { line, message } : { line, position, message },
  });
  // A file ends with "\n": the text after it is an empty last "line".
  const count = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  for (let i = 0; i < count; i++) {
    const text = lines[i]!;
    const n = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(n, 'not valid JSON (a damaged or cut line)');
    }
    if (isChecksumLine(value)) {
      if (i !== count - 1) return fail(n, 'a checksum line before the end of the file');
      const expected = JSON.parse(hash.line()) as ChecksumLine;
      if (value.events !== expected.events) {
        return fail(n, `the checksum line counts ${value.events} events, the file has ${expected.events}`);
      }
      if (value.checksum !== expected.checksum) {
        return fail(
          n,
          'the checksum does not match the lines before it (a line was changed, added or removed)',
        );
      }
      return { ok: true, events };
    }
    const checked = validateEventsMessage({ events: [value] });
    if (!checked.ok) {
      const issue = checked.issues[0];
      return fail(
        n,
        `not a valid event: ${issue?.path.replace(/^events\[0\]\.?/, '') || 'event'} ${issue?.message}`,
      );
    }
    const event = checked.value.events[0]!;
    const previous = events[events.length - 1];
    if (previous && event.position !== previous.position + 1) {
      const what = event.position > previous.position ? 'a gap' : 'out of order';
      return fail(n, `position ${event.position} follows ${previous.position}: ${what}`, event.position);
    }
    // A whole-space export (from position 1) starts every stream at version 1.
    const fromStart = (events[0] ?? event).position === 1;
    const streamVersion = versions.get(event.streamId) ?? (fromStart ? 0 : undefined);
    if (streamVersion !== undefined && event.version !== streamVersion + 1) {
      const what =
        streamVersion === 0
          ? `stream "${event.streamId}" starts at version ${event.version}, not 1`
          : `stream "${event.streamId}" goes from version ${streamVersion} to ${event.version}`;
      return fail(n, what, event.position);
    }
    if (ids.has(event.id)) return fail(n, `id ${event.id} appears twice`, event.position);
    ids.add(event.id);
    versions.set(event.streamId, event.version);
    hash.add(text);
    events.push(event);
  }
  return fail(count + 1, 'the checksum line is missing (the file was cut short)');
}
