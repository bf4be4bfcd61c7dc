import { configDefaults, defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so
// tests need no build step.
const sources = {
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
}

export default defineConfig({
  ...sources,
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Integration files each start their own server; two cores are shared with Postgres.
    maxWorkers: 3,
    projects: [
      // The widget's and the dashboard's tests run in Chromium (web-test-runner.config.mjs, `npm run test:browser`).
      { ...sources, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], exclude: [...configDefaults.exclude, 'packages/widget/**', 'packages/dashboard/**'] } },
      {
        ...sources,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'packages/server/test/chaos/**'],
          // A fresh Postgres database per run, migrated once.
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
      // Faults with real processes (`npm run test:chaos`): kill -9 of one of three server
      // processes, a Postgres restart (a private cluster), SIGTERM during a burst. One file at a
      // time: each runs several processes on a small machine.
      {
        ...sources,
        test: {
          name: 'chaos',
          include: ['packages/server/test/chaos/**/*.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
      // End to end in Chromium through the built widget and dashboard (`npm run test:e2e`, after
      // the build): not part of a bare `vitest run --project unit --project integration`.
      {
        ...sources,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
