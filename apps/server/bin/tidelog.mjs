#!/usr/bin/env node
// `npx tidelog …`: runs apps/server/src/cli/bin.ts from its TypeScript source through tsx,
// with the `source` export condition (workspace packages from source), so no build is
// needed. Stdio is passed through; the exit code and signals are passed on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
// tsx as this package resolves it, so the command works from any directory.
const tsx = import.meta.resolve('tsx');
const child = spawn(
  process.execPath,
  ['--conditions=source', '--import', tsx, entry, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
