import { describe, expect, it } from 'vitest';
import { summarize } from './ci-summary.mjs';

describe('the summary line of .ci/run', () => {
  it('sums every report', () => {
    expect(
      summarize([
        { numPassedTests: 700, numFailedTests: 2, numFailedTestSuites: 0 },
        { numPassedTests: 1, numFailedTests: 0 },
        { numPassedTests: 0, numFailedTests: 1 },
      ]),
    ).toEqual({ passed: 701, failed: 3 });
  });

  it('counts a file that failed to load as a failure', () => {
    expect(summarize([{ numPassedTests: 5, numFailedTests: 0, numFailedTestSuites: 1 }])).toEqual({
      passed: 5,
      failed: 1,
    });
  });

  it('counts a missing report (a run that stopped before its tests) as a failure', () => {
    expect(summarize([undefined])).toEqual({ passed: 0, failed: 1 });
  });
});
