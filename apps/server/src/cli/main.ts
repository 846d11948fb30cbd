import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isStreamName } from '@tidelog/protocol';
import { type CliDatabase, openDatabase } from './database.js';
import { exportSpace } from './export.js';
import { HELP } from './help.js';
import { importEvents } from './import.js';
import { type CliIo, EXIT } from './io.js';
import { checkExportLines } from './jsonl.js';
import { verifySpace } from './verify.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  space: { type: 'string' },
  after: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  schema: { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean' },
  consumer: { type: 'string' },
  retry: { type: 'string' },
} as const;

/** What each command accepts besides --help and the database options. */
const ACCEPTS = new Map<string, readonly string[]>([
  ['export', ['space', 'after']],
  ['import', ['space']],
  ['verify', ['space', 'file']],
  ['stats', ['json']],
  ['dead-letters', ['consumer', 'retry', 'json']],
]);

class UsageError extends Error {}

async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Run the `tidelog` CLI with `argv` (without node and the script) and return its exit code.
 *
 * @example
 * const code = await runCli(['export', '--space', 'team-1'], { stdin, stdout, stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const say = (text: string) => io.stderr.write(`${text}\n`);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(`${HELP.main}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const accepts = ACCEPTS.get(command);
  if (!accepts) {
    say(`tidelog: unknown command "${command}"\n\n${HELP.main}`);
    return EXIT.usage;
  }
  const help = HELP[command as keyof typeof HELP];
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: false }));
    if (values.help) {
      io.stdout.write(`${help}\n`);
      return EXIT.ok;
    }
    const common = ['help', 'db', 'database-url', 'schema'];
    for (const key of Object.keys(values)) {
      if (!common.includes(key) && !accepts.includes(key))
        throw new UsageError(`--${key} is not an option of ${command}`);
    }
    if (values.db && values['database-url']) throw new UsageError('give --db or --database-url, not both');
    if (values.space !== undefined && !isStreamName(values.space)) {
      throw new UsageError('--space must be 1-200 characters of [A-Za-z0-9._:@/-]');
    }
    if ((command === 'export' || command === 'import') && values.space === undefined) {
      throw new UsageError('--space is required');
    }
    if (values.after !== undefined && !/^\d+$/.test(values.after)) {
      throw new UsageError('--after must be a non-negative integer');
    }
    if (values.retry !== undefined && !/^[1-9]\d*$/.test(values.retry)) {
      throw new UsageError('--retry must be a dead letter id (a positive integer)');
    }
  } catch (error) {
    say(`tidelog ${command}: ${(error as Error).message}\n\n${help}`);
    return EXIT.usage;
  }

  if (command === 'verify' && values.file !== undefined) {
    const input = values.file === '-' ? io.stdin : createReadStream(values.file);
    let text: string;
    try {
      text = await readAll(input);
    } catch (error) {
      say(`tidelog verify: cannot read ${values.file}: ${(error as Error).message}`);
      return EXIT.failed;
    }
    const check = checkExportLines(text.split('\n'));
    if (!check.ok) {
      const at = check.fault.position === undefined ? '' : ` (position ${check.fault.position})`;
      say(`tidelog verify: ${values.file}: line ${check.fault.line}${at}: ${check.fault.message}`);
      return EXIT.bad;
    }
    io.stdout.write(`ok: ${check.events.length} events, checksum matches\n`);
    return EXIT.ok;
  }

  let db: CliDatabase;
  try {
    const flags = { db: values.db, databaseUrl: values['database-url'], schema: values.schema };
    db = await openDatabase(flags, io.env, { create: command === 'import' });
  } catch (error) {
    say(`tidelog ${command}: ${(error as Error).message}`);
    return EXIT.failed;
  }
  try {
    return await runCommand(command, db, values, io);
  } catch (error) {
    say(`tidelog ${command}: ${(error as Error).message}`);
    return EXIT.failed;
  } finally {
    await db.close();
  }
}

async function runCommand(
  command: string,
  db: CliDatabase,
  values: {
    space?: string | undefined;
    after?: string | undefined;
    json?: boolean | undefined;
    consumer?: string | undefined;
    retry?: string | undefined;
  },
  io: CliIo,
): Promise<number> {
  const say = (text: string) => io.stderr.write(`${text}\n`);
  switch (command) {
    case 'export': {
      const count = await exportSpace(db, values.space!, Number(values.after ?? 0), io);
      say(`tidelog export: ${count} events of space "${values.space}" from ${db.description}`);
      return EXIT.ok;
    }
    case 'import': {
      const check = checkExportLines((await readAll(io.stdin)).split('\n'));
      if (!check.ok) {
        const at = check.fault.position === undefined ? '' : ` (position ${check.fault.position})`;
        say(
          `tidelog import: refused, nothing written: line ${check.fault.line}${at}: ${check.fault.message}`,
        );
        return EXIT.bad;
      }
      const result = await importEvents(db, values.space!, check.events, io);
      if (!result.ok) {
        say(`tidelog import: refused: ${result.message}`);
        return EXIT.bad;
      }
      say(
        `tidelog import: ${result.imported} events imported, ${result.present} already there, into space "${values.space}" of ${db.description}`,
      );
      return EXIT.ok;
    }
    case 'verify': {
      const spaces = values.space === undefined ? await db.spaces() : [values.space];
      let faults = 0;
      for (const space of spaces) {
        const fault = await verifySpace(db, space, io);
        if (fault) {
          faults++;
          say(`tidelog verify: space "${space}": first bad position ${fault.position}: ${fault.message}`);
        }
      }
      io.stdout.write(
        `${faults === 0 ? 'ok' : 'FAULTS'}: ${spaces.length} spaces checked, ${faults} with faults\n`,
      );
      return faults === 0 ? EXIT.ok : EXIT.bad;
    }
    case 'dead-letters': {
      const consumers = await db.consumers();
      if (values.retry !== undefined) {
        if (!(await consumers.requestRetry(Number(values.retry)))) {
          say(`tidelog dead-letters: no dead letter ${values.retry}`);
          return EXIT.bad;
        }
        io.stdout.write(
          `retry of dead letter ${values.retry} requested: the process driving its consumer picks it up\n`,
        );
        return EXIT.ok;
      }
      const letters = await consumers.deadLetters(values.consumer);
      if (values.json) io.stdout.write(`${JSON.stringify(letters)}\n`);
      else {
        const lines = letters.map(
          (l) =>
            `${l.id}  ${l.consumer}  ${l.space}  positions ${l.fromPosition}-${l.toPosition}  ${l.attempts} attempts  ${l.error.code}: ${l.error.message}  ${l.parkedAt}${l.retryRequested ? '  (retry requested)' : ''}`,
        );
        io.stdout.write(`${letters.length} dead letters\n${lines.map((l) => `${l}\n`).join('')}`);
      }
      return EXIT.ok;
    }
    default: {
      const stats = await db.stats();
      if (values.json) {
        io.stdout.write(`${JSON.stringify(stats)}\n`);
        return EXIT.ok;
      }
      const total = stats.spaces.reduce((n, s) => n + s.events, 0);
      const lines = [
        `database: ${db.description}`,
        `size: ${stats.sizeBytes} bytes`,
        `spaces: ${stats.spaces.length}, events: ${total}`,
        ...stats.spaces.map((s) => `  ${s.space}: ${s.events} events, ${s.streams} streams, head ${s.head}`),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    }
  }
}
