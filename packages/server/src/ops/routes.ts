// Probes and metrics for the platform: GET /readyz (may this process take traffic?) and
// GET /metrics (Prometheus). /healthz (is it alive?) stays in app.ts and checks nothing else.
import crypto from 'node:crypto'
import express from 'express'
import type { Database } from '../shared/db/index.js'
import type { Drain } from './drain.js'
import { withTimeout, type Metrics } from './metrics.js'
import { bearer } from '../shared/auth.js'

export interface OpsOptions {
  db: Database
  drain: Drain
  metrics: Metrics
  /** Whether the Redis clients are connected; absent when Redis is not configured. */
  redisReady?: () => boolean
  /**
   * Bearer token for /metrics. Without one, /metrics is open in development and test and off
   * (404) in production: it tells outsiders too much (load, queue lengths) to be public.
   */
  metricsToken?: string
  env: 'development' | 'production' | 'test'
  /** How long /readyz waits for the database (default 2000 ms). */
  checkTimeoutMs?: number
}

type Check = 'ok' | 'unavailable' | 'off'

export function opsRoutes(o: OpsOptions): express.Router {
  const r = express.Router()
  const timeoutMs = o.checkTimeoutMs ?? 2000

  // 200 when the database answers, Redis (if configured) is connected and no shutdown has
  // started; else 503. The body says which part failed (never why in detail: it is public).
  r.get('/readyz', async (_req, res) => {
    const database: Check = await withTimeout(o.db.prisma.$queryRaw`SELECT 1`, timeoutMs).then(
      () => 'ok',
      () => 'unavailable',
    )
    const redis: Check = o.redisReady ? (o.redisReady() ? 'ok' : 'unavailable') : 'off'
    const draining = o.drain.draining
    const failed = [...(database === 'ok' ? [] : ['database']), ...(redis === 'unavailable' ? ['redis'] : []), ...(draining ? ['draining'] : [])]
    res.setHeader('Cache-Control', 'no-store')
    res.status(failed.length === 0 ? 200 : 503).json({ ok: failed.length === 0, database, redis, draining, failed })
  })

  const allowed = metricsAccess(o.metricsToken, o.env)
  r.get('/metrics', async (req, res) => {
    const access = allowed(req.headers.authorization)
    if (access === 'off') {
      res.status(404).json({ error: { code: 'not_found', message: '/metrics is off: set METRICS_TOKEN to enable it' } })
      return
    }
    if (access === 'denied') {
      res.setHeader('WWW-Authenticate', 'Bearer')
      res.status(401).json({ error: { code: 'unauthorized', message: 'a valid bearer token (METRICS_TOKEN) is required' } })
      return
    }
    res.setHeader('Content-Type', o.metrics.contentType)
    res.setHeader('Cache-Control', 'no-store')
    res.send(await o.metrics.text())
  })
  return r
}

function metricsAccess(token: string | undefined, env: OpsOptions['env']): (authorization: string | undefined) => 'ok' | 'denied' | 'off' {
  if (!token) return () => (env === 'production' ? 'off' : 'ok')
  // Compared as digests: constant time whatever the lengths.
  const want = digest(token)
  return (authorization) => {
    const given = bearer(authorization)
    return given !== undefined && crypto.timingSafeEqual(digest(given), want) ? 'ok' : 'denied'
  }
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest()
