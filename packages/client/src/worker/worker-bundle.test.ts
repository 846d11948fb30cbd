import { describe, expect, it } from 'vitest';
import { bundleModules } from './test-bundle-modules.js';

/** Every module with code in a worker's bundle of this source (after tree shaking), as paths from the repo root. */
const workerModules = async (contents: string) => (await bundleModules(contents)).shipped;

/** What only apps that ask for it ship (bench/bundle-size measures the rest). */
const OPTIONAL = [
  'packages/core/src/memory-event-store.ts',
  'packages/client/src/process/process-runner.ts',
  'packages/client/src/process/process-reaction.ts',
  'packages/protocol/src/push-fast.ts',
];

describe('a worker without process managers or a memory fallback', () => {
  const imports = `
    import { createTidelog } from '@tidelog/client';
    import { serveTidelog } from '@tidelog/client/worker';
    import { openIdbEventStore } from '@tidelog/idb';
    import { defineProcessManager, withMemoryFallback } from '@tidelog/client';
  `;

  it('ships neither the memory store, nor the process-manager runner, nor the push quick pass', async () => {
    const modules = await workerModules(`${imports}
      serveTidelog(({ sync }) =>
        createTidelog({ aggregates: [], store: () => openIdbEventStore({ name: 'app' }), sync }),
      );`);
    expect(modules).toContain('packages/client/src/runtime.ts');
    expect(modules.filter((m) => OPTIONAL.includes(m))).toEqual([]);
  });

  it('ships the memory store and the runner once the app asks for them', async () => {
    const modules = await workerModules(`${imports}
      const Echo = defineProcessManager({ name: 'echo', events: {} });
      serveTidelog(({ sync }) =>
        createTidelog({
          aggregates: [],
          processManagers: [Echo],
          store: withMemoryFallback(() => openIdbEventStore({ name: 'app' })),
          sync,
        }),
      );`);
    expect(modules).toEqual(expect.arrayContaining(OPTIONAL.slice(0, 3)));
  });
});
