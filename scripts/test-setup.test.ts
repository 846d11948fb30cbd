import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), 'test.mjs');

/** Run `npm test`'s script with these arguments and environment overrides. */
function npmTest(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('npm test stops before any test when the machine lacks something', () => {
  it('names CHROMIUM_PATH when the browser it points at does not exist', () => {
    const r = npmTest(['--project', 'browser'], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'npm test: CHROMIUM_PATH=/nonexistent/chromium is not an executable; point it at a Chromium binary',
    ]);
    expect(r.stdout).not.toContain('RUN');
  });

  it('names DATABASE_URL when PostgreSQL does not answer there', () => {
    // Port 1 is reserved (tcpmux) and nothing listens on it here: the connection is refused.
    const r = npmTest(['--project', 'integration'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'npm test: PostgreSQL is not answering at 127.0.0.1:1/test: install and start PostgreSQL, or set DATABASE_URL',
    ]);
    expect(r.stdout).not.toContain('RUN');
  });

  it('passes its arguments on to vitest when nothing is missing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tidelog-npm-test-')), 'results.json');
    const r = npmTest(
      ['--project', 'unit', 'scripts/test-needs.test.ts', '--reporter=json', `--outputFile.json=${out}`],
      {},
    );
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.numPassedTests).toBeGreaterThan(0);
    expect(results.testResults.map((t: { name: string }) => t.name)).toEqual([
      expect.stringMatching(/scripts\/test-needs\.test\.ts$/),
    ]);
  });
});
