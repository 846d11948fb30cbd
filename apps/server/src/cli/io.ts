import type { Readable, Writable } from 'node:stream';

/** What a command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

/** Exit codes scripts can tell apart. */
export const EXIT = {
  ok: 0,
  /** The data is bad: verify found a fault, import refused the file. */
  bad: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The database could not be opened or failed. */
  failed: 3,
} as const;

/**
 * Write to a stream, waiting when its buffer is full, so a large export does not pile up
 * in memory when its reader is slow.
 *
 * @example
 * await write(process.stdout, 'a line\n');
 */
export async function write(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', done);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    stream.once('drain', done);
    stream.once('error', done);
  });
}

/** Progress on stderr every this many events. */
export const PROGRESS_EVERY = 10_000;
