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
//   'lc-receiver' { status? }            → { id, url }: a real HTTP receiver (for webhooks) on
//     127.0.0.1 that answers every request with `status` (default 200) and records it
//   'lc-received' { id }                 → { requests: [{ method, headers, body }] } it recorded
//   'lc-agency' { sites?, members?, domains? }
//                                         → { agencyId, agencyName, url, owner: { email, password, userId, name },
//     sites: [{ siteId, name }], members: [{ email, password, userId, name, agentId }] }: a new agency
//     with its owner (an admin of every site, as the app makes them), `sites` sites (default 1) with
//     `domains` as allowed origins, and `members` agency members (default 0), each an agent of the
//     first site
//   'lc-conversation' { siteId, conversationId, createdAt?, missedAt? }
//                                         → { ok: true }: moves a conversation's start into the
//     past or marks it missed (ISO times; missedAt null clears it), as history would have made it
//   'lc-mail-server'                      → { url }: a second app on the same database (a second
//     server process, as in production) that sends its email to a real local SMTP server; for
//     flows that need email (password reset, invitations by email). Started once.
//   'lc-mail' { to }                      → { mails: [{ subject, text, html }] }: what that SMTP
//     server received for `to`, oldest first
//   'lc-setup-server'                     → { url, link }: a new app on a new, empty database (no
//     account, as a fresh production install) and a setup link `/dashboard/#setup/<token>` made
//     as the server makes the one it prints at start
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import crypto from 'node:crypto'
import { register } from 'tsx/esm/api'

const here = path.dirname(fileURLToPath(import.meta.url))
let tsxRegistered = false

