// createApp() builds the whole server (Express + Socket.io + services) without listening, so
// tests start it on port 0 with their own database and main.ts decides how it runs.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import cors from 'cors'
import express from 'express'
import proxyaddr from 'proxy-addr'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '@live-chat/protocol'
import { invitationRoutes, setupRoutes } from './accounts/routes.js'
import { agencyRoutes } from './agency/routes.js'
import { agentRoutes, authRoutes } from './agents/routes.js'
import { analyticsRoutes } from './analytics/routes.js'
import { banRoutes } from './bans/routes.js'
import { contactRoutes } from './contacts/routes.js'
import { watchMergedContacts } from './contacts/merge.js'
import { mentionRoutes } from './mentions/routes.js'
import { watchBans } from './bans/watch.js'
import type { AnalyticsOptions } from './analytics/service.js'
import { cannedResponseRoutes } from './canned-responses/routes.js'
import { triggerBeaconRoutes, triggerRoutes } from './triggers/routes.js'
import { teamRoutes } from './teams/routes.js'
import { slaRoutes } from './sla/routes.js'
import { DEFAULT_RATE_LIMITS, DEFAULT_UPLOAD_MAX_BYTES, type RateLimitSettings } from './config.js'
import { conversationRoutes } from './conversations/routes.js'
import { setupAgentNamespace } from './realtime/agent-namespace.js'
import type { AgentNamespace, VisitorNamespace } from './realtime/types.js'
import { setupVisitorNamespace } from './realtime/visitor-namespace.js'
import { watchRevocations } from './realtime/revocations.js'
import { createServices, type Services } from './services.js'
import type { MailOptions } from './email/mailer.js'
import { Tokens } from './shared/auth.js'
import type { Context } from './shared/context.js'
import type { Database } from './shared/db/index.js'
import { clientError, engineError, errorHandler, notFoundHandler, requestInput, requireAgent } from './shared/http.js'
import { isApiKey } from './shared/secrets.js'
import { accessLog, createLogger, type Logger } from './shared/logger.js'
import { RateLimits, type RedisStore } from './shared/rate-limit.js'
import { engineHeaders, hostPageHeaders, securityHeaders } from './shared/security.js'
import { dashboardPage, widgetAssets } from './shared/widget-assets.js'
import { watchDeletedSites } from './sites/deleted.js'
import { siteRoutes } from './sites/routes.js'
import { servedUploads, uploadRoutes } from './uploads/routes.js'
import { visitorRoutes } from './visitors/routes.js'
import { webhookRoutes } from './webhooks/routes.js'
import { historyRoutes } from './history/routes.js'
import { privacyRoutes } from './privacy/routes.js'
import { watchErasedVisitors } from './privacy/erase.js'
import type { RetentionOptions } from './privacy/retention.js'
import { WebhookService } from './webhooks/service.js'
import { Publisher } from './realtime/publisher.js'
import { EventDispatcher, type DispatcherOptions } from './events/dispatcher.js'
import { WebhookTargets, type WebhookTargetOptions } from './webhooks/targets.js'
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks/worker.js'
import { closeTransports, Drain } from './ops/drain.js'
import { Metrics, queueLengths } from './ops/metrics.js'
import { opsRoutes } from './ops/routes.js'
import { openApiRoutes } from './openapi/document.js'

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
  /** Webhook delivery: poll interval, backoff, attempts (tests make them fast); the networks they may reach besides public addresses (WEBHOOK_ALLOWED_NETWORKS). */
  webhooks?: WebhookWorkerOptions & WebhookTargetOptions
  /** The outbox's dispatcher: how often it looks without a notice (tests make it slow or fast). */
  events?: DispatcherOptions
  /** Missed-conversation sweep and daily aggregates: intervals (MISSED_SWEEP_MS, ANALYTICS_INTERVAL_MS; tests make them fast). */
  analytics?: AnalyticsOptions
  /** The sites' retention policies: how often they are applied (RETENTION_INTERVAL_MS; tests run them by hand). */
  retention?: RetentionOptions
  /** Abuse limits (RATE_LIMIT_*): each replaces its default (null turns it off); false turns them all off. */
  rateLimits?: Partial<RateLimitSettings> | false
  /** Bearer token for /metrics (METRICS_TOKEN); without one it is open except in production (see ops/routes.ts). */
  metricsToken?: string
  /** How long close() waits for in-flight requests and socket commands (SHUTDOWN_TIMEOUT_MS); default 10 s. */
  shutdownTimeoutMs?: number
}

