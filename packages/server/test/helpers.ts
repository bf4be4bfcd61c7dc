// Test harness: the real app on a free port over the run's Postgres database, and fixtures
// that make fresh rows (a new site per test) through the same services the app uses.
import crypto from 'node:crypto'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { io as ioClient, type Socket } from 'socket.io-client'
import { createApp, type AppOptions, type LiveChatApp } from '../src/app.js'
import { hashPassword } from '../src/shared/auth.js'
import { createTestDatabase } from './global-setup.js'
import { openDatabase, type Database } from '../src/shared/db/index.js'
import { createLogger, type Logger } from '../src/shared/logger.js'
import type { Services } from '../src/services.js'
import type { AgentRole, UpdateSiteSettings } from '@live-chat/protocol'
import { AgentClient } from '@live-chat/sdk'

export const SECRET = 'test-secret-test-secret-test-secret-0123456789'

export interface TestServer {
  url: string
  db: Database
  app: LiveChatApp
  services: Services
  fx: Fixtures
  close(): Promise<void>
}

export interface ServerOptions {
  /** Use this database (e.g. an embedded PGlite) instead of the run's Postgres. */
  db?: Database
  /**
   * A fresh database of its own, named with this prefix, dropped at close: for a server whose
   * background work must not meet other files' servers. Every server on a database delivers every
   * site's webhooks, so a test that delivers to a local receiver (allowed here only) needs one.
   */
  ownDatabase?: string
  redisUrl?: string
  /** The largest upload in bytes (default: the app's 10 MB). */
  uploadMaxBytes?: number
  /** Serve the widget's CDN build from this folder (see AppOptions.widgetDir). */
  widgetDir?: string
  /** Serve the dashboard page from this folder (see AppOptions.dashboardDir). */
  dashboardDir?: string
  /** Email settings (see AppOptions.mail), e.g. a local SMTP server's URL. */
  mail?: AppOptions['mail']
  /** Abuse limits (see AppOptions.rateLimits); default the app's defaults. */
  rateLimits?: AppOptions['rateLimits']
  /** Missed sweep and analytics intervals (see AppOptions.analytics). */
  analytics?: AppOptions['analytics']
  /** The app's logger (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger
  /** Webhook delivery timings and the networks webhooks may reach (see AppOptions.webhooks). */
  webhooks?: AppOptions['webhooks']
  /** The outbox's dispatcher (see AppOptions.events): e.g. off, for a process that must leave events to others. */
  events?: AppOptions['events']
  /** Behind a proxy: client addresses from X-Forwarded-For (see AppOptions.trustProxy). */
  trustProxy?: boolean
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const own = opts.ownDatabase ? await createTestDatabase(opts.ownDatabase) : null
  const db = opts.db ?? (await openDatabase({ url: own?.url ?? inject('databaseUrl'), migrate: false, poolSize: 5 }))
  const app = await createApp({
    db,
    secret: SECRET,
    env: 'test',
    logger: opts.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...(opts.redisUrl ? { redisUrl: opts.redisUrl } : {}),
    ...(opts.uploadMaxBytes ? { uploadMaxBytes: opts.uploadMaxBytes } : {}),
    ...(opts.widgetDir ? { widgetDir: opts.widgetDir } : {}),
    ...(opts.dashboardDir ? { dashboardDir: opts.dashboardDir } : {}),
    ...(opts.mail ? { mail: opts.mail } : {}),
    ...(opts.rateLimits !== undefined ? { rateLimits: opts.rateLimits } : {}),
    ...(opts.analytics ? { analytics: opts.analytics } : {}),
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
    ...(opts.events ? { events: opts.events } : {}),
    ...(opts.trustProxy ? { trustProxy: true } : {}),
  })
  const { port } = await app.listen(0, '127.0.0.1')
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    db,
    app,
    services: app.services,
    fx: new Fixtures(db, app.services),
    async close() {
      await app.close()
      await db.close()
      await own?.drop()
    },
  }
}

export interface SiteFixture {
  id: string
  agencyId: string
  identitySecret: string
}

export interface AgentFixture {
  id: string
  userId: string
  email: string
  password: string
  token: string
  /** The session of `token`. */
  sessionId: string
  siteId: string
  name: string
}

