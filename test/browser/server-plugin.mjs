// A web-test-runner plugin: the real Live Chat server for the widget's browser tests.
//
// serverStart creates a fresh, migrated Postgres database `live_chat_wtr_<hex>` and starts the
// app (createApp) on 127.0.0.1 with a free port, serving the widget's CDN build from
// packages/widget/cdn; serverStop closes it and drops the database. It reuses the server's own
// test harness (packages/server/test: createTestDatabase, startServer, Fixtures), loaded from
// TypeScript through tsx, so rows are made exactly as the server's tests make them.
//
// Tests reach it with `executeServerCommand` (see test/browser/helpers.ts):
//   'lc-server'                           → { url }
//   'lc-site' { settings?, agents?, allowedOrigins? }
//                                         → { siteId, url, identitySecret, agents: [{ email, password, agentId, name }] }
//     settings: widget settings to change (the dashboard's UpdateSiteSettings `widget` fields);
//     agents: how many agent users to create (default 0), each a member of the new site, all
//     'offline' until they connect; the first is the site's admin.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const here = path.dirname(fileURLToPath(import.meta.url))
let tsxRegistered = false

/** @param {{ widgetDir?: string }} [options] */
export function liveChatServer(options = {}) {
  const widgetDir = options.widgetDir ?? path.resolve(here, '../../packages/widget/cdn')
  /** @type {{ url: string, server: any, drop: () => Promise<void>, UpdateSiteSettings: any } | undefined} */
  let state

  async function start() {
    // TypeScript sources (the server's test harness) load in this Node process through tsx.
    // `npm run test:browser` runs Node with --conditions=source, so @live-chat/protocol is its
    // src/ too; without it (plain `npx web-test-runner`) it is the build in dist/.
    if (!tsxRegistered) register()
    tsxRegistered = true
    const { createTestDatabase } = await import('../../packages/server/test/global-setup.ts')
    const { startServer } = await import('../../packages/server/test/helpers.ts')
    const { openDatabase } = await import('../../packages/server/src/shared/db/index.ts')
    const { UpdateSiteSettings } = await import('@live-chat/protocol')
    const database = await createTestDatabase('live_chat_wtr')
    try {
      const db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
      const server = await startServer({ db, widgetDir })
      return { url: server.url, server, drop: database.drop, UpdateSiteSettings }
    } catch (e) {
      await database.drop()
      throw e
    }
  }

  async function createSite(payload = {}) {
    const { server, UpdateSiteSettings } = state
    const { settings, agents = 0, allowedOrigins } = payload
    const widget = settings ? UpdateSiteSettings.parse({ widget: settings }).widget : undefined
    const site = await server.fx.site({ ...(widget ? { widget } : {}), ...(allowedOrigins ? { allowedOrigins } : {}) })
    const made = []
    for (let i = 0; i < agents; i++) made.push(await server.fx.agent(site.id, { role: i === 0 ? 'admin' : 'agent' }))
    return {
      siteId: site.id,
      url: state.url,
      identitySecret: site.identitySecret,
      agents: made.map((a) => ({ email: a.email, password: a.password, agentId: a.id, name: a.name })),
    }
  }

  return {
    name: 'live-chat-server',
    async serverStart() {
      state = await start()
    },
    async serverStop() {
      if (!state) return
      const { server, drop } = state
      state = undefined
      try {
        await server.close()
      } finally {
        await drop()
      }
    },
    /** @param {{ command: string, payload?: any }} args */
    async executeCommand({ command, payload }) {
      if (command !== 'lc-server' && command !== 'lc-site') return undefined
      if (!state) throw new Error('the Live Chat test server is not running')
      if (command === 'lc-server') return { url: state.url }
      return createSite(payload ?? {})
    },
  }
}
