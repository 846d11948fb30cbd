import { type ChildProcess, spawn } from 'node:child_process';
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
  { via = 'source', startTimeoutMs = 60_000 }: { via?: 'source' | 'npm-start'; startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const args =
    via === 'npm-start'
      ? [join(repoRoot, 'scripts', 'start.mjs')]
      : ['--conditions=source', '--import', 'tsx', join(repoRoot, 'apps', 'server', 'src', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TIDELOG_TOKENS: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return; // not one of ours
      }
      records.push(record);
      if (record.msg === 'listening') {
        clearTimeout(timer);
        resolve({ url: String(record.url), child, records, exited, kill: (signal) => child.kill(signal) });
      }
    });
  });
}
