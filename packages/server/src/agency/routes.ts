import { Router, type Response } from 'express'
import { UpdateAgency } from '@live-chat/protocol'
import { apiKeyRoutes } from '../api-keys/routes.js'
import { auditRoutes } from '../audit/routes.js'
import type { Services } from '../services.js'
import { bearer } from '../shared/auth.js'
import type { AgencyActor } from '../shared/context.js'
import { parse, requestMeta, requestRoute } from '../shared/http.js'
import type { Logger } from '../shared/logger.js'

export const agencyOf = (res: Response): AgencyActor => (res.locals as { agency: AgencyActor }).agency

/**
 * /api/agency: everything about the caller's agency as a whole. Every request is authenticated
 * here (agent access token with its session, or an agency-wide API key); each domain adds its
 * routes to the router this returns.
 */
export function agencyRoutes(s: Services, log: Logger): Router {
  const r = Router()
  r.use(async (req, res, next) => {
    ;(res.locals as { agency: AgencyActor }).agency = await s.agency.authenticate(bearer(req.headers.authorization), requestMeta(req), requestRoute(req))
    next()
  })
  r.get('/', async (_req, res) => {
    res.json(await s.agency.get(agencyOf(res)))
  })
  r.patch('/', async (req, res) => {
    res.json(await s.agency.update(agencyOf(res), parse(UpdateAgency, req.body, 'body')))
  })
  r.use(apiKeyRoutes(s))
  r.use(auditRoutes(s, log))
  return r
}
