import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('@tidelog/core', () => {
  it('depends on immer and nothing else at run time', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['immer']);
    // `@tidelog/core/testing` runs the conformance suite with vitest: an optional peer, never
    // installed for or loaded by the main entry.
    expect(pkg.peerDependencies).toEqual({ vitest: expect.any(String) });
    expect(pkg.peerDependenciesMeta).toEqual({ vitest: { optional: true } });
  });

  it('imports nothing but immer and its own files from its source', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = new URL('.', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.includes('.test') && !f.startsWith('testing'),
    );
    const imports = files.flatMap((f) =>
      [...readFileSync(new URL(f, dir), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!),
    );
    expect(imports.filter((i) => !i.startsWith('.') && i !== 'immer')).toEqual([]);
  });
});
