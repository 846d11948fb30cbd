import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the @tidelog/react bundle', () => {
  it('adds nothing but its own modules to a page: React stays the app’s, Tidelog is only types', async () => {
    const result = await build({
      stdin: { contents: "export * from '@tidelog/react';", resolveDir: root, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['source'],
      external: ['react', 'react/jsx-runtime'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const modules = Object.keys(result.metafile.inputs).filter((m) => m !== '<stdin>');
    expect(modules.length).toBeGreaterThan(3);
    expect(modules.filter((m) => !m.startsWith('packages/react/src/'))).toEqual([]);
    const imports = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]!]!.imports;
    expect(new Set(imports.map((i) => i.path))).toEqual(new Set(['react', 'react/jsx-runtime']));
  });
});
