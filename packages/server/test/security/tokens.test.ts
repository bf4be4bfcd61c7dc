// Token expiry and rotation: expired agent and visitor tokens are refused with their own code
// (token_expired, 401) over REST and in socket handshakes, forged ones stay `unauthorized`; an
// agent exchanges a valid token for a fresh one (POST /api/auth/refresh) for at most 30 days
// after the password was given; the SDK refreshes by itself before expiry. A live agent socket
// ends when its token expires, unless the SDK hands it the refreshed one (auth:renew).
import crypto from 'node:crypto'
import { SignJWT } from 'jose'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import type { AgentSession } from '@live-chat/protocol'
import { AGENT_SESSION_MAX_S, AGENT_TOKEN_TTL_S } from '../../src/shared/auth.js'
import { AppError } from '../../src/shared/errors.js'
import { ask, connectRaw, rawSocket, SECRET, startServer, waitFor, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'

let s: TestServer
let site: SiteFixture
let agent: AgentFixture
beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  agent = await s.fx.agent(site.id)
})
afterAll(() => s.close())

// Tokens as the server signs them (shared/auth.ts), with times of the test's choosing, on the
// agent fixture's session.
const KEY = crypto.createHmac('sha256', SECRET).update('live-chat/tokens/v1').digest()
const now = () => Math.floor(Date.now() / 1000)
function agentToken(userId: string, times: { iat: number; exp: number; authTime?: number }): Promise<string> {
  return new SignJWT({ sid: agent.sessionId, ...(times.authTime === undefined ? {} : { auth_time: times.authTime }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('live-chat')
    .setAudience('live-chat:agent')
    .setSubject(userId)
    .setIssuedAt(times.iat)
    .setExpirationTime(times.exp)
    .sign(KEY)
}
function visitorToken(visitorId: string, siteId: string, exp: number): Promise<string> {
  return new SignJWT({ site: siteId }).setProtectedHeader({ alg: 'HS256' }).setIssuer('live-chat').setAudience('live-chat:visitor').setSubject(visitorId).setIssuedAt(exp - 3600).setExpirationTime(exp).sign(KEY)
}
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, number | string>

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const refused = (res: request.Response, code: string) =>
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 401, body: { error: { code, message: expect.stringMatching(/\S/) } } })

async function handshakeError(ns: '/visitor' | '/agent', auth: Record<string, unknown>): Promise<unknown> {
  const socket = rawSocket(s.url, ns, auth)
  try {
    await connectRaw(socket)
    return 'connected'
  } catch (e) {
    return (e as { data?: unknown }).data
  } finally {
    socket.close()
  }
}

describe('expired tokens', () => {
  it('an expired agent token is refused as token_expired over REST and in the socket handshake; a forged one as unauthorized', async () => {
    const expired = await agentToken(agent.userId, { iat: now() - 7200, exp: now() - 60 })
    refused(await request(s.url).get('/api/auth/me').set(bearer(expired)), 'token_expired')
    refused(await request(s.url).get(`/api/sites/${site.id}/conversations`).set(bearer(expired)), 'token_expired')
    expect(await handshakeError('/agent', { token: expired, siteId: site.id })).toMatchObject({ code: 'token_expired' })
    const [h, p] = agent.token.split('.')
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`
    refused(await request(s.url).get('/api/auth/me').set(bearer(forged)), 'unauthorized')
    // An expired token cannot be refreshed either: only a password brings the agent back.
    refused(await request(s.url).post('/api/auth/refresh').set(bearer(expired)), 'token_expired')
  })

  it('an expired visitor token is refused as token_expired; a new session with it gives a new visitor', async () => {
    const session = await s.fx.visitorSession(site.id)
    const expired = await visitorToken(session.visitor.id, site.id, now() - 60)
    refused(await request(s.url).get('/api/visitor/me').set(bearer(expired)), 'token_expired')
    expect(await handshakeError('/visitor', { token: expired })).toMatchObject({ code: 'token_expired' })
    const fresh = await request(s.url).post(`/api/sites/${site.id}/visitor-sessions`).send({ token: expired })
    expect(fresh.status).toBe(201)
    expect(fresh.body.visitor.id).not.toBe(session.visitor.id)
  })

  it('tokens carry an expiry: agents 12 hours, visitors 90 days, renewed with every visitor session', async () => {
    const login = await request(s.url).post('/api/auth/login').send({ email: agent.email, password: agent.password })
    const a = claims((login.body as AgentSession).token)
    expect(Number(a['exp']) - Number(a['iat'])).toBe(AGENT_TOKEN_TTL_S)
    expect(Math.abs(Date.parse((login.body as AgentSession).expiresAt) / 1000 - Number(a['exp']))).toBeLessThan(1)
    const first = await request(s.url).post(`/api/sites/${site.id}/visitor-sessions`).send({})
    const again = await request(s.url).post(`/api/sites/${site.id}/visitor-sessions`).send({ token: first.body.token })
    expect(again.body.visitor.id).toBe(first.body.visitor.id)
    const v = claims(again.body.token)
    expect(Number(v['exp']) - Number(v['iat'])).toBe(90 * 24 * 3600)
    expect(Number(v['exp'])).toBeGreaterThanOrEqual(Number(claims(first.body.token)['exp']))
  })
})

describe('POST /api/auth/refresh', () => {
  it('exchanges a valid agent token for a fresh one with the same login time; the new one works everywhere', async () => {
    const loggedInAt = now() - 3 * 24 * 3600
    const old = await agentToken(agent.userId, { iat: now() - 11 * 3600, exp: now() + 3600, authTime: loggedInAt })
    const res = await request(s.url).post('/api/auth/refresh').set(bearer(old))
    expect(res.status).toBe(200)
    const session = res.body as AgentSession
    expect(session).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String), user: { id: agent.userId }, sites: [{ siteId: site.id }] })
    expect(session.token).not.toBe(old)
    expect(claims(session.token)).toMatchObject({ sub: agent.userId, auth_time: loggedInAt })
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now() + (AGENT_TOKEN_TTL_S - 60) * 1000)
    expect((await request(s.url).get(`/api/sites/${site.id}/agents`).set(bearer(session.token))).status).toBe(200)
    expect(await handshakeError('/agent', { token: session.token, siteId: site.id })).toBe('connected')
  })

  it('never extends past 30 days after the login, and refuses after that with token_expired', async () => {
    const nearEnd = now() - AGENT_SESSION_MAX_S + 2 * 3600
    const late = await request(s.url).post('/api/auth/refresh').set(bearer(await agentToken(agent.userId, { iat: now() - 60, exp: now() + 3600, authTime: nearEnd })))
    expect(late.status).toBe(200)
    expect(Number(claims((late.body as AgentSession).token)['exp'])).toBeLessThanOrEqual(nearEnd + AGENT_SESSION_MAX_S)
    const tooOld = await agentToken(agent.userId, { iat: now() - 60, exp: now() + 3600, authTime: now() - AGENT_SESSION_MAX_S - 60 })
    refused(await request(s.url).post('/api/auth/refresh').set(bearer(tooOld)), 'token_expired')
  })

  it('refuses no token, a visitor token and a forged one as unauthorized', async () => {
    const { token: visitor } = await s.fx.visitorSession(site.id)
    refused(await request(s.url).post('/api/auth/refresh'), 'unauthorized')
    refused(await request(s.url).post('/api/auth/refresh').set(bearer(visitor)), 'unauthorized')
    refused(await request(s.url).post('/api/auth/refresh').set(bearer(`${agent.token}x`)), 'unauthorized')
  })
})

describe('a live agent socket', () => {
  const expiredNotice = (socket: ReturnType<typeof rawSocket>) =>
    waitFor<{ code: string }>((fn) => (socket.on('session:expired', fn), () => socket.off('session:expired', fn)), () => true, 8_000, 'session:expired')
  const serverDisconnect = (socket: ReturnType<typeof rawSocket>) =>
    waitFor<string>((fn) => (socket.on('disconnect', fn), () => socket.off('disconnect', fn)), () => true, 8_000, 'the disconnect')

  it('ends when its token expires: session:expired (token_expired), then the server disconnects it', async () => {
    const token = await agentToken(agent.userId, { iat: now() - 60, exp: now() + 2 })
    const socket = await connectRaw(rawSocket(s.url, '/agent', { token, siteId: site.id }))
    try {
      const notice = expiredNotice(socket)
      const gone = serverDisconnect(socket)
      expect(await notice).toMatchObject({ code: 'token_expired' })
      expect(await gone).toBe('io server disconnect')
    } finally {
      socket.close()
    }
  })

  it('auth:renew with a newer token of the same agent keeps it past the first expiry; other tokens are refused', async () => {
    const token = await agentToken(agent.userId, { iat: now() - 60, exp: now() + 2 })
    const socket = await connectRaw(rawSocket(s.url, '/agent', { token, siteId: site.id }))
    const other = await s.fx.agent(site.id)
    try {
      const bad = async (t: unknown) => (await ask<{ ok: boolean; error?: { code: string } }>(socket, 'auth:renew', { token: t })).error?.code
      expect(await bad(other.token)).toBe('forbidden')
      expect(await bad('not-a-token')).toBe('unauthorized')
      expect(await bad(await agentToken(agent.userId, { iat: now() - 7200, exp: now() - 60 }))).toBe('token_expired')
      expect(await bad(42)).toBe('invalid_payload')

      const renewed = await ask<{ ok: boolean; data: { expiresAt: string } }>(socket, 'auth:renew', { token: agent.token })
      expect(renewed.ok).toBe(true)
      expect(Date.parse(renewed.data.expiresAt)).toBeGreaterThan(Date.now() + 3600_000)
      let expired = false
      socket.on('session:expired', () => (expired = true))
      await new Promise((r) => setTimeout(r, 3_500))
      expect(expired).toBe(false)
      expect(socket.connected).toBe(true)
      expect((await ask<{ ok: boolean }>(socket, 'presence:list', {})).ok).toBe(true)
    } finally {
      socket.close()
    }
  })
})

describe('the SDK', () => {
  it('AgentClient refreshes its token before it expires (a `token` event) and keeps working with the new one', async () => {
    // A minute and a bit left: the client refreshes about two seconds from now.
    const shortLived = await agentToken(agent.userId, { iat: now() - 3600, exp: now() + 62, authTime: now() - 3600 })
    const client = new AgentClient({ url: s.url, token: shortLived })
    try {
      const rotated = waitFor<{ token: string; expiresAt: string }>((fn) => client.on('token', fn), () => true, 15_000, 'a token event')
      await client.connect(site.id)
      const { token, expiresAt } = await rotated
      expect(token).not.toBe(shortLived)
      expect(client.token).toBe(token)
      expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 3600_000)
      expect((await client.me()).user.id).toBe(agent.userId)
      // refresh() by hand does the same.
      const again = await client.refresh()
      expect(client.token).toBe(again.token)
    } finally {
      client.disconnect()
    }
  })

  it('keeps its live socket past the first token’s expiry (auth:renew after each refresh)', async () => {
    // Three seconds left: the client refreshes at once, and hands the new token to its socket.
    const shortLived = await agentToken(agent.userId, { iat: now() - 60, exp: now() + 3, authTime: now() - 60 })
    const client = new AgentClient({ url: s.url, token: shortLived })
    const errors: { code: string }[] = []
    const disconnects: unknown[] = []
    client.on('error', (e) => errors.push(e))
    client.on('disconnected', (d) => disconnects.push(d))
    try {
      await client.connect(site.id)
      await new Promise((r) => setTimeout(r, 4_500))
      expect(errors.map((e) => `${e.code}: ${(e as { message?: string }).message}`)).toEqual([])
      expect(disconnects).toEqual([])
      expect(client.connected).toBe(true)
      expect((await client.agents.list()).length).toBeGreaterThan(0)
    } finally {
      client.disconnect()
    }
  })

  it('refresh() stands when the socket cannot take the new token: the socket ends with the old one and comes back with the new', async () => {
    const exp = now() + 3
    const shortLived = await agentToken(agent.userId, { iat: now() - 60, exp, authTime: now() - 60 })
    const client = new AgentClient({ url: s.url, token: shortLived, autoRefresh: false })
    // The server fails the first auth:renew it gets (as on a database hiccup): the first check of
    // a session whose token is not the short-lived one (the renewed token's; the HTTP refresh
    // checks the old one).
    const sessions = s.services.sessions
    const check = sessions.check
    let failed = 0
    sessions.check = async function (this: typeof sessions, claims, tx) {
      if (failed === 0 && claims.expiresAt !== exp * 1000) {
        failed++
        throw new AppError('unavailable', 'the database is unavailable; retry')
      }
      return check.call(this, claims, tx)
    }
    const errors: { code: string }[] = []
    client.on('error', (e) => errors.push(e))
    try {
      await client.connect(site.id)
      const session = await client.refresh()
      expect(client.token).toBe(session.token)
      expect(failed).toBe(1)
      expect(errors.map((e) => e.code)).toEqual(['unavailable'])
      // Past the old token's expiry the server ends the socket, and the SDK reconnects with the new token.
      const back = waitFor<void>((fn) => client.on('connected', fn), () => true, 10_000, 'connected again')
      await back
      expect(client.connected).toBe(true)
      expect(errors.map((e) => e.code)).toEqual(['unavailable'])
      expect((await client.agents.list()).length).toBeGreaterThan(0)
    } finally {
      sessions.check = check
      client.disconnect()
    }
  })

  it('without autoRefresh, its socket ends with the token: an error event with token_expired', async () => {
    const shortLived = await agentToken(agent.userId, { iat: now() - 60, exp: now() + 2, authTime: now() - 60 })
    const client = new AgentClient({ url: s.url, token: shortLived, autoRefresh: false })
    try {
      const error = waitFor<{ code: string }>((fn) => client.on('error', fn), () => true, 8_000, 'an error event')
      const gone = waitFor<{ reason: string }>((fn) => client.on('disconnected', fn), () => true, 8_000, 'disconnected')
      await client.connect(site.id)
      expect((await error).code).toBe('token_expired')
      expect((await gone).reason).toBe('io server disconnect')
      expect(client.connected).toBe(false)
    } finally {
      client.disconnect()
    }
  })
})
