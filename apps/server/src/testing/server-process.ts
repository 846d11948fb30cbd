import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** apps/server running as a child process (tests only). */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Every JSON log record it printed so far. */
  records: Record<string, unknown>[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Start apps/server on an ephemeral port, from its sources through tsx (`via: 'source'`)
 * or exactly as `npm start` does (`via: 'npm-start'`: esbuild bundle, then node); resolves
 * once it logs that it is listening.
 *
 * @example
 * const server = await spawnServer({ TIDELOG_DB: '/tmp/x.sqlite' });
 * server.kill('SIGKILL');
 * await server.exited;
 */
export function spawnServer(
  env: Record<string, string>,
  {
    via = 'source',
    startTimeoutMs = 60_000,
    logFile,
  }: {
    via?: 'source' | 'npm-start';
    startTimeoutMs?: number;
    /**
     * Write the server's log lines to this file instead of reading them here (`records`
     * then holds only the lines up to 'listening'): a pipe this process reads late would
     * block the server's writes, so load tests keep it off the pipe.
     */
    logFile?: string;
  } = {},
): Promise<ServerProcess> {
  const args =
    via === 'npm-start'
      ? [join(repoRoot, 'scripts', 'start.mjs')]
      : ['--conditions=source', '--import', 'tsx', join(repoRoot, 'apps', 'server', 'src', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TIDELOG_TOKENS: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', logFile === undefined ? 'pipe' : openSync(logFile, 'w'), 'pipe'],
  });
  const records: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apps/server did not start within ${startTimeoutMs} ms\n${stderr}`));
    }, startTimeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `apps/server exited before listening (${code ?? signal})\n${stderr}\n${JSON.stringify(records)}`,
        ),
      );
    });
    let listening = false;
    const onLine = (line: string) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not one of ours
      }
      records.push(record);
      if (record.msg === 'listening' && !listening) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: String(record.url), child, records, exited, kill: (signal) => child.kill(signal) });
      }
    };
    if (logFile === undefined) {
      createInterface({ input: child.stdout! }).on('line', onLine);
      return;
    }
    // Read the file as it grows until the server says it listens, then stop watching it.
    let read = 0;
    const watcher = watch(logFile, () => {
      const text = readFileSync(logFile, 'utf8');
      const end = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(read, end).split('\n')) if (line) onLine(line);
      read = end;
      if (listening) watcher.close();
    });
    void exited.then(() => watcher.close());
  });
}
