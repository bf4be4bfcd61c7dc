// Sessions: every agent token names a sign-in session, checked on every request and socket.
// Ending one refuses its tokens at once and ends its live sockets (session:revoked), and only
// its own: the user's other devices go on. A process whose notice connection dropped catches up.
import request from 'supertest'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import type { AgentSession } from '@live-chat/protocol'
import { connectRaw, rawSocket, serverPerFile, waitFor } from '../helpers.js'

const file = serverPerFile()
const track = <C extends { disconnect(): unknown }>(c: C): C => file.track(c)
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

async function twoDevices() {
  const site = await file.s.fx.site()
  const agent = await file.s.fx.agent(site.id)
  const login = () => request(file.s.url).post('/api/auth/login').set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36').send({ email: agent.email, password: agent.password })
  const [laptop, phone] = await Promise.all([login(), login()])
  expect([laptop.status, phone.status]).toEqual([200, 200])
  return { site, agent, laptop: laptop.body as AgentSession, phone: phone.body as AgentSession }
}

function revokedEvent(socket: ReturnType<typeof rawSocket>) {
  return new Promise<{ event: unknown; reason: string }>((resolve) => {
    let event: unknown
    socket.on('session:revoked', (e: unknown) => (event = e))
    socket.on('disconnect', (reason) => resolve({ event, reason }))
  })
}

