/** What the tests selected by a vitest command line need from the machine. */
export interface TestNeeds {
  chromium: boolean;
  postgres: boolean;
}
export function needsFromArgs(args: readonly string[]): TestNeeds;
