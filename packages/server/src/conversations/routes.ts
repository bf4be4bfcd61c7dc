import { Router } from 'express'
import { AssignBody, MessagesQuery, PostMessageBody, UpdateConversationBody } from '@live-chat/protocol'
import type { Services } from '../services.js'
import { agentOf, parse } from '../shared/http.js'
import { IdParams } from '../shared/params.js'

/** The agents' inbox over HTTP. Mounted under /api/sites/:siteId after agent authentication. */
export function conversationRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/conversations', async (req, res) => {
    res.json(await s.conversations.list(agentOf(res), req.query))
  })
  r.get('/conversations/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.conversations.get(agentOf(res), id))
  })
  r.patch('/conversations/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    const body = parse(UpdateConversationBody, req.body, 'body')
    res.json(await s.conversations.update(agentOf(res), { conversationId: id, ...body }))
  })
  r.post('/conversations/:id/assign', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.conversations.assign(agentOf(res), id, parse(AssignBody, req.body, 'body')))
  })
  r.post('/conversations/:id/resolve', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.conversations.resolve(agentOf(res), id))
  })
  r.post('/conversations/:id/reopen', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.conversations.reopen(agentOf(res), id))
  })
  r.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.messages.page(agentOf(res), id, parse(MessagesQuery, req.query, 'query')))
  })
  r.post('/conversations/:id/messages', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    const { agentId, bot, ...body } = parse(PostMessageBody, req.body, 'body')
    const { message, created } = await s.messages.sendAs(agentOf(res), agentId, { conversationId: id, ...body }, bot)
    res.status(created ? 201 : 200).json(message)
  })
  return r
}
