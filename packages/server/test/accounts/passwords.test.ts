// Passwords: "forgot password" answers the same whether or not the email has an account and
// emails a single-use, 30-minute link (received by a real SMTP server); the reset ends every
// session of the user; changing the password ends every other one. Reused and expired links are
// refused, and bad input writes nothing.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRaw, eventually, rawSocket, type TestServer } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { asOwner, auditOf, bearer, expectError, linkToken, person, signIn, startAccountsServer, uniqueEmail, workspace } from './harness.js'

let s: TestServer
let inbox: TestSmtp
const sockets: { disconnect(): unknown }[] = []
beforeAll(async () => {
  inbox = await startSmtp()
  s = await startAccountsServer({ mail: { smtpUrl: inbox.url, from: 'Chat <chat@example.test>' } })
})
afterAll(async () => {
  for (const c of sockets) c.disconnect()
  await s?.close()
  await inbox?.close()
})

const forgot = (email: string) => request(s.url).post('/api/auth/password/forgot').send({ email })
const reset = (token: string, password: string) => request(s.url).post('/api/auth/password/reset').send({ token, password })
/** The user's reset links. */
const resetRows = async (userId: string) => Number((await asOwner<{ n: string }>('SELECT count(*) AS n FROM password_resets WHERE user_id = $1', [userId]))[0]!.n)
const NEW_PASSWORD = 'a brand new passphrase'

describe('forgot password', () => {
  it('answers the same whether or not the email has an account; only an account gets a link', async () => {
    const ws = await workspace(s)
    const unknown = uniqueEmail('nobody')
    const a = await forgot(unknown)
    const b = await forgot(ws.owner.email.toUpperCase())
    expect({ status: a.status, body: a.body }).toEqual({ status: 202, body: { ok: true } })
    expect({ status: b.status, body: b.body }).toEqual({ status: 202, body: { ok: true } })
    // One link for the account, stored hashed, 30 minutes; the unknown email has none and no email.
    expect(await resetRows(ws.owner.userId)).toBe(1)
    const mail = await inbox.firstMailTo(ws.owner.email)
    const token = linkToken(mail, 'reset')
    const [row] = await asOwner<{ token_hash: string; minutes: number }>('SELECT token_hash, extract(epoch FROM expires_at - created_at) / 60 AS minutes FROM password_resets WHERE id = $1', [token.split('.')[0]])
    expect(Number(row!.minutes)).toBeCloseTo(30, 1)
    expect(token).not.toContain(row!.token_hash)
    expect(inbox.mailsTo(unknown)).toEqual([])
    const events = await auditOf(s, ws.agencyId, 'auth.password_reset_requested')
    expect(events.map((e) => e.actorId)).toEqual([ws.owner.userId])
    expect(JSON.stringify(events)).not.toContain(token.split('.')[1]!)
  })

  it('a removed (deactivated) account gets no link', async () => {
    const ws = await workspace(s)
    await s.db.prisma.user.update({ where: { id: ws.owner.userId }, data: { deactivatedAt: new Date() } })
    expect((await forgot(ws.owner.email)).status).toBe(202)
    expect(await resetRows(ws.owner.userId)).toBe(0)
  })
})

