import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every bare module specifier reachable from `entry` through relative imports. */
function packagesImportedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g,
    )) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe('entry points', () => {
  it('the main entry loads neither better-sqlite3, nor postgres, nor threads', () => {
    const imported = packagesImportedFrom(join(src, 'index.ts'));
    expect(imported.size).toBeGreaterThan(0);
    for (const heavy of ['better-sqlite3', 'postgres', 'node:worker_threads'])
      expect(imported).not.toContain(heavy);
  });

  it('each store subpath brings its own driver', () => {
    expect(packagesImportedFrom(join(src, 'store/sqlite/index.ts'))).toContain('better-sqlite3');
    expect(packagesImportedFrom(join(src, 'store/postgres/index.ts'))).toContain('postgres');
  });
});
