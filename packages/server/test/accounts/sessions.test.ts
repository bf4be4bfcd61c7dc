// The signed-in user's sessions: listed with device and last use, one ended from another device
// (its token refused, its socket disconnected), never someone else's; sign-outs and ended
// sessions are in the agency's audit log.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UserSession } from '@live-chat/protocol'
import { connectRaw, rawSocket, type TestServer } from '../helpers.js'
import { auditOf, bearer, expectError, signIn, startAccountsServer, workspace } from './harness.js'

let s: TestServer
const sockets: { disconnect(): unknown }[] = []
beforeAll(async () => {
  s = await startAccountsServer()
})
afterAll(async () => {
  for (const c of sockets) c.disconnect()
  await s?.close()
})

const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:140.0) Gecko/20100101 Firefox/140.0'

describe('GET and DELETE /api/auth/sessions', () => {
  it('lists the user’s sessions; ending one refuses its token and disconnects its socket; the audit log has it', async () => {
    const ws = await workspace(s)
    const laptop = await request(s.url).post('/api/auth/login').set('User-Agent', FIREFOX).send({ email: ws.owner.email, password: ws.owner.password })
    const phone = laptop.body.token as string
    const phoneSession = laptop.body.sessionId as string
    const list = await request(s.url).get('/api/auth/sessions').set(bearer(ws.owner.token))
    expect(list.status).toBe(200)
    const items = list.body.items as UserSession[]
    expect(items.map((i) => i.id).sort()).toEqual([ws.owner.session.sessionId, phoneSession].sort())
    expect(items.find((i) => i.id === phoneSession)).toMatchObject({ device: 'Firefox 140 on macOS', ip: expect.any(String), current: false })
    expect(items.find((i) => i.id === ws.owner.session.sessionId)?.current).toBe(true)

    const socket = await connectRaw(rawSocket(s.url, '/agent', { token: phone, siteId: ws.sites[0] }))
    sockets.push(socket)
    const revoked = new Promise<unknown>((resolve) => socket.on('session:revoked', resolve))
    expect((await request(s.url).delete(`/api/auth/sessions/${phoneSession}`).set(bearer(ws.owner.token))).status).toBe(204)
    expect(await revoked).toMatchObject({ code: 'unauthorized' })
    expectError(await request(s.url).get('/api/auth/me').set(bearer(phone)), 401, 'unauthorized')
    const after = (await request(s.url).get('/api/auth/sessions').set(bearer(ws.owner.token))).body.items as UserSession[]
    expect(after.map((i) => i.id)).toEqual([ws.owner.session.sessionId])
    expect((await auditOf(s, ws.agencyId, 'auth.session_revoked')).map((e) => e.targetId)).toEqual([phoneSession])
    // Ended already: 404.
    expectError(await request(s.url).delete(`/api/auth/sessions/${phoneSession}`).set(bearer(ws.owner.token)), 404, 'not_found')
  })

  it('another user’s session is 404 and stays; bad ids and missing tokens are refused', async () => {
    const mine = await workspace(s)
    const theirs = await workspace(s)
    expectError(await request(s.url).delete(`/api/auth/sessions/${theirs.owner.session.sessionId}`).set(bearer(mine.owner.token)), 404, 'not_found')
    expect((await request(s.url).get('/api/auth/me').set(bearer(theirs.owner.token))).status).toBe(200)
    expectError(await request(s.url).delete('/api/auth/sessions/not-a-session').set(bearer(mine.owner.token)), 400, 'invalid_payload')
    expectError(await request(s.url).get('/api/auth/sessions'), 401, 'unauthorized')
    expect(await auditOf(s, mine.agencyId, 'auth.session_revoked')).toEqual([])
  })

  it('signing out is recorded as auth.logout', async () => {
    const ws = await workspace(s)
    const other = await signIn(s, ws.owner.email)
    expect((await request(s.url).post('/api/auth/logout').set(bearer(other.token))).status).toBe(204)
    const events = await auditOf(s, ws.agencyId, 'auth.logout')
    expect(events.map((e) => [e.actorId, e.targetId])).toEqual([[ws.owner.userId, other.sessionId]])
    expect((await request(s.url).get('/api/auth/me').set(bearer(ws.owner.token))).status).toBe(200)
  })
})