describe('reset password', () => {
  it('sets the password, ends every session (tokens and sockets), and the link works once', async () => {
    const ws = await workspace(s)
    const other = await signIn(s, ws.owner.email)
    const socket = await connectRaw(rawSocket(s.url, '/agent', { token: other.token, siteId: ws.sites[0] }))
    sockets.push(socket)
    const revoked = new Promise<unknown>((resolve) => socket.on('session:revoked', resolve))

    expect((await forgot(ws.owner.email)).status).toBe(202)
    const token = linkToken(await inbox.firstMailTo(ws.owner.email), 'reset')
    const res = await reset(token, NEW_PASSWORD)
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { email: ws.owner.email } })
    expect(await revoked).toMatchObject({ code: 'unauthorized' })

    for (const old of [ws.owner.token, other.token]) expectError(await request(s.url).get('/api/auth/me').set(bearer(old)), 401, 'unauthorized')
    expectError(await request(s.url).post('/api/auth/login').send({ email: ws.owner.email, password: ws.owner.password }), 401, 'unauthorized')
    await signIn(s, ws.owner.email, NEW_PASSWORD)

    expectError(await reset(token, 'yet another passphrase'), 409, 'invalid_state')
    await signIn(s, ws.owner.email, NEW_PASSWORD)
    const user = await s.db.prisma.user.findUniqueOrThrow({ where: { id: ws.owner.userId } })
    expect(user.passwordChangedAt).not.toBeNull()
    expect(await auditOf(s, ws.agencyId, 'auth.password_reset')).toHaveLength(1)
  })

  it('spends every link of the user; an expired link is refused', async () => {
    const ws = await workspace(s)
    await forgot(ws.owner.email)
    await forgot(ws.owner.email)
    await eventually(() => inbox.mailsTo(ws.owner.email).length >= 2, 10_000, 'two links')
    const tokens = inbox.mailsTo(ws.owner.email).map((m) => linkToken(m, 'reset'))
    await asOwner(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE id = $1`, [tokens[0]!.split('.')[0]])
    const expired = await reset(tokens[0]!, NEW_PASSWORD)
    expectError(expired, 409, 'invalid_state')
    expect(expired.body.error.message).toMatch(/expired/)
    await signIn(s, ws.owner.email)

    expect((await reset(tokens[1]!, NEW_PASSWORD)).status).toBe(200)
    await forgot(ws.owner.email)
    const third = (await eventually(() => inbox.mailsTo(ws.owner.email)[2], 10_000, 'a third link'))!
    // A link asked for after the reset works; the earlier ones stay spent.
    expectError(await reset(tokens[1]!, 'and one more passphrase'), 409, 'invalid_state')
    expect((await reset(linkToken(third, 'reset'), 'and one more passphrase')).status).toBe(200)
  })

  it('two resets with one link at once: one succeeds, the other is refused', async () => {
    const ws = await workspace(s)
    await forgot(ws.owner.email)
    const token = linkToken(await inbox.firstMailTo(ws.owner.email), 'reset')
    const [a, b] = await Promise.all([reset(token, 'first new passphrase'), reset(token, 'second new passphrase')])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const won = a.status === 200 ? 'first new passphrase' : 'second new passphrase'
    await signIn(s, ws.owner.email, won)
    expect(await auditOf(s, ws.agencyId, 'auth.password_reset')).toHaveLength(1)
  })

  it('refuses bad input and unknown links with error bodies, changing nothing', async () => {
    const ws = await workspace(s)
    await forgot(ws.owner.email)
    const token = linkToken(await inbox.firstMailTo(ws.owner.email), 'reset')
    expectError(await reset(token, 'short'), 400, 'invalid_payload')
    expectError(await reset('not a token', NEW_PASSWORD), 400, 'invalid_payload')
    expectError(await request(s.url).post('/api/auth/password/reset').send({ token }), 400, 'invalid_payload')
    expectError(await reset(`${token.split('.')[0]}.${'C'.repeat(43)}`, NEW_PASSWORD), 404, 'not_found')
    expectError(await reset(`${crypto.randomUUID()}.${'C'.repeat(43)}`, NEW_PASSWORD), 404, 'not_found')
    expectError(await forgot('not-an-email'), 400, 'invalid_payload')
    expectError(await request(s.url).post('/api/auth/password/forgot').send({}), 400, 'invalid_payload')
    // Nothing changed: the old password and session still work, and the link is still good.
    expect((await request(s.url).get('/api/auth/me').set(bearer(ws.owner.token))).status).toBe(200)
    await signIn(s, ws.owner.email)
    expect((await reset(token, NEW_PASSWORD)).status).toBe(200)
  })
})

describe('change password', () => {
  it('needs the current password; ends every other session, this one goes on', async () => {
    const ws = await workspace(s)
    const member = await person(s, ws.agencyId, 'member', [{ siteId: ws.sites[0]!, role: 'agent' }])
    const phone = await signIn(s, member.email)
    const socket = await connectRaw(rawSocket(s.url, '/agent', { token: phone.token, siteId: ws.sites[0] }))
    sockets.push(socket)
    const revoked = new Promise<unknown>((resolve) => socket.on('session:revoked', resolve))
    const change = (body: Record<string, unknown>, token = member.token) => request(s.url).post('/api/auth/password').set(bearer(token)).send(body)

    const wrong = await change({ currentPassword: 'not my password', newPassword: NEW_PASSWORD })
    expectError(wrong, 400, 'invalid_payload')
    expect(wrong.body.error.details).toEqual([{ path: 'currentPassword', message: expect.any(String) }])
    expectError(await change({ currentPassword: member.password, newPassword: 'short' }), 400, 'invalid_payload')
    expectError(await request(s.url).post('/api/auth/password').send({ currentPassword: member.password, newPassword: NEW_PASSWORD }), 401, 'unauthorized')
    expect((await request(s.url).get('/api/auth/me').set(bearer(phone.token))).status).toBe(200)

    expect((await change({ currentPassword: member.password, newPassword: NEW_PASSWORD })).status).toBe(204)
    expect(await revoked).toMatchObject({ code: 'unauthorized' })
    expectError(await request(s.url).get('/api/auth/me').set(bearer(phone.token)), 401, 'unauthorized')
    expect((await request(s.url).get('/api/auth/me').set(bearer(member.token))).status).toBe(200)
    await signIn(s, member.email, NEW_PASSWORD)
    expectError(await request(s.url).post('/api/auth/login').send({ email: member.email, password: member.password }), 401, 'unauthorized')
    const events = await auditOf(s, ws.agencyId, 'auth.password_changed')
    expect(events.map((e) => e.actorId)).toEqual([member.userId])
    const revokedRows = await s.db.asUser(member.userId, (tx) => tx.userSession.findMany({ where: { revokedAt: { not: null } } }))
    expect(revokedRows.map((r) => [r.id, r.revokedReason])).toEqual([[phone.sessionId, 'password_changed']])
  })
})
