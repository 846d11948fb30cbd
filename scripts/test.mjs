// `npm test [-- vitest arguments]`: make sure what the selected tests need is there, then
// run vitest with the arguments as given. The browser suites need Chromium and the
// integration suites need PostgreSQL; where this machine can provide them (root with apt,
// a local cluster that is installed but stopped) this script does, and where it cannot it
// stops before any test with one line saying what to install or set.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsFromArgs } from './test-needs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const needs = needsFromArgs(args);

/** Stop before any test with one clear line. */
function stop(message) {
  console.error(`npm test: ${message}`);
  process.exit(1);
}

function log(message) {
  console.log(`npm test: ${message}`);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command, commandArgs, options = {}) {
  return spawnSync(command, commandArgs, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
}

function canApt() {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function ensureChromium() {
  const configured = process.env.CHROMIUM_PATH;
  const path = configured ?? '/usr/bin/chromium';
  if (isExecutable(path)) return;
  if (configured) stop(`CHROMIUM_PATH=${configured} is not an executable; point it at a Chromium binary`);
  if (!canApt()) {
    stop(`Chromium is missing at ${path}: install Debian's "chromium" package or set CHROMIUM_PATH`);
  }
  log(`installing Debian's chromium (${path} is missing)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const updated = run('apt-get', ['update', '-qq'], { env });
  const installed =
    updated.status === 0 ? run('apt-get', ['install', '-y', '-qq', 'chromium'], { env }) : updated;
  if (installed.status !== 0 || !isExecutable(path)) {
    stop(`could not install chromium with apt-get: install it by hand or set CHROMIUM_PATH`);
  }
}

/** Start the machine's PostgreSQL cluster(s) when they are installed but down. */
function startLocalPostgres() {
  if (!existsSync('/etc/postgresql') || !existsSync('/usr/bin/pg_ctlcluster')) return false;
  let started = false;
  for (const version of readdirSync('/etc/postgresql')) {
    const r = run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
    started ||= r.status === 0;
  }
  return started;
}

async function ensurePostgres() {
  const { checkDatabase, DEFAULT_DATABASE_URL } = await import('./test-database.mjs');
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  let result = await checkDatabase(url);
  if (result.kind === 'unreachable' && result.local && !process.env.DATABASE_URL) {
    if (startLocalPostgres()) {
      log('started the local PostgreSQL cluster');
      result = await checkDatabase(url, { waitMs: 30_000 });
    }
  }
  if (result.kind === 'ok') return;
  if (result.kind === 'unreachable') {
    stop(`PostgreSQL is not answering at ${result.where}: install and start PostgreSQL, or set DATABASE_URL`);
  }
  stop(`PostgreSQL at ${result.where} refused the tests (${result.message}): fix it or set DATABASE_URL`);
}

if (needs.chromium) ensureChromium();
if (needs.postgres) await ensurePostgres();

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
