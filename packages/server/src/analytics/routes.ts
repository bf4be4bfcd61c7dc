import { Router } from 'express'
import { AnalyticsQuery } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'

/** Mounted under /api/sites/:siteId after agent authentication (admins only, checked by the service). */
export function analyticsRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/analytics', async (req, res) => {
    res.json(await s.analytics.report(agentOf(res), parse(AnalyticsQuery, req.query, 'query')))
  })
  r.get('/analytics.csv', async (req, res) => {
    const { filename, body } = await s.analytics.csv(agentOf(res), parse(AnalyticsQuery, req.query, 'query'))
    res.type('text/csv; charset=utf-8')
    res.attachment(filename)
    res.setHeader('Cache-Control', 'no-store')
    res.send(body)
  })
  return r
}
