import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Every module a page's bundle of `connectTidelog` parses, as paths from the repo root. */
async function pageModules(): Promise<string[]> {
  const result = await build({
    stdin: {
      contents: "export { connectTidelog } from '@tidelog/client/worker';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the page entry (connectTidelog)', () => {
  it('imports neither the runtime nor the sync loop nor protocol validation: they run in the worker', async () => {
    const modules = await pageModules();
    expect(modules).toContain('packages/client/src/worker/connect.ts');
    const heavy = modules.filter(
      (m) =>
        m.startsWith('packages/protocol/') ||
        m.startsWith('packages/idb/') ||
        (m.startsWith('packages/client/src/sync/') && m !== 'packages/client/src/sync/errors.ts') ||
        /^packages\/client\/src\/(runtime|stream-cache|projection-runner|process-runner|mailbox)\.ts$/.test(
          m,
        ) ||
        m.includes('node_modules/idb/'),
    );
    expect(heavy).toEqual([]);
  });
});
