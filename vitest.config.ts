import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so
// tests need no build step.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/server/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Integration files each start their own server; two cores are shared with Postgres.
    maxWorkers: 3,
  },
})
