// createApp() builds the whole server (Express + Socket.io + services) without listening, so
// tests start it on port 0 with their own database and main.ts decides how it runs.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import cors from 'cors'
import express from 'express'
import { pinoHttp } from 'pino-http'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '@live-chat/protocol'
import { agentRoutes, authRoutes } from './agents/routes.js'
import { cannedResponseRoutes } from './canned-responses/routes.js'
import { DEFAULT_UPLOAD_MAX_BYTES } from './config.js'
import { conversationRoutes } from './conversations/routes.js'
import { setupAgentNamespace } from './realtime/agent-namespace.js'
import type { AgentNamespace, VisitorNamespace } from './realtime/types.js'
import { setupVisitorNamespace } from './realtime/visitor-namespace.js'
import { createServices, type Services } from './services.js'
import type { MailOptions } from './email/mailer.js'
import { Tokens } from './shared/auth.js'
import type { Context } from './shared/context.js'
import type { Database } from './shared/db/index.js'
import { errorHandler, notFoundHandler, requireAgent } from './shared/http.js'
import { createLogger, type Logger } from './shared/logger.js'
import { dashboardPage, widgetAssets } from './shared/widget-assets.js'
import { siteRoutes } from './sites/routes.js'
import { servedUploads, uploadRoutes } from './uploads/routes.js'
import { visitorRoutes } from './visitors/routes.js'
import { WebhookPublisher } from './webhooks/publisher.js'
import { webhookRoutes } from './webhooks/routes.js'
import { WebhookService } from './webhooks/service.js'
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks/worker.js'

export interface AppOptions {
  db: Database
  /** Signs tokens; at least 32 characters. */
  secret: string
  publicUrl?: string
  env?: 'development' | 'production' | 'test'
  logger?: Logger
  /** With a Redis URL, Socket.io broadcasts reach sockets on every server process. */
  redisUrl?: string
  trustProxy?: boolean
  /** The largest upload in bytes (UPLOAD_MAX_BYTES); default 10 MB. */
  uploadMaxBytes?: number
  /** Extra static folders, e.g. { '/examples': '/path/to/examples' }. */
  staticDirs?: Record<string, string>
  /** The widget's CDN build (packages/widget/cdn), served at /live-chat.js and /widget/*. */
  widgetDir?: string
  /** The agent dashboard's page (packages/dashboard/public, built), served at /dashboard/. */
  dashboardDir?: string
  /** Email over SMTP (SMTP_URL, MAIL_FROM, EMAIL_BATCH_MS); without smtpUrl, email is off. */
  mail?: MailOptions
  /** Webhook delivery: poll interval, backoff, attempts (tests make them fast). */
  webhooks?: WebhookWorkerOptions
}

export interface LiveChatApp {
  app: express.Express
  io: Server
  httpServer: http.Server
  services: Services
  nodeId: string
  listen(port?: number, host?: string): Promise<AddressInfo>
  /** Stops accepting, disconnects sockets and leaves presence. Does not close the database. */
  close(): Promise<void>
}

const JSON_LIMIT = '100kb'

export async function createApp(opts: AppOptions): Promise<LiveChatApp> {
  if (opts.secret.length < 32) throw new Error('createApp: secret must be at least 32 characters')
  const log = opts.logger ?? createLogger('info')
  const nodeId = crypto.randomUUID()
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', opts.trustProxy ?? false)
  const httpServer = http.createServer(app)

  const redis = opts.redisUrl ? await connectRedis(opts.redisUrl, log) : undefined
  const io = new Server(httpServer, {
    cors: { origin: true },
    maxHttpBufferSize: 1e6,
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub) } : {}),
  })
  const visitorNs = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace
  const agentNs = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace

  const webhooks = new WebhookService(opts.db, log)
  const webhookWorker = new WebhookWorker(opts.db, log, opts.webhooks)
  webhooks.onQueued = () => webhookWorker.kick()
  const ctx: Context = {
    db: opts.db,
    log,
    tokens: new Tokens(opts.secret),
    publish: new WebhookPublisher(visitorNs, agentNs, webhooks),
    config: { publicUrl: opts.publicUrl ?? '', env: opts.env ?? 'development', uploadMaxBytes: opts.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES },
    nodeId,
  }
  const services = createServices(ctx, opts.mail)
  await services.presence.start()
  services.sites.clock.start()
  services.emails.start()
  webhookWorker.start()
  setupVisitorNamespace(visitorNs, services, log)
  setupAgentNamespace(agentNs, services, log)

  app.use(pinoHttp({ logger: log, autoLogging: { ignore: (req) => req.url === '/healthz' } }))
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })
  const api = express.Router()
  api.use(cors({ origin: true, maxAge: 600 }))
  api.use(express.json({ limit: JSON_LIMIT }))
  api.use('/auth', authRoutes(services))
  api.use(visitorRoutes(services))
  const site = express.Router({ mergeParams: true })
  site.use(requireAgent((token, siteId) => services.agents.authenticate(token, siteId)))
  site.use(conversationRoutes(services))
  site.use(cannedResponseRoutes(services))
  site.use(agentRoutes(services))
  site.use(siteRoutes(services))
  site.use(uploadRoutes(services))
  site.use(webhookRoutes(webhooks))
  api.use('/sites/:siteId', site)
  api.use(notFoundHandler)
  app.use('/api', api)
  app.use('/uploads', servedUploads(services))
  if (opts.widgetDir) app.use(widgetAssets(opts.widgetDir))
  if (opts.dashboardDir) app.use('/dashboard', dashboardPage(opts.dashboardDir))
  for (const [path, dir] of Object.entries(opts.staticDirs ?? {})) app.use(path, express.static(dir))
  app.use(errorHandler(log))

  let closed = false
  return {
    app,
    io,
    httpServer,
    services,
    nodeId,
    listen(port = 0, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject)
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject)
          resolve(httpServer.address() as AddressInfo)
        })
      })
    },
    async close() {
      if (closed) return
      closed = true
      services.sites.clock.stop()
      await services.emails.stop()
      await webhookWorker.stop()
      // io.close() disconnects every socket and closes the HTTP server.
      await new Promise<void>((resolve) => {
        io.close(() => resolve())
      })
      await services.presence.stop().catch((e: unknown) => log.warn({ err: e }, 'leaving presence failed'))
      if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()])
    },
  }
}

async function connectRedis(url: string, log: Logger) {
  const pub = createClient({ url })
  const sub = pub.duplicate()
  for (const c of [pub, sub]) c.on('error', (e: unknown) => log.warn({ err: e }, 'redis error'))
  await Promise.all([pub.connect(), sub.connect()])
  return { pub, sub }
}
