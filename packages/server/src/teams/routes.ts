import { Router } from 'express'
import { CreateTeam, UpdateTeam } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** A site's teams. Mounted under /api/sites/:siteId after agent authentication. */
export function teamRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/teams', async (_req, res) => {
    res.json({ items: await s.teams.list(agentOf(res)) })
  })
  r.post('/teams', async (req, res) => {
    res.status(201).json(await s.teams.create(agentOf(res), parse(CreateTeam, req.body, 'body')))
  })
  r.patch('/teams/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.teams.update(agentOf(res), id, parse(UpdateTeam, req.body, 'body')))
  })
  r.delete('/teams/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.teams.remove(agentOf(res), id)
    res.status(204).end()
  })
  return r
}
