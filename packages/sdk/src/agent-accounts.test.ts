// Unit tests of AgentClient's account methods: which token each request carries and what the
// client keeps (a stubbed fetch), and how it reacts to the server ending or changing its session
// (a real socket.io server standing in for the /agent namespace).
import type { AddressInfo } from 'node:net'
import { createServer, type Server as HttpServer } from 'node:http'
import { Server, type Socket as ServerSocket } from 'socket.io'
import type { AgentSession, TwoFactorRequired } from '@live-chat/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AgentClient, type AgentEvents } from './agent-client.js'

const URL_BASE = 'http://127.0.0.1:9'
const SITE = '00000000-0000-4000-8000-000000000001'

const session = (token: string): AgentSession => ({
  token,
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u1', email: 'a@example.com', name: 'Ann', avatarUrl: null, twoFactorEnabled: false },
  sites: [{ siteId: SITE, siteName: 'Shop', agentId: 'a1', role: 'admin' }],
  agency: null,
  sessionId: 's1',
})
const challenge: TwoFactorRequired = { twoFactor: 'required', challenge: 'ch-1', expiresAt: '2030-01-01T00:00:00.000Z' }

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

interface Call {
  key: string
  body: unknown
  authorization: string | undefined
}

/** A fetch stub answering by "METHOD path", recording each call's body and Authorization. */
function stubFetch(routes: Record<string, (body: unknown) => Response>) {
  const calls: Call[] = []
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${new URL(url).pathname}`
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    calls.push({ key, body, authorization: (init?.headers as Record<string, string> | undefined)?.authorization })
    const route = routes[key]
    return route ? route(body) : json(404, { error: { code: 'not_found', message: key } })
  })
  return { fetch, calls }
}

const clients: AgentClient[] = []
function client(options: ConstructorParameters<typeof AgentClient>[0]): AgentClient {
  const c = new AgentClient({ autoRefresh: false, ...options })
  clients.push(c)
  return c
}
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})

describe('AgentClient.login with two-factor sign-in', () => {
  it('answers TwoFactorRequired and keeps no token; the second step keeps the session’s', async () => {
    const { fetch, calls } = stubFetch({
      'POST /api/auth/login': () => json(200, challenge),
      'POST /api/auth/login/two-factor': () => json(200, session('after-code')),
    })
    const c = client({ url: URL_BASE, fetch })
    const tokens: string[] = []
    c.on('token', ({ token }) => tokens.push(token))

    const result = await c.login('a@example.com', 'pw')
    expect(result).toEqual(challenge)
    expect(c.token).toBeNull()
    expect(tokens).toEqual([])

    await c.loginTwoFactor('ch-1', { recoveryCode: 'abcd-efgh' })
    expect(calls[1]).toEqual({ key: 'POST /api/auth/login/two-factor', body: { challenge: 'ch-1', recoveryCode: 'abcd-efgh' }, authorization: undefined })
    expect(c.token).toBe('after-code')
    expect(tokens).toEqual(['after-code'])
  })

  it('enrolment at sign-in asks for a secret with the challenge, then keeps the session it answers', async () => {
    const { fetch, calls } = stubFetch({
      'POST /api/auth/login/two-factor/setup': () => json(200, { secret: 'JBSWY3DP', uri: 'otpauth://totp/x', qrSvg: '<svg/>' }),
      'POST /api/auth/login/two-factor/enable': () => json(200, { ...session('enrolled'), recoveryCodes: ['a', 'b'] }),
    })
    const c = client({ url: URL_BASE, fetch })
    await expect(c.loginTwoFactorSetup('ch-2')).resolves.toMatchObject({ secret: 'JBSWY3DP' })
    const done = await c.loginTwoFactorEnable('ch-2', '123456')
    expect(done.recoveryCodes).toEqual(['a', 'b'])
    expect(calls.map((x) => x.body)).toEqual([{ challenge: 'ch-2' }, { challenge: 'ch-2', code: '123456' }])
    expect(c.token).toBe('enrolled')
  })
})

describe('AgentClient public account calls', () => {
  it('send their token in the body, never the held agent token, and keep the session of setup and invitations', async () => {
    const { fetch, calls } = stubFetch({
      'GET /api/setup': () => json(200, { needed: true }),
      'POST /api/setup/verify': () => json(204),
      'POST /api/setup': () => json(201, { session: session('owner'), site: { id: SITE, name: 'Shop' } }),
      'POST /api/invitations/lookup': () => json(200, { email: 'b@example.com', agencyName: 'Acme', invitedBy: 'Ann', role: 'member', sites: [], expiresAt: 'x' }),
      'POST /api/invitations/accept': () => json(201, session('invitee')),
      'POST /api/auth/password/forgot': () => json(202, { ok: true }),
      'POST /api/auth/password/reset': () => json(200, { email: 'a@example.com' }),
    })
    const c = client({ url: URL_BASE, fetch, token: 'held' })
    await expect(c.setup.state()).resolves.toEqual({ needed: true })
    await c.setup.verify('id.setup-secret')
    await c.account.forgotPassword('a@example.com')
    await expect(c.account.resetPassword('id.reset-secret', 'a new password')).resolves.toEqual({ email: 'a@example.com' })
    await expect(c.invitations.lookup('id.invite-secret')).resolves.toMatchObject({ agencyName: 'Acme' })
    expect(c.token).toBe('held')

    const done = await c.setup.complete({ token: 'id.setup-secret', name: 'Ann', email: 'a@example.com', password: 'long enough pw', agencyName: 'Acme', siteName: 'Shop' })
    expect(done.site.id).toBe(SITE)
    expect(c.token).toBe('owner')
    await c.invitations.accept({ token: 'id.invite-secret', name: 'Bo', password: 'long enough pw' })
    expect(c.token).toBe('invitee')

    expect(calls.every((x) => x.authorization === undefined)).toBe(true)
    expect(calls.find((x) => x.key === 'POST /api/auth/password/reset')?.body).toEqual({ token: 'id.reset-secret', password: 'a new password' })
    expect(calls.find((x) => x.key === 'POST /api/setup/verify')?.body).toEqual({ token: 'id.setup-secret' })
  })
})

describe('AgentClient signed-in account calls', () => {
  it('go with the agent token to their routes', async () => {
    const { fetch, calls } = stubFetch({
      'POST /api/auth/password': () => json(204),
      'GET /api/auth/sessions': () => json(200, { items: [{ id: 's1', current: true }] }),
      'DELETE /api/auth/sessions/s%2F2': () => json(204),
      'POST /api/auth/two-factor/setup': () => json(200, { secret: 'S', uri: 'u', qrSvg: '<svg/>' }),
      'POST /api/auth/two-factor/enable': () => json(200, { recoveryCodes: ['r1'] }),
      'POST /api/auth/two-factor/disable': () => json(204),
      'POST /api/auth/two-factor/recovery-codes': () => json(200, { recoveryCodes: ['r2'] }),
    })
    const c = client({ url: URL_BASE, fetch, token: 'mine' })
    await c.account.changePassword('old password', 'new password!')
    await expect(c.account.sessions()).resolves.toEqual([{ id: 's1', current: true }])
    await c.account.endSession('s/2')
    await c.account.twoFactorSetup()
    await expect(c.account.twoFactorEnable('123456')).resolves.toEqual({ recoveryCodes: ['r1'] })
    await c.account.twoFactorDisable('pw')
    await expect(c.account.regenerateRecoveryCodes('pw')).resolves.toEqual({ recoveryCodes: ['r2'] })
    expect(calls.map((x) => [x.key, x.body])).toEqual([
      ['POST /api/auth/password', { currentPassword: 'old password', newPassword: 'new password!' }],
      ['GET /api/auth/sessions', undefined],
      ['DELETE /api/auth/sessions/s%2F2', undefined],
      ['POST /api/auth/two-factor/setup', undefined],
      ['POST /api/auth/two-factor/enable', { code: '123456' }],
      ['POST /api/auth/two-factor/disable', { password: 'pw' }],
      ['POST /api/auth/two-factor/recovery-codes', { password: 'pw' }],
    ])
    expect(calls.every((x) => x.authorization === 'Bearer mine')).toBe(true)
  })

  it('logout() ends the session on the server, then forgets the token', async () => {
    const { fetch, calls } = stubFetch({ 'POST /api/auth/logout': () => json(204) })
    const c = client({ url: URL_BASE, fetch, token: 'mine' })
    await c.logout()
    expect(calls).toEqual([{ key: 'POST /api/auth/logout', body: undefined, authorization: 'Bearer mine' }])
    expect(c.token).toBeNull()
    await expect(c.connect(SITE)).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('logout() of an already ended session resolves; an unreachable server still signs out locally, then throws', async () => {
    const ended = client({ url: URL_BASE, token: 'gone', fetch: stubFetch({ 'POST /api/auth/logout': () => json(401, { error: { code: 'unauthorized', message: 'ended' } }) }).fetch })
    await expect(ended.logout()).resolves.toBeUndefined()
    expect(ended.token).toBeNull()

    const down = client({ url: URL_BASE, token: 'mine', fetch: stubFetch({ 'POST /api/auth/logout': () => json(503, { error: { code: 'unavailable', message: 'down' } }) }).fetch })
    await expect(down.logout()).rejects.toMatchObject({ code: 'unavailable' })
    expect(down.token).toBeNull()
  })
})

/** A stand-in for the server's /agent namespace: accepts `accept` tokens, refuses others as unauthorized or forbidden. */
async function agentServer(accept: (auth: Record<string, unknown>) => 'ok' | 'unauthorized' | 'forbidden') {
  const http: HttpServer = createServer()
  const io = new Server(http)
  const handshakes: Record<string, unknown>[] = []
  const sockets: ServerSocket[] = []
  io.of('/agent').use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>
    handshakes.push(auth)
    const verdict = accept(auth)
    if (verdict === 'ok') return next()
    next(Object.assign(new Error(verdict), { data: { code: verdict, message: `refused: ${verdict}` } }))
  })
  io.of('/agent').on('connection', (socket) => sockets.push(socket))
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  return {
    url,
    handshakes,
    sockets,
    close: () => new Promise<void>((r) => io.close(() => r())),
  }
}

/** The next `event` of the client. */
function next<K extends keyof AgentEvents>(c: AgentClient, event: K): Promise<AgentEvents[K]> {
  return new Promise((resolve) => {
    const off = c.on(event, ((payload: AgentEvents[K]) => {
      off()
      resolve(payload)
    }) as never)
  })
}

describe('AgentClient when the server ends or changes the session', () => {
  const servers: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect()
    for (const s of servers.splice(0)) await s.close()
  })

  it('session:revoked: emits signed-out, forgets the token, drops unsent messages and does not reconnect', async () => {
    const server = await agentServer(() => 'ok')
    servers.push(server)
    const c = client({ url: server.url, token: 'mine', socketOptions: { transports: ['websocket'] } })
    await c.connect(SITE)
    expect(server.handshakes).toEqual([{ token: 'mine', siteId: SITE }])
    // A message the server has not acknowledged yet (this stand-in never does).
    const unsent = c.send('00000000-0000-4000-8000-0000000000c1', 'hello')
    const signedOut = next(c, 'signed-out')
    server.sockets[0]!.emit('session:revoked', { code: 'unauthorized', message: 'the session was ended' })
    server.sockets[0]!.disconnect(true)
    const event = await signedOut
    expect(event.reason).toBe('revoked')
    expect(event.error.code).toBe('unauthorized')
    expect(c.token).toBeNull()
    expect(c.connected).toBe(false)
    // It cannot go out under the ended session.
    await expect(unsent).rejects.toMatchObject({ code: 'unauthorized' })
    expect(c.pending).toBe(0)
    expect(server.handshakes).toHaveLength(1)
  })

  it('session:changed: emits access-changed and connects again with a new handshake', async () => {
    const server = await agentServer(() => 'ok')
    servers.push(server)
    const c = client({ url: server.url, token: 'mine', socketOptions: { transports: ['websocket'] } })
    await c.connect(SITE)
    const changed = next(c, 'access-changed')
    const reconnected = new Promise<void>((resolve) => c.on('connected', () => resolve()))
    server.sockets[0]!.emit('session:changed', { reason: 'role_changed' })
    server.sockets[0]!.disconnect(true)
    await expect(changed).resolves.toEqual({ siteId: SITE, reason: 'role_changed' })
    await reconnected
    expect(server.handshakes).toHaveLength(2)
    expect(c.token).toBe('mine')
  })

  it('a removed agent’s new handshake is refused as forbidden: an error, still signed in; a refused token signs out', async () => {
    let verdict: 'ok' | 'unauthorized' | 'forbidden' = 'ok'
    const server = await agentServer(() => verdict)
    servers.push(server)
    const c = client({ url: server.url, token: 'mine', socketOptions: { transports: ['websocket'] } })
    await c.connect(SITE)
    verdict = 'forbidden'
    const refused = next(c, 'error')
    server.sockets[0]!.emit('session:changed', { reason: 'removed' })
    server.sockets[0]!.disconnect(true)
    expect((await refused).code).toBe('forbidden')
    expect(c.token).toBe('mine')

    // Connecting to another site with a token whose session has since ended: signed out.
    verdict = 'unauthorized'
    const signedOut = next(c, 'signed-out')
    await expect(c.connect('00000000-0000-4000-8000-000000000002')).rejects.toMatchObject({ code: 'unauthorized' })
    expect((await signedOut).error.code).toBe('unauthorized')
    expect(c.token).toBeNull()
  })

  it('removed while reconnecting after a role change: the refused handshake says access-changed (removed)', async () => {
    let verdict: 'ok' | 'forbidden' = 'ok'
    const server = await agentServer(() => verdict)
    servers.push(server)
    const c = client({ url: server.url, token: 'mine', socketOptions: { transports: ['websocket'] } })
    await c.connect(SITE)
    const changes: AgentEvents['access-changed'][] = []
    c.on('access-changed', (e) => changes.push(e))
    // The removal lands while the socket is down for the role change: no session:changed for it.
    verdict = 'forbidden'
    server.sockets[0]!.emit('session:changed', { reason: 'role_changed' })
    server.sockets[0]!.disconnect(true)
    await vi.waitFor(() => expect(changes).toEqual([{ siteId: SITE, reason: 'role_changed' }, { siteId: SITE, reason: 'removed' }]))
    expect(c.token).toBe('mine')
  })

  it('logout() while connected: the server’s session:revoked for it is not reported as signed-out', async () => {
    const server = await agentServer(() => 'ok')
    servers.push(server)
    const fetch = vi.fn(async () => {
      // The server ends the session and tells the socket before it answers.
      server.sockets[0]!.emit('session:revoked', { code: 'unauthorized', message: 'signed out' })
      await new Promise((r) => setTimeout(r, 50))
      return json(204)
    })
    const c = client({ url: server.url, token: 'mine', fetch, socketOptions: { transports: ['websocket'] } })
    await c.connect(SITE)
    const signedOut = vi.fn()
    c.on('signed-out', signedOut)
    await c.logout()
    expect(signedOut).not.toHaveBeenCalled()
    expect(c.token).toBeNull()
    expect(c.connected).toBe(false)
  })
})
