import { Router } from 'express'
import { CreateSlaPolicy, UpdateSlaPolicy } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** A site's SLA policies. Mounted under /api/sites/:siteId after agent authentication. */
export function slaRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/sla-policies', async (_req, res) => {
    res.json({ items: await s.sla.list(agentOf(res)) })
  })
  r.post('/sla-policies', async (req, res) => {
    res.status(201).json(await s.sla.create(agentOf(res), parse(CreateSlaPolicy, req.body, 'body')))
  })
  r.patch('/sla-policies/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.sla.update(agentOf(res), id, parse(UpdateSlaPolicy, req.body, 'body')))
  })
  r.delete('/sla-policies/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.sla.remove(agentOf(res), id)
    res.status(204).end()
  })
  return r
}
