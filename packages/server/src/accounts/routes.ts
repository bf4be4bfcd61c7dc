// Accounts over HTTP: first-run setup (/api/setup), invitations (/api/invitations, public with the
// link's token; /api/agency/invitations, for the agency's admins), and the signed-in user's
// account under /api/auth (sessions, password, two-factor) with the second sign-in step. The
// public endpoints that take a secret link's token are limited per address (RATE_LIMIT_TOKENS).
import { Router, type Request } from 'express'
import { z } from 'zod'
import {
  AcceptInvitation,
  ChangePassword,
  CompleteSetup,
  ConfirmPassword,
  CreateInvitation,
  EnableTwoFactor,
  ForgotPassword,
  ListInvitationsQuery,
  LookupInvitation,
  ResetPassword,
  TwoFactorChallenge,
  TwoFactorEnrolAtLogin,
  TwoFactorLogin,
  VerifySetupToken,
} from '@live-chat/protocol'
import { agencyOf } from '../agency/routes.js'
import type { Services } from '../services.js'
import { bearer, type AgentClaims } from '../shared/auth.js'
import { parse, requestMeta } from '../shared/http.js'

const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) })
const SessionParams = z.object({ sessionId: z.uuid({ message: 'must be a UUID' }) })

/** The claims of the agent token in Authorization, once its session is checked. */
export async function signedIn(s: Services, req: Request): Promise<AgentClaims> {
  const claims = await s.tokens.verifyAgent(bearer(req.headers.authorization))
  await s.sessions.check(claims)
  return claims
}

/** Counts a request to a public endpoint that takes a secret link's token. */
const tokenAttempt = (s: Services, req: Request) => s.limits.tokenAttempt(req.ip)

/** /api/setup (public) */
export function setupRoutes(s: Services): Router {
  const r = Router()
  r.get('/', async (_req, res) => {
    res.json(await s.setup.state())
  })
  r.post('/verify', async (req, res) => {
    const { token } = parse(VerifySetupToken, req.body, 'body')
    await tokenAttempt(s, req)
    await s.setup.verify(token)
    res.status(204).end()
  })
  r.post('/', async (req, res) => {
    const input = parse(CompleteSetup, req.body, 'body')
    await tokenAttempt(s, req)
    res.status(201).json(await s.setup.complete(input, requestMeta(req)))
  })
  return r
}

/** /api/invitations (public, with the link's token) */
export function invitationRoutes(s: Services): Router {
  const r = Router()
  r.post('/lookup', async (req, res) => {
    const { token } = parse(LookupInvitation, req.body, 'body')
    await tokenAttempt(s, req)
    res.json(await s.invitations.lookup(token))
  })
  r.post('/accept', async (req, res) => {
    const input = parse(AcceptInvitation, req.body, 'body')
    await tokenAttempt(s, req)
    res.status(201).json(await s.invitations.accept(input, requestMeta(req)))
  })
  return r
}

/** /api/agency/invitations (mounted in the agency router, which authenticates) */
export function agencyInvitationRoutes(s: Services): Router {
  const r = Router()
  r.get('/invitations', async (req, res) => {
    res.json({ items: await s.invitations.list(agencyOf(res), parse(ListInvitationsQuery, req.query, 'query')) })
  })
  r.post('/invitations', async (req, res) => {
    res.status(201).json(await s.invitations.create(agencyOf(res), parse(CreateInvitation, req.body, 'body')))
  })
  r.post('/invitations/:id/resend', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    res.json(await s.invitations.resend(agencyOf(res), id))
  })
  r.delete('/invitations/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'path')
    await s.invitations.revoke(agencyOf(res), id)
    res.status(204).end()
  })
  return r
}

/** Under /api/auth: the second sign-in step, passwords, and the signed-in user's sessions and two-factor. */
export function accountRoutes(s: Services): Router {
  const r = Router()
  // ---- second sign-in step (the challenge from POST /api/auth/login)
  r.post('/login/two-factor', async (req, res) => {
    res.json(await s.twoFactor.login(parse(TwoFactorLogin, req.body, 'body'), requestMeta(req)))
  })
  r.post('/login/two-factor/setup', async (req, res) => {
    res.json(await s.twoFactor.setupAtLogin(parse(TwoFactorChallenge, req.body, 'body').challenge))
  })
  r.post('/login/two-factor/enable', async (req, res) => {
    const { challenge, code } = parse(TwoFactorEnrolAtLogin, req.body, 'body')
    res.json(await s.twoFactor.enableAtLogin(challenge, code, requestMeta(req)))
  })

  // ---- passwords (forgot and reset are public)
  r.post('/password/forgot', async (req, res) => {
    const { email } = parse(ForgotPassword, req.body, 'body')
    await s.limits.forgotPassword(email, req.ip)
    await s.passwords.forgot(email, requestMeta(req))
    res.status(202).json({ ok: true })
  })
  r.post('/password/reset', async (req, res) => {
    const { token, password } = parse(ResetPassword, req.body, 'body')
    await tokenAttempt(s, req)
    res.json(await s.passwords.reset(token, password, requestMeta(req)))
  })
  r.post('/password', async (req, res) => {
    const claims = await signedIn(s, req)
    const { currentPassword, newPassword } = parse(ChangePassword, req.body, 'body')
    await s.passwords.change(claims.userId, claims.sessionId, currentPassword, newPassword, requestMeta(req))
    res.status(204).end()
  })

  // ---- sessions
  r.get('/sessions', async (req, res) => {
    const claims = await signedIn(s, req)
    res.json({ items: await s.sessions.list(claims.userId, claims.sessionId) })
  })
  r.delete('/sessions/:sessionId', async (req, res) => {
    const claims = await signedIn(s, req)
    const { sessionId } = parse(SessionParams, req.params, 'path')
    await s.sessions.end(claims.userId, sessionId, 'revoked', requestMeta(req))
    res.status(204).end()
  })

  // ---- two-factor
  r.post('/two-factor/setup', async (req, res) => {
    res.json(await s.twoFactor.setup((await signedIn(s, req)).userId))
  })
  r.post('/two-factor/enable', async (req, res) => {
    const claims = await signedIn(s, req)
    res.json(await s.twoFactor.enable(claims.userId, parse(EnableTwoFactor, req.body, 'body').code, requestMeta(req)))
  })
  r.post('/two-factor/disable', async (req, res) => {
    const claims = await signedIn(s, req)
    await s.twoFactor.disable(claims.userId, parse(ConfirmPassword, req.body, 'body').password, requestMeta(req))
    res.status(204).end()
  })
  r.post('/two-factor/recovery-codes', async (req, res) => {
    const claims = await signedIn(s, req)
    res.json(await s.twoFactor.regenerate(claims.userId, parse(ConfirmPassword, req.body, 'body').password, requestMeta(req)))
  })
  return r
}
