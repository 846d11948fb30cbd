import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { sigkillMidLoad, sigtermMidLoad } from './testing/crash-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('apps/server on SQLite, as a child process', () => {
  it('SIGKILL mid-load: every acknowledged event survives, nothing twice, positions gapless', async () => {
    await sigkillMidLoad({ TIDELOG_DB: join(dir, 'kill.sqlite') });
  });

  it('SIGTERM mid-load: in-flight pushes finish, the store closes, exit 0', async () => {
    await sigtermMidLoad({ TIDELOG_DB: join(dir, 'term.sqlite') });
  });
});
