import { Router } from 'express'
import { CreateAgent, Login, UpdateAgent } from '@live-chat/protocol'
import { accountRoutes, signedIn } from '../accounts/routes.js'
import type { Services } from '../services.js'
import { bearer } from '../shared/auth.js'
import { agentOf, parse, requestMeta } from '../shared/http.js'
import { AgentParams } from '../shared/params.js'

export function authRoutes(s: Services): Router {
  const r = Router()
  r.post('/login', async (req, res) => {
    const { email, password } = parse(Login, req.body, 'body')
    res.json(await s.limits.loginAttempt(email, req.ip, () => s.agents.login(email, password, requestMeta(req))))
  })
  // Ends the session of the token in Authorization (its other tokens and live sockets too).
  r.post('/logout', async (req, res) => {
    const claims = await signedIn(s, req)
    await s.sessions.end(claims.userId, claims.sessionId, 'logout', requestMeta(req))
    res.status(204).end()
  })
  // A fresh token for the one in Authorization, while that one is still valid.
  r.post('/refresh', async (req, res) => {
    res.json(await s.agents.refresh(bearer(req.headers.authorization)))
  })
  r.get('/me', async (req, res) => {
    res.json(await s.agents.profile(bearer(req.headers.authorization)))
  })
  // Sessions, passwords, two-factor and the second sign-in step (accounts/routes.ts).
  r.use(accountRoutes(s))
  return r
}

/** Mounted under /api/sites/:siteId after agent authentication. */
export function agentRoutes(s: Services): Router {
  const r = Router({ mergeParams: true })
  r.get('/agents', async (_req, res) => {
    res.json({ items: await s.agents.list(agentOf(res)) })
  })
  r.post('/agents', async (req, res) => {
    res.status(201).json(await s.agents.create(agentOf(res), parse(CreateAgent, req.body, 'body')))
  })
  r.patch('/agents/:agentId', async (req, res) => {
    const { agentId } = parse(AgentParams, req.params, 'path')
    res.json(await s.agents.update(agentOf(res), agentId, parse(UpdateAgent, req.body, 'body')))
  })
  r.delete('/agents/:agentId', async (req, res) => {
    const { agentId } = parse(AgentParams, req.params, 'path')
    await s.agents.remove(agentOf(res), agentId)
    res.status(204).end()
  })
  return r
}