describe('sessions', () => {
  it('each sign-in is its own session, named in its token and listed with its device', async () => {
    const { laptop, phone } = await twoDevices()
    expect(laptop.sessionId).not.toBe(phone.sessionId)
    const claims = JSON.parse(Buffer.from(laptop.token.split('.')[1]!, 'base64url').toString()) as { sid: string }
    expect(claims.sid).toBe(laptop.sessionId)
    const rows = await file.s.db.asUser(laptop.user.id, (tx) => tx.userSession.findMany({ where: { id: { in: [laptop.sessionId, phone.sessionId] } } }))
    expect(rows.map((r) => r.device)).toEqual(['Chrome 156 on Linux', 'Chrome 156 on Linux'])
  })

  it('signing out refuses that session’s tokens everywhere at once and ends its socket; the other device goes on', async () => {
    const { site, laptop, phone } = await twoDevices()
    const laptopSocket = track(await connectRaw(rawSocket(file.s.url, '/agent', { token: laptop.token, siteId: site.id })))
    const phoneSocket = track(await connectRaw(rawSocket(file.s.url, '/agent', { token: phone.token, siteId: site.id })))
    const ended = revokedEvent(laptopSocket)
    let phoneDropped = false
    phoneSocket.on('disconnect', () => (phoneDropped = true))

    expect((await request(file.s.url).post('/api/auth/logout').set(bearer(laptop.token))).status).toBe(204)
    const { event, reason } = await ended
    expect(event).toMatchObject({ code: 'unauthorized' })
    expect(reason).toBe('io server disconnect')

    for (const res of [
      await request(file.s.url).get('/api/auth/me').set(bearer(laptop.token)),
      await request(file.s.url).post('/api/auth/refresh').set(bearer(laptop.token)),
      await request(file.s.url).get(`/api/sites/${site.id}/conversations`).set(bearer(laptop.token)),
      await request(file.s.url).get('/api/agency').set(bearer(laptop.token)),
      await request(file.s.url).post('/api/auth/logout').set(bearer(laptop.token)),
    ]) {
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 401, code: 'unauthorized' })
    }
    await expect(connectRaw(rawSocket(file.s.url, '/agent', { token: laptop.token, siteId: site.id }))).rejects.toMatchObject({ data: { code: 'unauthorized' } })

    // The phone's session stands: its socket stays and its token works.
    expect((await request(file.s.url).get(`/api/sites/${site.id}/conversations`).set(bearer(phone.token))).status).toBe(200)
    expect(phoneDropped).toBe(false)
    expect(phoneSocket.connected).toBe(true)
  })

  it('a refreshed token belongs to the same session and ends with it; auth:renew refuses another session’s token', async () => {
    const { site, laptop, phone } = await twoDevices()
    const fresh = (await request(file.s.url).post('/api/auth/refresh').set(bearer(laptop.token))).body as AgentSession
    expect(fresh.sessionId).toBe(laptop.sessionId)
    const socket = track(await connectRaw(rawSocket(file.s.url, '/agent', { token: laptop.token, siteId: site.id })))
    const renewed = (await socket.timeout(5_000).emitWithAck('auth:renew', { token: phone.token })) as { ok: boolean; error?: { code: string } }
    expect(renewed).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await request(file.s.url).post('/api/auth/logout').set(bearer(fresh.token)).expect(204)
    expect((await request(file.s.url).get('/api/auth/me').set(bearer(laptop.token))).status).toBe(401)
  })

  it('the SDK: the client of a session ended elsewhere stops and says so (signed-out), and is disconnected', async () => {
    const { site, laptop, phone } = await twoDevices()
    const client = track(new AgentClient({ url: file.s.url, token: laptop.token }))
    await client.connect(site.id)
    const signedOut = waitFor<{ reason: string; error: { code: string } }>((fn) => client.on('signed-out', fn))
    // Signed out from the phone ("sign out that device").
    await request(file.s.url).delete(`/api/auth/sessions/${laptop.sessionId}`).set(bearer(phone.token)).expect(204)
    expect(await signedOut).toMatchObject({ reason: 'revoked', error: { code: 'unauthorized' } })
    expect(client.connected).toBe(false)
    expect(client.token).toBeNull()
  })

  it('a handshake that raced a sign-out or a removal is ended once it is through (connected() checks again)', async () => {
    const { site, laptop, phone } = await twoDevices()
    // The handshake authenticated first...
    const onLaptop = await file.s.services.agents.authenticate(laptop.token, site.id)
    const onPhone = await file.s.services.agents.authenticate(phone.token, site.id)
    // ...then the laptop's session ended and the membership was removed before the connection went on.
    await request(file.s.url).post('/api/auth/logout').set(bearer(laptop.token)).expect(204)
    expect(await file.s.services.agents.connected(onLaptop, 'raced-sign-out')).toBe('revoked')
    const admin = await file.s.fx.agent(site.id, { role: 'admin' })
    await request(file.s.url).delete(`/api/sites/${site.id}/agents/${onPhone.agentId}`).set(bearer(admin.token)).expect(204)
    expect(await file.s.services.agents.connected(onPhone, 'raced-removal')).toBe('removed')
    const present = await file.s.db.inSite(site.id, (tx) => tx.connection.count({ where: { socketId: { in: ['raced-sign-out', 'raced-removal'] } } }))
    expect(present).toBe(0)
  })

  it('a deactivated account’s sessions are refused, whatever their tokens say', async () => {
    const { site, laptop } = await twoDevices()
    await file.s.db.prisma.user.update({ where: { id: laptop.user.id }, data: { deactivatedAt: new Date() } })
    const res = await request(file.s.url).get(`/api/sites/${site.id}/agents`).set(bearer(laptop.token))
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 401, code: 'unauthorized' })
  })

  it('when the notice connection drops, the process checks its sockets again once it is back', async () => {
    const { site, laptop } = await twoDevices()
    const socket = track(await connectRaw(rawSocket(file.s.url, '/agent', { token: laptop.token, siteId: site.id })))
    const ended = revokedEvent(socket)
    const admin = new pg.Client({ connectionString: inject('databaseUrl') })
    await admin.connect()
    try {
      // The session ends without a notice (as if it was sent while the listener was away)...
      await admin.query(`UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'revoked' WHERE id = $1`, [laptop.sessionId])
      // ...and the listening connection drops: the server reconnects and catches up.
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`)
      expect(killed.rowCount).toBeGreaterThan(0)
      expect((await ended).event).toMatchObject({ code: 'unauthorized' })
    } finally {
      await admin.end()
    }
  })
})