export interface LiveChatApp {
  app: express.Express
  io: Server
  httpServer: http.Server
  services: Services
  nodeId: string
  metrics: Metrics
  listen(port?: number, host?: string): Promise<AddressInfo>
  /**
   * Graceful stop: marks the process not ready, stops accepting connections, lets in-flight
   * HTTP requests and socket commands finish (up to shutdownTimeoutMs), then disconnects
   * sockets (clients reconnect to another process), stops the workers and leaves presence.
   * Does not close the database.
   */
  close(): Promise<void>
}

const JSON_LIMIT = '100kb'
/**
 * Connections the kernel holds for the process before it accepts them (Linux caps it at
 * net.core.somaxconn, 4096 by default). Node's 511 overflowed in a reconnect storm: when the
 * queue is full the kernel drops the connection, the client's next try comes 1, 3, 7 s later,
 * and the dropped ones return as a second wave (bench/failover.mjs).
 */
const LISTEN_BACKLOG = 4096
/** Probed every few seconds: not worth a log line each. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics'])

export async function createApp(opts: AppOptions): Promise<LiveChatApp> {
  if (opts.secret.length < 32) throw new Error('createApp: secret must be at least 32 characters')
  const log = opts.logger ?? createLogger('info')
  const nodeId = crypto.randomUUID()
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', opts.trustProxy ?? false)
  app.use(securityHeaders({ https: (opts.publicUrl ?? '').startsWith('https:') }))
  const httpServer = http.createServer(app)
  httpServer.on('clientError', clientError)

  const redis = opts.redisUrl ? await connectRedis(opts.redisUrl, log) : undefined
  const io = new Server(httpServer, {
    cors: { origin: true },
    maxHttpBufferSize: 1e6,
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub) } : {}),
  })
  io.engine.on('headers', engineHeaders)
  io.engine.on('connection_error', engineError)
  const visitorNs = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace
  const agentNs = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace
  const metrics = new Metrics({
    connections: () => ({ visitor: visitorNs.sockets.size, agent: agentNs.sockets.size }),
    queueLengths: () => queueLengths(opts.db, 1000),
  })
  const drain = new Drain(metrics)

  const targets = new WebhookTargets(opts.webhooks)
  const webhooks = new WebhookService(opts.db, log, targets)
  const webhookWorker = new WebhookWorker(opts.db, log, opts.webhooks, targets)
  webhooks.onQueued = () => webhookWorker.kick()
  const ctx: Context = {
    db: opts.db,
    log,
    tokens: new Tokens(opts.secret),
    publish: new Publisher(visitorNs, agentNs),
    config: { publicUrl: opts.publicUrl ?? '', env: opts.env ?? 'development', uploadMaxBytes: opts.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES },
    nodeId,
    metrics,
    limits: rateLimits(opts.rateLimits, redis?.pub),
  }
  const services = createServices(ctx, opts.mail, opts.analytics, opts.retention)
  await services.presence.start()
  services.sites.clock.start()
  services.emails.start()
  webhookWorker.start()
  // The outbox's events to their consumers (events/dispatcher.ts).
  const dispatcher = new EventDispatcher(opts.db, log, [webhooks.consumer, services.emails.consumer], opts.events)
  await dispatcher.start()
  services.analytics.start()
  services.privacy.retention.start()
  // A socket's address as Express's req.ip sees it: behind TRUST_PROXY, the client's (X-Forwarded-For).
  const clientIp = (request: http.IncomingMessage) => proxyaddr(request, app.get('trust proxy fn') as (addr: string, i: number) => boolean)
  setupVisitorNamespace(visitorNs, services, log, { clientIp, gate: drain.commands('visitor') })
  setupAgentNamespace(agentNs, services, log, { clientIp, gate: drain.commands('agent') })
  const stopRevocations = await watchRevocations(opts.db, agentNs, services, log)
  const stopDeletedSites = await watchDeletedSites(opts.db, visitorNs, agentNs, log)
  const stopErasedVisitors = await watchErasedVisitors(opts.db, visitorNs, agentNs, log)
  const stopBans = await watchBans(opts.db, visitorNs, services.bans, log)
  const stopMerges = await watchMergedContacts(opts.db, visitorNs, agentNs, log)

  app.use(drain.http())
  app.use(accessLog(log, (req) => PROBES.has(req.url ?? '')))
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })
  app.use(opsRoutes({ db: opts.db, drain, metrics, env: opts.env ?? 'development', metricsToken: opts.metricsToken, redisReady: redis && (() => redis.pub.isReady && redis.sub.isReady) }))
  const api = express.Router()
  api.use(cors({ origin: true, maxAge: 600 }))
  api.use(express.json({ limit: JSON_LIMIT }))
  api.use(requestInput)
  api.use(openApiRoutes())
  api.use('/auth', authRoutes(services))
  api.use('/setup', setupRoutes(services))
  api.use('/invitations', invitationRoutes(services))
  api.use('/agency', agencyRoutes(services, log))
  api.use(visitorRoutes(services))
  api.use(triggerBeaconRoutes(services))
  const site = express.Router({ mergeParams: true })
  site.use(
    requireAgent((token, siteId, meta, route) =>
      isApiKey(token) ? services.apiKeys.siteActor(token, siteId, route, meta) : services.agents.authenticate(token, siteId, meta),
    ),
  )
  site.use(conversationRoutes(services))
  site.use(cannedResponseRoutes(services))
  site.use(triggerRoutes(services))
  site.use(teamRoutes(services))
  site.use(slaRoutes(services))
  site.use(agentRoutes(services))
  site.use(siteRoutes(services))
  site.use(uploadRoutes(services))
  site.use(webhookRoutes(webhooks))
  site.use(analyticsRoutes(services))
  site.use(historyRoutes(services, log))
  site.use(privacyRoutes(services, log))
  site.use(banRoutes(services))
  site.use(contactRoutes(services))
  site.use(mentionRoutes(services))
  api.use('/sites/:siteId', site)
  api.use(notFoundHandler)
  app.use('/api', api)
  app.use('/uploads', servedUploads(services))
  if (opts.widgetDir) app.use(widgetAssets(opts.widgetDir))
  if (opts.dashboardDir) app.use('/dashboard', dashboardPage(opts.dashboardDir))
  for (const [path, dir] of Object.entries(opts.staticDirs ?? {})) app.use(path, hostPageHeaders, express.static(dir))
  // Anything else: the same JSON 404 as under /api (not Express's HTML page).
  app.use(notFoundHandler)
  app.use(errorHandler(log))

  let closed = false
  return {
    app,
    io,
    httpServer,
    services,
    nodeId,
    metrics,
    listen(port = 0, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject)
        httpServer.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          httpServer.off('error', reject)
          resolve(httpServer.address() as AddressInfo)
        })
      })
    },
    async close() {
      if (closed) return
      closed = true
      // New connections go to other processes (a load balancer sees the refused port and /readyz).
      const httpClosed = new Promise<void>((resolve) => httpServer.once('close', () => resolve()))
      httpServer.close()
      if (!(await drain.drain(opts.shutdownTimeoutMs ?? 10_000))) log.warn({ inFlight: drain.inFlight }, 'shutdown: in-flight work did not finish in time')
      await services.sites.clock.stop()
      await services.queue.stop()
      await stopRevocations()
      await stopDeletedSites()
      await stopErasedVisitors()
      await stopBans()
      await stopMerges()
      await dispatcher.stop()
      await services.emails.stop()
      await webhookWorker.stop()
      await services.analytics.stop()
      await services.privacy.retention.stop()
      // Each client's transport closes once its last packets (acks) are out; clients reconnect
      // elsewhere. Then io.close() tidies rooms and adapters (not awaited: it also waits for the
      // HTTP server's 'close', which may have come already).
      await closeTransports([visitorNs, agentNs], 2_000)
      void io.close()
      httpServer.closeAllConnections()
      await httpClosed
      await services.presence.stop().catch((e: unknown) => log.warn({ err: e }, 'leaving presence failed'))
      // Work still running past the drain's bound would publish to a closed Redis client, a
      // rejection the Redis adapter does not catch: the process crashed (exit 1) instead of
      // stopping (bench/failover.mjs). The clients are left to that work and the process's exit.
      if (redis && drain.working > 0) log.warn({ working: drain.working }, 'shutdown: Redis left open for the socket commands still running')
      else if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()])
    },
  }
}

function rateLimits(settings: AppOptions['rateLimits'], redis: RedisStore | undefined): RateLimits {
  const off = { sessions: null, messages: null, uploads: null, events: null, login: null, loginIp: null, tokens: null, forgot: null, forgotIp: null, twoFactor: null }
  return new RateLimits({ ...DEFAULT_RATE_LIMITS, ...(settings === false ? off : settings) }, redis)
}

async function connectRedis(url: string, log: Logger) {
  const pub = createClient({ url })
  const sub = pub.duplicate()
  for (const c of [pub, sub]) c.on('error', (e: unknown) => log.warn({ err: e }, 'redis error'))
  await Promise.all([pub.connect(), sub.connect()])
  return { pub, sub }
}
