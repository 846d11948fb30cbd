import { describe, expect, it } from 'vitest';
import { bundleModules } from './test-bundle-modules.js';

/** Every module a page's bundle of `connectTidelog` parses, as paths from the repo root. */
const pageModules = async () =>
  (await bundleModules("export { connectTidelog } from '@tidelog/client/worker';")).parsed;

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
