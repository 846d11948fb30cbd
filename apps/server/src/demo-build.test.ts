import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBuildState } from '../../../scripts/build-demo.mjs';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, at: number) => {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, 'x');
  utimesSync(file, at, at);
};

describe('npm start builds the demo only when it must', () => {
  it('tells a missing, a stale and a fresh build apart', () => {
    root = mkdtempSync(join(tmpdir(), 'tidelog-demo-build-'));
    write('apps/demo/src/main.tsx', 1000);
    write('packages/client/src/runtime.ts', 1000);
    expect(demoBuildState(root)).toBe('missing');
    write('apps/demo/dist/index.html', 2000);
    expect(demoBuildState(root)).toBe('fresh');
    // A package the demo bundles from source changed after the build.
    write('packages/client/src/runtime.ts', 3000);
    expect(demoBuildState(root)).toBe('stale');
    write('apps/demo/dist/index.html', 4000);
    expect(demoBuildState(root)).toBe('fresh');
    // Dependencies and other builds do not count.
    write('apps/demo/node_modules/x/index.js', 5000);
    write('packages/react/dist/index.js', 5000);
    expect(demoBuildState(root)).toBe('fresh');
    write('apps/demo/index.html', 5000);
    expect(demoBuildState(root)).toBe('stale');
  });
});
