import { PassThrough, Readable } from 'node:stream';
import { uuidv7 } from '@tidelog/core';
import type { PushedEvent } from '@tidelog/server';
import type { CliIo } from './io.js';
import { runCli } from './main.js';

/** Run the CLI in this process with `input` on stdin; collect stdout and stderr (tests only). */
export async function cli(
  args: string[],
  input = '',
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIo = { stdin: Readable.from([input]), stdout, stderr, env };
  const code = await runCli(args, io);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const meta = { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'cli-test' };

/** Events of `streams` streams, interleaved: a, b, c, a, b, c, … (`count` in all). */
export function interleaved(count: number, streams = 3): PushedEvent[][] {
  const pushes: PushedEvent[][] = [];
  for (let i = 0; i < count; i++) {
    const stream = `stream-${i % streams}`;
    const version = Math.floor(i / streams) + 1;
    const data = { i, text: `é "quoted" \\ ${i}`, nested: { list: [i, null, true] } };
    pushes.push([
      { id: uuidv7(), streamId: stream, version, type: 'happened', schemaVersion: 1, data, meta },
    ]);
  }
  return pushes;
}
