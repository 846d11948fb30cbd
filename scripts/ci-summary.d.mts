/** A vitest JSON report, or a CI step's one-line stand-in for one. */
export interface TestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numFailedTestSuites?: number;
}
export function summarize(reports: readonly (TestReport | undefined)[]): { passed: number; failed: number };