/** @param {{ widgetDir?: string }} [options] */
export function liveChatServer(options = {}) {
  const widgetDir = options.widgetDir ?? path.resolve(here, '../../packages/widget/cdn')
  /** @type {{ url: string, server: any, drop: () => Promise<void>, UpdateSiteSettings: any, hashPassword: (p: string) => Promise<string>, databaseUrl: string } | undefined} */
  let state
  /** @type {Map<string, { server: http.Server, requests: { method: string, headers: object, body: string }[] }>} */
  const receivers = new Map()

  async function startReceiver({ status = 200 } = {}) {
    const requests = []
    const server = http.createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        requests.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status))
      })
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    const id = String(receivers.size + 1)
    receivers.set(id, { server, requests })
    return { id, url: `http://127.0.0.1:${server.address().port}/hook` }
  }

  async function setConversation({ siteId, conversationId, createdAt, missedAt }) {
    const data = {
      ...(createdAt ? { createdAt: new Date(createdAt) } : {}),
      ...(missedAt !== undefined ? { missedAt: missedAt === null ? null : new Date(missedAt) } : {}),
    }
    await state.server.db.inSite(siteId, (tx) => tx.conversation.update({ where: { id: conversationId }, data }))
    return { ok: true }
  }

  /** @type {Promise<{ url: string, server: any, smtp: any }> | undefined} */
  let mail
  /** @type {{ server: any, drop: () => Promise<void> }[]} */
  const setupServers = []

  // The receivers ('lc-receiver') listen on 127.0.0.1: both apps on the shared database send webhooks, so both may reach it.
  const webhooks = { allowedNetworks: ['127.0.0.1/32'] }

  async function startMailServer() {
    const { startSmtp } = await import('../../packages/server/test/smtp.ts')
    const { startServer } = await import('../../packages/server/test/helpers.ts')
    const { openDatabase } = await import('../../packages/server/src/shared/db/index.ts')
    const smtp = await startSmtp()
    const db = await openDatabase({ url: state.databaseUrl, migrate: false, poolSize: 3 })
    const server = await startServer({ db, widgetDir, webhooks, mail: { smtpUrl: smtp.url, from: 'Live Chat <chat@example.test>' } })
    return { url: server.url, server, smtp }
  }

  async function startSetupServer() {
    const { createTestDatabase } = await import('../../packages/server/test/global-setup.ts')
    const { startServer } = await import('../../packages/server/test/helpers.ts')
    const { openDatabase } = await import('../../packages/server/src/shared/db/index.ts')
    const database = await createTestDatabase('live_chat_wtr_setup')
    const db = await openDatabase({ url: database.url, migrate: false, poolSize: 3 })
    const server = await startServer({ db, widgetDir })
    setupServers.push({ server, drop: database.drop })
    const token = await server.services.setup.issue()
    return { url: server.url, link: `${server.url}/dashboard/#setup/${token}` }
  }

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
    const { hashPassword } = await import('../../packages/server/src/shared/auth.ts')
    const database = await createTestDatabase('live_chat_wtr')
    try {
      const db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
      const server = await startServer({ db, widgetDir, webhooks })
      return { url: server.url, server, drop: database.drop, UpdateSiteSettings, hashPassword, databaseUrl: database.url }
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

  const PASSWORD = 'correct horse battery staple'
  /** @type {Promise<string> | undefined} */
  let passwordHash

  async function createAgency(payload = {}) {
    const { server, hashPassword } = state
    const { sites = 1, members = 0, domains = [] } = payload
    const db = server.db
    const tag = crypto.randomBytes(3).toString('hex')
    passwordHash ??= hashPassword(PASSWORD)
    const agency = await db.prisma.agency.create({ data: { name: `Agency ${tag}` } })
    const user = async (role, name) => {
      const email = `${role}-${tag}-${crypto.randomBytes(3).toString('hex')}@example.test`
      const u = await db.prisma.user.create({ data: { email, name, passwordHash: await passwordHash, agencyId: agency.id, agencyRole: role } })
      return { email, password: PASSWORD, userId: u.id, name }
    }
    const owner = await user('owner', `Olivia Owner ${tag}`)
    const made = []
    // Made by the app's own service: every owner and admin of the agency becomes an admin of each.
    for (let i = 0; i < sites; i++) made.push(await server.services.sites.create({ agencyId: agency.id, name: `Site ${i + 1} ${tag}`, allowedOrigins: domains }))
    const people = []
    for (let i = 0; i < members; i++) {
      const m = await user('member', `Member ${i + 1} ${tag}`)
      const agentId = made[0] ? await server.fx.membership(made[0].id, m.userId, 'agent') : null
      people.push({ ...m, agentId })
    }
    return { agencyId: agency.id, agencyName: agency.name, url: state.url, owner, sites: made.map((s) => ({ siteId: s.id, name: s.name })), members: people }
  }

  return {
    name: 'live-chat-server',
    async serverStart() {
      state = await start()
    },
    async serverStop() {
      for (const { server } of receivers.values()) server.close()
      receivers.clear()
      for (const { server, drop } of setupServers.splice(0)) await server.close().finally(drop)
      if (mail) {
        const { server, smtp } = await mail
        mail = undefined
        await server.close()
        await smtp.close()
      }
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
      if (!['lc-server', 'lc-site', 'lc-agency', 'lc-receiver', 'lc-received', 'lc-conversation', 'lc-mail-server', 'lc-mail', 'lc-setup-server'].includes(command)) return undefined
      if (!state) throw new Error('the Live Chat test server is not running')
      if (command === 'lc-server') return { url: state.url }
      if (command === 'lc-receiver') return startReceiver(payload ?? {})
      if (command === 'lc-received') return { requests: receivers.get(payload?.id)?.requests ?? [] }
      if (command === 'lc-conversation') return setConversation(payload)
      if (command === 'lc-agency') return createAgency(payload ?? {})
      if (command === 'lc-mail-server') return { url: (await (mail ??= startMailServer())).url }
      if (command === 'lc-mail') {
        const received = mail ? (await mail).smtp.mailsTo(payload?.to) : []
        return { mails: received.map((m) => ({ subject: m.subject ?? '', text: m.text ?? '', html: m.html || '' })) }
      }
      if (command === 'lc-setup-server') return startSetupServer()
      return createSite(payload ?? {})
    },
  }
}
