import { Router } from 'express'
import { CreateBan } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** Mounted under /api/sites/:siteId after agent authentication. */
export function banRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/bans', async (_req, res) => {
    res.json({ items: await s.bans.list(agentOf(res)) })
  })
  r.post('/bans', async (req, res) => {
    res.status(201).json(await s.bans.create(agentOf(res), parse(CreateBan, req.body, 'body')))
  })
  r.delete('/bans/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.bans.lift(agentOf(res), id)
    res.status(204).end()
  })
  return r
}
