/**
 * The `tidelog` command: apps/server/bin/tidelog.mjs runs this file through tsx.
 */
import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// Let stdout drain (a pipe may still hold the export's tail), then exit with the code.
process.stdout.write('', () => process.exit(code));
