import { Router } from 'express'
import { RotateIdentitySecret, UpdateSiteSettings } from '@live-chat/protocol'
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
  r.get('/identity-secret', async (_req, res) => {
    res.json(await s.sites.identitySecret(agentOf(res)))
  })
  r.post('/identity-secret/rotate', async (req, res) => {
    res.json(await s.sites.rotateIdentitySecret(agentOf(res), parse(RotateIdentitySecret, req.body, 'body')))
  })
  return r
}
