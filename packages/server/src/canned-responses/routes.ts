import { Router } from 'express'
import { CannedResponsesQuery, CreateCannedResponse, UpdateCannedResponse } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** Mounted under /api/sites/:siteId after agent authentication. */
export function cannedResponseRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/canned-responses', async (req, res) => {
    res.json({ items: await s.cannedResponses.list(agentOf(res), parse(CannedResponsesQuery, req.query, 'query')) })
  })
  r.post('/canned-responses', async (req, res) => {
    res.status(201).json(await s.cannedResponses.create(agentOf(res), parse(CreateCannedResponse, req.body, 'body')))
  })
  r.patch('/canned-responses/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.cannedResponses.update(agentOf(res), id, parse(UpdateCannedResponse, req.body, 'body')))
  })
  r.post('/canned-responses/:id/use', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.cannedResponses.use(agentOf(res), id))
  })
  r.delete('/canned-responses/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.cannedResponses.remove(agentOf(res), id)
    res.status(204).end()
  })
  return r
}
