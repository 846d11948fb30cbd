import { describe, expect, it } from 'vitest';
import { needsFromArgs } from './test-needs.mjs';

describe('which services a test run needs', () => {
  it('needs Chromium and PostgreSQL for the whole suite', () => {
    expect(needsFromArgs([])).toEqual({ chromium: true, postgres: true });
  });

  it('follows --project, in both spellings and with globs', () => {
    expect(needsFromArgs(['--project', 'unit'])).toEqual({ chromium: false, postgres: false });
    expect(needsFromArgs(['--project=browser'])).toEqual({ chromium: true, postgres: false });
    expect(needsFromArgs(['--project', 'integration', '--project', 'unit'])).toEqual({
      chromium: false,
      postgres: true,
    });
    expect(needsFromArgs(['--project', 'b*'])).toEqual({ chromium: true, postgres: false });
  });

  it('needs nothing for unit test files named by path', () => {
    expect(needsFromArgs(['packages/core/src/fold.test.ts'])).toEqual({ chromium: false, postgres: false });
    expect(needsFromArgs(['packages/idb/src/idb-store.browser.test.ts']).chromium).toBe(true);
  });

  it('keeps everything for a filter that may match any test', () => {
    expect(needsFromArgs(['server'])).toEqual({ chromium: true, postgres: true });
  });

  it('does not read option values as filters or projects', () => {
    expect(
      needsFromArgs([
        '--project',
        'unit',
        '--reporter',
        'json',
        '--outputFile.json=/tmp/x.json',
        '-t',
        'browser',
      ]),
    ).toEqual({ chromium: false, postgres: false });
  });
});
