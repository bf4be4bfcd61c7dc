import { Router } from 'express'
import { CreateTrigger, UpdateTrigger } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** Mounted under /api/sites/:siteId after agent authentication. */
export function triggerRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/triggers', async (_req, res) => {
    res.json({ items: await s.triggers.list(agentOf(res)) })
  })
  r.post('/triggers', async (req, res) => {
    res.status(201).json(await s.triggers.create(agentOf(res), parse(CreateTrigger, req.body, 'body')))
  })
  r.patch('/triggers/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.triggers.update(agentOf(res), id, parse(UpdateTrigger, req.body, 'body')))
  })
  r.delete('/triggers/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.triggers.remove(agentOf(res), id)
    res.status(204).end()
  })
  return r
}

/**
 * The widget's anonymous beacon (navigator.sendBeacon, no cookie, no token, no body): a trigger
 * was shown. Public, like the widget config; rate-limited per site and address.
 */
export function triggerBeaconRoutes(s: Services): Router {
  const r = Router()
  r.post('/sites/:siteId/triggers/:id/shown', async (req, res) => {
    const { siteId, id } = parse(IdParams, req.params, 'path')
    await s.limits.triggerShown(siteId, req.ip)
    await s.triggers.shown(siteId, id)
    res.status(204).end()
  })
  return r
}