let seq = 0
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${crypto.randomBytes(3).toString('hex')}`

// One argon2 hash for every fixture password: hashing is deliberately slow.
const PASSWORD = 'correct horse battery staple'
let passwordHash: Promise<string> | undefined

export class Fixtures {
  constructor(
    private readonly db: Database,
    private readonly services: Services,
  ) {}

  async site(opts: { allowedOrigins?: string[]; widget?: UpdateSiteSettings['widget'] } = {}): Promise<SiteFixture> {
    const agency = await this.db.prisma.agency.create({ data: { name: `Agency ${unique()}` } })
    const site = await this.services.sites.create({ agencyId: agency.id, name: `Site ${unique()}`, allowedOrigins: opts.allowedOrigins ?? [] })
    if (opts.widget) await this.db.inSite(site.id, (tx) => tx.widgetSettings.update({ where: { siteId: site.id }, data: opts.widget! }))
    return { id: site.id, agencyId: agency.id, identitySecret: site.identitySecret }
  }

  /** A user who is an agent of the site, with a signed access token. */
  async agent(siteId: string, opts: { role?: AgentRole; capacity?: number; name?: string; status?: string } = {}): Promise<AgentFixture> {
    passwordHash ??= hashPassword(PASSWORD)
    const email = `agent-${unique()}@example.test`
    const name = opts.name ?? `Agent ${unique()}`
    const user = await this.db.prisma.user.create({ data: { email, name, passwordHash: await passwordHash } })
    const agent = await this.db.inSite(siteId, (tx) =>
      tx.agent.create({
        data: { siteId, userId: user.id, role: opts.role ?? 'agent', maxConcurrentChats: opts.capacity ?? 5, status: opts.status ?? 'offline' },
      }),
    )
    const { token, sessionId } = await this.services.sessions.start(user.id, {})
    return { id: agent.id, userId: user.id, email, password: PASSWORD, token, sessionId, siteId, name }
  }

  /** A team of the site with these agents in it. */
  async team(siteId: string, name: string, agentIds: string[] = []): Promise<string> {
    return this.db.inSite(siteId, async (tx) => {
      const t = await tx.team.create({ data: { siteId, name } })
      await tx.teamMember.createMany({ data: agentIds.map((agentId) => ({ siteId, teamId: t.id, agentId })) })
      return t.id
    })
  }

  /** Adds an existing user to another site. */
  async membership(siteId: string, userId: string, role: AgentRole = 'agent'): Promise<string> {
    const a = await this.db.inSite(siteId, (tx) => tx.agent.create({ data: { siteId, userId, role } }))
    return a.id
  }

  async visitorSession(siteId: string) {
    return this.services.visitors.createSession(siteId, {}, {})
  }
}

/** Resolves when `register` delivers a value that passes `match`; rejects after `ms`. */
export function waitFor<T>(register: (fn: (value: T) => void) => () => void, match: (value: T) => boolean = () => true, ms = 5_000, what = 'event'): Promise<T> {
  return new Promise((resolve, reject) => {
    let off: () => void = () => undefined
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`))
    }, ms)
    off = register((value) => {
      if (!match(value)) return
      clearTimeout(timer)
      off()
      resolve(value)
    })
  })
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(check: () => Promise<T> | T, ms = 5_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A raw socket.io client (for tests that must send what the SDK never would). */
export function rawSocket(url: string, namespace: '/visitor' | '/agent', auth: Record<string, unknown>, extraHeaders?: Record<string, string>): Socket {
  return ioClient(url + namespace, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...(extraHeaders ? { extraHeaders } : {}) })
}

/** Connects a raw socket, or rejects with the server's connect_error data. */
export function connectRaw(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (e: Error & { data?: unknown }) => reject(Object.assign(new Error(e.message), { data: e.data })))
  })
}

/** Emits a command with an ack and resolves with the ack. */
export function ask<T = unknown>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<T>
}

/**
 * The usual setup of a test file: one server for all its tests (started before, closed after),
 * and `track()` for the clients or sockets a test opens, disconnected after each test.
 */
export function serverPerFile(opts: ServerOptions = {}): { readonly s: TestServer; track<C extends { disconnect(): unknown }>(client: C): C } {
  let server: TestServer | undefined
  const open: { disconnect(): unknown }[] = []
  beforeAll(async () => {
    server = await startServer(opts)
  })
  afterEach(() => {
    for (const c of open.splice(0)) c.disconnect()
  })
  afterAll(() => server?.close())
  return {
    get s() {
      if (!server) throw new Error('the server starts in beforeAll')
      return server
    },
    track(client) {
      open.push(client)
      return client
    },
  }
}

/** An agent's SDK client connected to their site, once their presence is written (`track` disconnects it after the test). */
export async function agentOnline(url: string, a: AgentFixture, track: <C extends { disconnect(): unknown }>(client: C) => C): Promise<AgentClient> {
  const c = track(new AgentClient({ url, token: a.token }))
  await c.connect(a.siteId)
  await eventually(async () => (await c.agents.list()).find((x) => x.id === a.id)?.online, 5_000, 'agent online')
  return c
}
