import { Router, type Response } from 'express'
import { z } from 'zod'
import { CreateSite, DeleteSite, UpdateAgency, UpdateMember } from '@live-chat/protocol'
import { agencyInvitationRoutes } from '../accounts/routes.js'
import { apiKeyRoutes } from '../api-keys/routes.js'
import { auditRoutes } from '../audit/routes.js'
import type { Services } from '../services.js'
import { bearer } from '../shared/auth.js'
import type { AgencyActor } from '../shared/context.js'
import { parse, requestMeta, requestRoute } from '../shared/http.js'
import type { Logger } from '../shared/logger.js'
import { SiteParams } from '../shared/params.js'

const UserParams = z.object({ userId: z.uuid({ message: 'must be a UUID' }) })

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
  r.get('/sites', async (_req, res) => {
    res.json({ items: await s.sites.listForAgency(agencyOf(res)) })
  })
  r.post('/sites', async (req, res) => {
    res.status(201).json(await s.sites.createForAgency(agencyOf(res), parse(CreateSite, req.body, 'body')))
  })
  r.delete('/sites/:siteId', async (req, res) => {
    const { siteId } = parse(SiteParams, req.params, 'path')
    await s.sites.deleteSite(agencyOf(res), siteId, parse(DeleteSite, req.body, 'body'))
    res.status(204).end()
  })
  r.get('/members', async (_req, res) => {
    res.json({ items: await s.members.list(agencyOf(res)) })
  })
  r.patch('/members/:userId', async (req, res) => {
    const { userId } = parse(UserParams, req.params, 'path')
    res.json(await s.members.updateRole(agencyOf(res), userId, parse(UpdateMember, req.body, 'body')))
  })
  r.delete('/members/:userId', async (req, res) => {
    const { userId } = parse(UserParams, req.params, 'path')
    await s.members.remove(agencyOf(res), userId)
    res.status(204).end()
  })
  r.use(agencyInvitationRoutes(s))
  r.use(apiKeyRoutes(s))
  r.use(auditRoutes(s, log))
  return r
}
