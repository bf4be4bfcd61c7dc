import { Router } from 'express'
import { CreateVisitorSession, MessagesQuery } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { parse, requireVisitor, visitorOf } from '../shared/http.js'
import { SiteParams, VisitorConversationParams } from '../shared/params.js'
import { uploadRoutes } from '../uploads/routes.js'
import { visitorEmailRoutes } from '../email/routes.js'

/** The widget's REST side: its session, and the visitor's own conversations. */
export function visitorRoutes(s: Services): Router {
  const r = Router()

  r.get('/sites/:siteId/widget', async (req, res) => {
    const { siteId } = parse(SiteParams, req.params, 'path')
    res.json(await s.sites.widgetConfig(siteId, req.headers.origin))
  })

  r.post('/sites/:siteId/visitor-sessions', async (req, res) => {
    const { siteId } = parse(SiteParams, req.params, 'path')
    const input = parse(CreateVisitorSession, req.body, 'body')
    await s.limits.session(siteId, req.ip)
    const session = await s.visitors.createSession(siteId, input, {
      origin: req.headers.origin,
      ip: req.ip,
      userAgent: req.headers['user-agent'],
    })
    res.status(201).json(session)
  })

  const visitor = Router()
  visitor.use(requireVisitor((token, origin, ip) => s.visitors.authenticate(token, origin, ip)))
  visitor.get('/me', async (_req, res) => {
    res.json(await s.visitors.profile(visitorOf(res)))
  })
  visitor.get('/conversations', async (_req, res) => {
    res.json({ items: await s.conversations.listForVisitor(visitorOf(res)) })
  })
  visitor.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(VisitorConversationParams, req.params, 'path')
    const q = parse(MessagesQuery, req.query, 'query')
    res.json(await s.messages.page(visitorOf(res), id, q))
  })
  visitor.use(uploadRoutes(s))
  visitor.use(visitorEmailRoutes(s))
  r.use('/visitor', visitor)
  return r
}
