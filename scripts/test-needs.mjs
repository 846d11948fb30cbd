// Which services a `vitest run` with these arguments needs, so that `npm test -- --project
// unit` (or a single unit test file) does not wait for Chromium or PostgreSQL.

/** The vitest projects of the root config, and what each needs. */
const PROJECTS = [
  { name: 'unit', chromium: false, postgres: false },
  { name: 'integration', chromium: false, postgres: true },
  { name: 'browser', chromium: true, postgres: false },
];

/** vitest options that take a value as the next argument (the ones that matter here). */
const TAKES_VALUE = new Set([
  '--project',
  '--reporter',
  '--outputFile',
  '--config',
  '-c',
  '--root',
  '-r',
  '--dir',
  '--testNamePattern',
  '-t',
  '--shard',
  '--pool',
  '--maxWorkers',
  '--minWorkers',
  '--testTimeout',
  '--hookTimeout',
  '--environment',
  '--mode',
  '--exclude',
]);

function globToRegExp(glob) {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** True when a file filter can only match unit test files. */
function unitOnly(filter) {
  return /\.test(-d)?\.ts$/.test(filter) && !/\.(browser|pg|slow)\.test\.ts$/.test(filter);
}

/**
 * What the tests selected by `args` need: `{ chromium, postgres }`.
 *
 * @example
 * needsFromArgs(['--project', 'unit']); // { chromium: false, postgres: false }
 * needsFromArgs([]); // { chromium: true, postgres: true }
 */
export function needsFromArgs(args) {
  const projects = [];
  const filters = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      const value = eq === -1 && TAKES_VALUE.has(name) ? args[++i] : arg.slice(eq + 1);
      if (name === '--project' && value !== undefined) projects.push(value);
      continue;
    }
    filters.push(arg);
  }
  let selected = PROJECTS;
  if (projects.length > 0) {
    const patterns = projects.map(globToRegExp);
    selected = PROJECTS.filter((p) => patterns.some((re) => re.test(p.name)));
  }
  if (filters.length > 0 && filters.every(unitOnly)) {
    selected = selected.filter((p) => p.name === 'unit');
  }
  return {
    chromium: selected.some((p) => p.chromium),
    postgres: selected.some((p) => p.postgres),
  };
}
