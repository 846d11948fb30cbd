// `node scripts/ci-summary.mjs <result.json>...`: the one summary line of .ci/run,
// `tests: N passed, M failed`, summed over vitest JSON reports and CI steps (a step
// writes `{ "numPassedTests": 1 }` or `{ "numFailedTests": 1 }`). A report that is missing
// or unreadable counts as one failure: a run that stopped before its tests must not
// look green.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Sum passed and failed tests over reports (parsed JSON, or `undefined` for one that
 * could not be read). Failed suites (a file that did not load) count as failures.
 *
 * @example
 * summarize([{ numPassedTests: 3, numFailedTests: 1 }, undefined]); // { passed: 3, failed: 2 }
 */
export function summarize(reports) {
  let passed = 0;
  let failed = 0;
  for (const report of reports) {
    if (report === undefined || typeof report !== 'object' || report === null) {
      failed += 1;
      continue;
    }
    passed += Number(report.numPassedTests) || 0;
    failed += (Number(report.numFailedTests) || 0) + (Number(report.numFailedTestSuites) || 0);
  }
  return { passed, failed };
}

function readReport(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { passed, failed } = summarize(process.argv.slice(2).map(readReport));
  console.log(`tests: ${passed} passed, ${failed} failed`);
}
