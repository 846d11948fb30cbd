import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';

// One root config, several projects, so `npm test` runs every suite and the JSON
// reporter (used by .ci/run) sums them all. Workspaces resolve each other to
// source through the `source` export condition: no build before tests.
const resolve = { conditions: ['source'] };
// Vite 6+ resolves Node-side (SSR) imports with `ssr.resolve.conditions`, not `resolve.conditions`;
// keep Vite's server defaults after `source`.
const ssr = { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } };

// Tests inside workerd (Cloudflare's runtime) through @cloudflare/vitest-pool-workers. The
// pool cannot run under @vitest/coverage-v8, so a coverage run leaves this project out.
const workerd: TestProjectConfiguration = {
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './packages/server/wrangler.test.toml' },
    }),
  ],
  resolve,
  ssr: {
    resolve: { conditions: ['source', 'workerd', 'worker', 'module', 'browser', 'development|production'] },
  },
  test: {
    name: 'workerd',
    include: ['packages/*/src/**/*.workerd.test.ts'],
  },
};
const coverage = process.argv.some((arg) => arg === '--coverage' || arg.startsWith('--coverage.'));

export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/src/**/*.test.tsx',
            'apps/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.tsx',
            'bench/**/*.test.ts',
            'test-utils/**/*.test.ts',
            'examples/**/*.test.ts',
            'scripts/*.test.ts',
          ],
          exclude: [
            '**/node_modules/**',
            '**/*.browser.test.ts',
            '**/*.pg.test.ts',
            '**/*.slow.test.ts',
            '**/*.workerd.test.ts',
          ],
          typecheck: {
            enabled: true,
            include: ['packages/*/src/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        // Tests against real PostgreSQL and long-running process tests (crash, races).
        resolve,
        ssr,
        test: {
          name: 'integration',
          environment: 'node',
          include: [
            'packages/*/src/**/*.pg.test.ts',
            'packages/*/src/**/*.slow.test.ts',
            'apps/*/src/**/*.slow.test.ts',
            'scripts/*.slow.test.ts',
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Real headless Chromium driven by playwright-core from Node.
        resolve,
        ssr,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['packages/*/src/**/*.browser.test.ts', 'apps/*/e2e/**/*.browser.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      ...(coverage ? [] : [workerd]),
    ],
  },
});
