import { Router } from 'express'
import { UpdateSiteSettings } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'

/** Mounted under /api/sites/:siteId after agent authentication. */
export function siteRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/settings', async (_req, res) => {
    res.json(await s.sites.settings(agentOf(res)))
  })
  r.patch('/settings', async (req, res) => {
    res.json(await s.sites.updateSettings(agentOf(res), parse(UpdateSiteSettings, req.body, 'body')))
  })
  return r
}
