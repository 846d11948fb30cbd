/** One structured log record: a level, a message, and flat JSON fields. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

/** Where the server's records go. One call per request, plus one per server-side problem. */
export type Logger = (record: LogRecord) => void;

/**
 * The default: tests and embedders see nothing unless they ask.
 *
 * @example
 * const app = createSyncServer({ store, logger: process.env.LOG ? jsonLogger() : silentLogger });
 */
export const silentLogger: Logger = () => {};

/**
 * A logger writing one JSON line per record, with a `time` field first.
 *
 * @example
 * createSyncServer({ store, logger: jsonLogger() });
 * // {"time":"2025-01-31T12:00:00.000Z","level":"info","msg":"request","method":"POST","route":"/v1/spaces/:space/push","status":200,…}
 */
export function jsonLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  return (record) => {
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), ...record }, errorReplacer);
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: record.level, msg: record.msg });
    }
    write(line);
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
