// Browser tests of the widget and the dashboard (`npm run test:browser`): packages/{widget,dashboard}/src/**/*.test.ts run in
// headless Chromium against the real server (test/browser/server-plugin.mjs).
// Tests import the TypeScript sources (the "source" export condition of the workspace packages,
// compiled per file by esbuild), so they need no build; only the CDN-loader tests need the
// bundles in packages/widget/cdn, which `npm run test:browser` builds first.
import { chromeLauncher } from '@web/test-runner-chrome'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { liveChatServer } from './test/browser/server-plugin.mjs'

export default {
  files: ['packages/widget/src/**/*.test.ts', 'packages/dashboard/src/**/*.test.ts'],
  // `browser` picks socket.io-client's browser build (without it: Node's `ws`, "require is not
  // defined"); `source` maps @live-chat/sdk and @live-chat/protocol to their src/*.ts.
  nodeResolve: { browser: true, exportConditions: ['source', 'browser'] },
  plugins: [
    // tsconfig: the widget's class-field setting (useDefineForClassFields: false) for Lit.
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/widget/tsconfig.test.json' }),
    liveChatServer(),
  ],
  browsers: [
    chromeLauncher({
      // Each page in its own browser context: pages running at the same time do not share
      // localStorage or cookies (the widget keeps its visitor token there). A page is reused by
      // later test files, so a file that needs a fresh visitor clears localStorage itself.
      createPage: async ({ browser }) => (await browser.createBrowserContext()).newPage(),
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  // Every test file talks to the one server process; two pages at a time keep two cores busy.
  concurrency: 2,
  testFramework: { config: { timeout: 20_000 } },
  // Per test file (wtr's default is 2 min): room for a file of slow tests to report each failure.
  testsFinishTimeout: 180_000,
  staticLogging: Boolean(process.env.CI),
}
