import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';

// The packages as npm would publish them: built (`npm run build`), linted by publint and
// @arethetypeswrong/cli, packed without test files, and depending on exactly what their
// shipped code imports. Slow (a full build), so it runs with the integration tests.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

interface PackageJson {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = readdirSync(packagesDir)
  .map((dir) => ({ dir: join(packagesDir, dir), pkg: readJson(join(packagesDir, dir, 'package.json')) }))
  .filter((p): p is { dir: string; pkg: PackageJson } => p.pkg !== undefined && !p.pkg.private);

function readJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The files `npm pack` would put in the tarball, relative to the package. */
function packedFiles(dir: string): string[] {
  const r = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], dir);
  if (r.status !== 0) throw new Error(`npm pack failed in ${dir}: ${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return report!.files.map((f) => f.path).sort();
}

const BUILTINS = new Set(builtinModules);

/** The npm packages a shipped file imports (bare specifiers, reduced to the package name; comments skipped). */
function importedPackages(source: string): string[] {
  const names: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const match of code.matchAll(pattern)) {
    const specifier = match[1] ?? match[2]!;
    if (specifier.startsWith('.') || specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
    const parts = specifier.split('/');
    names.push(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  return names;
}

beforeAll(() => {
  // `npm run build` for the packages only (apps are not published): turbo, in dependency
  // order, cached when nothing changed.
  const turbo = join(root, 'node_modules', '.bin', 'turbo');
  const r = run(turbo, ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], root);
  if (r.status !== 0) throw new Error(`the package build failed:\n${r.stdout}\n${r.stderr}`);
}, 600_000);

describe.each(packages)('$pkg.name as published', ({ dir, pkg }) => {
  let files: string[] = [];

  beforeAll(() => {
    files = packedFiles(dir);
  });

  it('ships its build with declarations for every entry', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('README.md');
  });

  it('ships no tests, fixtures or browser-test pages', () => {
    const offenders = files.filter(
      (f) =>
        /\.test(-d)?\.tsx?$/.test(f) ||
        /\.test\.(js|d\.ts)$/.test(f) ||
        /(^|\/)browser-test\//.test(f) ||
        /(^|\/)test-[^/]*$/.test(f) ||
        /(^|\/)fixtures?\//.test(f) ||
        /process-test-stores/.test(f),
    );
    expect(offenders).toEqual([]);
  });

  it('passes publint (strict)', async () => {
    const { messages, pkg: manifest } = await publint({ pkgDir: dir, strict: true, pack: 'npm' });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`)).toEqual([]);
  });

  it('passes @arethetypeswrong/cli for ESM consumers (node16 and bundlers)', () => {
    const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const r = run(
      process.execPath,
      [attw, '--pack', dir, '--profile', 'esm-only', '--format', 'ascii'],
      root,
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('depends on exactly the packages its shipped code imports', () => {
    const imported = new Set<string>();
    const self = pkg.name;
    // Declarations count: a type a public signature names must resolve for the consumer too.
    for (const file of files.filter((f) => f.startsWith('dist/') && /\.(js|d\.ts)$/.test(f))) {
      for (const name of importedPackages(readFileSync(join(dir, file), 'utf8'))) {
        if (name !== self) imported.add(name);
      }
    }
    const declared = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    expect({ undeclared: [...imported].filter((n) => !declared.has(n)).sort() }).toEqual({ undeclared: [] });
    expect({ unused: [...declared].filter((n) => !imported.has(n)).sort() }).toEqual({ unused: [] });
  });
});
