import { Router } from 'express'
import { z } from 'zod'
import { CreateApiKey } from '@live-chat/protocol'
import { agencyOf } from '../agency/routes.js'
import type { Services } from '../services.js'
import { parse } from '../shared/http.js'

const KeyParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) })

/** The agency's API keys: mounted in the agency router (agency owners and admins signed in; never a key). */
export function apiKeyRoutes(s: Services): Router {
  const r = Router()
  r.get('/api-keys', async (_req, res) => {
    res.json({ items: await s.apiKeys.list(agencyOf(res)) })
  })
  r.post('/api-keys', async (req, res) => {
    res.status(201).json(await s.apiKeys.create(agencyOf(res), parse(CreateApiKey, req.body, 'body')))
  })
  r.delete('/api-keys/:id', async (req, res) => {
    const { id } = parse(KeyParams, req.params, 'path')
    await s.apiKeys.revoke(agencyOf(res), id)
    res.status(204).end()
  })
  return r
}
