import { Router } from 'express'
import { MentionsQuery } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** Mounted under /api/sites/:siteId after agent authentication: the caller's own mentions. */
export function mentionRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/mentions', async (req, res) => {
    res.json(await s.mentions.list(agentOf(res), parse(MentionsQuery, req.query, 'query')))
  })
  r.post('/mentions/:id/read', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.mentions.read(agentOf(res), id))
  })
  return r
}
