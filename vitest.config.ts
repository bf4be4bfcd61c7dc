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
      // The widget's tests run in Chromium (web-test-runner.config.mjs, `npm run test:browser`).
      { ...sources, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], exclude: [...configDefaults.exclude, 'packages/widget/**'] } },
      {
        ...sources,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          // A fresh Postgres database per run, migrated once.
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
})
