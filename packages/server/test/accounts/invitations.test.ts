// Invitations end to end: the email (received by a real local SMTP server) carries a single-use
// link; the invitee sets name and password and lands signed in with the invitation's roles.
// Without email (or when sending fails) the admin gets the link. Reused, revoked, replaced and
// expired links are refused; two accepts at once make one member; bad input writes nothing.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentSession, Invitation, InvitationPreview, InvitationSent } from '@live-chat/protocol'
import { freePort } from '../processes.js'
import type { TestServer } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { asOwner, auditOf, bearer, expectError, linkToken, PASSWORD, person, startAccountsServer, tokenOf, uniqueEmail, workspace } from './harness.js'

let s: TestServer
/** No SMTP at all. */
let noMail: TestServer
/** SMTP that cannot be reached: sending fails. */
let failing: TestServer
let inbox: TestSmtp
beforeAll(async () => {
  inbox = await startSmtp()
  ;[s, noMail, failing] = await Promise.all([
    startAccountsServer({ mail: { smtpUrl: inbox.url, from: 'Chat <chat@example.test>' } }),
    startAccountsServer(),
    startAccountsServer({ mail: { smtpUrl: `smtp://127.0.0.1:${await freePort()}` } }),
  ])
})
afterAll(async () => {
  await Promise.all([s?.close(), noMail?.close(), failing?.close()])
  await inbox?.close()
})

const invite = (server: TestServer, token: string, body: Record<string, unknown>) => request(server.url).post('/api/agency/invitations').set(bearer(token)).send(body)
const accept = (server: TestServer, token: string, name = 'Ivy Invitee', password = PASSWORD) => request(server.url).post('/api/invitations/accept').send({ token, name, password })
const lookup = (server: TestServer, token: string) => request(server.url).post('/api/invitations/lookup').send({ token })
const invitationCount = async (agencyId: string) => s.db.inAgency(agencyId, (tx) => tx.invitation.count())

describe('an invitation by email', () => {
  it('emails a single-use link; the invitee sets name and password and lands signed in on the site', async () => {
    const ws = await workspace(s, 2)
    const email = uniqueEmail('ivy')
    const res = await invite(s, ws.owner.token, { email: email.toUpperCase(), sites: [{ siteId: ws.sites[0], role: 'agent' }] })
    expect(res.status, res.text).toBe(201)
    const sent = res.body as InvitationSent
    expect(sent).toEqual({
      invitation: {
        id: expect.any(String),
        email,
        role: 'member',
        sites: [{ siteId: ws.sites[0], siteName: 'Site 1 of ' + (await agencyName(ws.agencyId)), role: 'agent' }],
        status: 'pending',
        invitedBy: ws.owner.name,
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      },
      emailed: true,
    })
    const days = (Date.parse(sent.invitation!.expiresAt) - Date.parse(sent.invitation!.createdAt)) / 86_400_000
    expect(days).toBeCloseTo(7, 2)

    const mail = await inbox.firstMailTo(email)
    expect(mail.subject).toContain(await agencyName(ws.agencyId))
    expect(mail.text).toContain(ws.owner.name)
    const token = linkToken(mail, 'invite')
    expect(mail.html).toContain(`/dashboard/#invite/${token}`)
    // Only the secret's hash is stored.
    const [row] = await asOwner<{ token_hash: string }>('SELECT token_hash FROM invitations WHERE id = $1', [sent.invitation!.id])
    expect(token).not.toContain(row!.token_hash)

    const preview = (await lookup(s, token)).body as InvitationPreview
    expect(preview).toEqual({ email, agencyName: await agencyName(ws.agencyId), invitedBy: ws.owner.name, role: 'member', sites: [{ siteName: expect.stringMatching(/^Site 1/), role: 'agent' }], expiresAt: sent.invitation!.expiresAt })

    const accepted = await accept(s, token)
    expect(accepted.status, accepted.text).toBe(201)
    const session = accepted.body as AgentSession
    expect(session.user).toMatchObject({ email, name: 'Ivy Invitee' })
    expect(session.agency).toMatchObject({ id: ws.agencyId, role: 'member' })
    expect(session.sites).toEqual([{ siteId: ws.sites[0], siteName: expect.any(String), agentId: expect.any(String), role: 'agent' }])
    expect((await request(s.url).get(`/api/sites/${ws.sites[0]}/conversations`).set(bearer(session.token))).status).toBe(200)
    expect((await request(s.url).get(`/api/sites/${ws.sites[1]}/conversations`).set(bearer(session.token))).status).toBe(403)
    expect((await request(s.url).post('/api/auth/login').send({ email, password: PASSWORD })).status).toBe(200)

    // Single use: the link is spent, and the list says accepted.
    expectError(await accept(s, token, 'Someone Else'), 409, 'invalid_state')
    expectError(await lookup(s, token), 409, 'invalid_state')
    const list = await request(s.url).get('/api/agency/invitations?status=accepted').set(bearer(ws.owner.token))
    expect((list.body.items as Invitation[]).map((i) => [i.email, i.status])).toEqual([[email, 'accepted']])
    expect((await auditOf(s, ws.agencyId, 'invitation.created')).map((e) => e.targetLabel)).toEqual([email])
    const acceptedEvents = await auditOf(s, ws.agencyId, 'invitation.accepted')
    expect(acceptedEvents.map((e) => e.actorId)).toEqual([session.user.id])
    expect(JSON.stringify(acceptedEvents)).not.toContain(token.split('.')[1]!)
  })

  it('an agency admin invitation makes an admin of every site, those made later too', async () => {
    const ws = await workspace(s, 2)
    const email = uniqueEmail('ada')
    const sent = (await invite(s, ws.owner.token, { email, role: 'admin' })).body as InvitationSent
    expect(sent.invitation).toMatchObject({ role: 'admin', sites: [] })
    const session = (await accept(s, linkToken(await inbox.firstMailTo(email), 'invite'), 'Ada Admin')).body as AgentSession
    expect(session.agency?.role).toBe('admin')
    expect(session.sites.map((x) => [x.siteId, x.role]).sort()).toEqual(ws.sites.map((id) => [id, 'admin']).sort())
    const later = await s.services.sites.create({ agencyId: ws.agencyId, name: 'Later site' })
    const me = await request(s.url).get('/api/auth/me').set(bearer(session.token))
    expect(me.body.sites.map((x: { siteId: string }) => x.siteId)).toContain(later.id)
  })

  it('without SMTP, or when sending fails, the answer carries the link to hand over', async () => {
    for (const server of [noMail, failing]) {
      const ws = await workspace(server)
      const email = uniqueEmail('hand')
      const res = await invite(server, ws.owner.token, { email, sites: [{ siteId: ws.sites[0], role: 'admin' }] })
      expect(res.status, res.text).toBe(201)
      const sent = res.body as InvitationSent
      expect(sent.emailed).toBe(false)
      const session = (await accept(server, tokenOf(sent.link, 'invite'))).body as AgentSession
      expect(session.sites).toEqual([{ siteId: ws.sites[0], siteName: expect.any(String), agentId: expect.any(String), role: 'admin' }])
    }
  })

  it('two accepts at once make one member and one refusal', async () => {
    const ws = await workspace(noMail)
    const email = uniqueEmail('twice')
    const sent = (await invite(noMail, ws.owner.token, { email, sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    const token = tokenOf(sent.link, 'invite')
    const [a, b] = await Promise.all([accept(noMail, token, 'First'), accept(noMail, token, 'Second')])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    const refused = a.status === 409 ? a : b
    expect(['invalid_state', 'conflict']).toContain(refused.body.error.code)
    const users = await s.db.prisma.user.findMany({ where: { email } })
    expect(users).toHaveLength(1)
    const members = await s.db.inSite(ws.sites[0]!, (tx) => tx.agent.count({ where: { userId: users[0]!.id } }))
    expect(members).toBe(1)
    expect(await auditOf(s, ws.agencyId, 'invitation.accepted')).toHaveLength(1)
  })
})

describe('resend, revoke and expiry', () => {
  it('resend makes a new link and the old one stops working', async () => {
    const ws = await workspace(noMail)
    const email = uniqueEmail('re')
    const first = (await invite(noMail, ws.owner.token, { email, sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    const again = await request(noMail.url).post(`/api/agency/invitations/${first.invitation!.id}/resend`).set(bearer(ws.owner.token))
    expect(again.status, again.text).toBe(200)
    const second = again.body as InvitationSent
    expect(second.invitation!.id).toBe(first.invitation!.id)
    expect(second.link).not.toBe(first.link)
    expectError(await lookup(noMail, tokenOf(first.link, 'invite')), 404, 'not_found')
    expectError(await accept(noMail, tokenOf(first.link, 'invite')), 404, 'not_found')
    expect((await accept(noMail, tokenOf(second.link, 'invite'))).status).toBe(201)
    expect(await auditOf(noMail, ws.agencyId, 'invitation.resent')).toHaveLength(1)
    // Accepted: neither resent nor revoked.
    expectError(await request(noMail.url).post(`/api/agency/invitations/${first.invitation!.id}/resend`).set(bearer(ws.owner.token)), 409, 'invalid_state')
    expectError(await request(noMail.url).delete(`/api/agency/invitations/${first.invitation!.id}`).set(bearer(ws.owner.token)), 409, 'invalid_state')
  })

  it('a revoked invitation is refused', async () => {
    const ws = await workspace(noMail)
    const sent = (await invite(noMail, ws.owner.token, { email: uniqueEmail('rev'), sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    expect((await request(noMail.url).delete(`/api/agency/invitations/${sent.invitation!.id}`).set(bearer(ws.owner.token))).status).toBe(204)
    const token = tokenOf(sent.link, 'invite')
    const refused = await lookup(noMail, token)
    expectError(refused, 409, 'invalid_state')
    expect(refused.body.error.message).toMatch(/revoked/)
    expectError(await accept(noMail, token), 409, 'invalid_state')
    expectError(await request(noMail.url).post(`/api/agency/invitations/${sent.invitation!.id}/resend`).set(bearer(ws.owner.token)), 409, 'invalid_state')
    const list = await request(noMail.url).get('/api/agency/invitations?status=revoked').set(bearer(ws.owner.token))
    expect(list.body.items.map((i: Invitation) => i.id)).toEqual([sent.invitation!.id])
    expect(await auditOf(noMail, ws.agencyId, 'invitation.revoked')).toHaveLength(1)
  })

  it('an expired invitation is refused, listed as expired, and can be resent', async () => {
    const ws = await workspace(noMail)
    const sent = (await invite(noMail, ws.owner.token, { email: uniqueEmail('exp'), sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    await asOwner(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [sent.invitation!.id])
    const token = tokenOf(sent.link, 'invite')
    const refused = await accept(noMail, token)
    expectError(refused, 409, 'invalid_state')
    expect(refused.body.error.message).toMatch(/expired/)
    expect((await request(noMail.url).get('/api/agency/invitations').set(bearer(ws.owner.token))).body.items).toEqual([])
    const expired = await request(noMail.url).get('/api/agency/invitations?status=expired').set(bearer(ws.owner.token))
    expect(expired.body.items.map((i: Invitation) => i.status)).toEqual(['expired'])
    const again = (await request(noMail.url).post(`/api/agency/invitations/${sent.invitation!.id}/resend`).set(bearer(ws.owner.token))).body as InvitationSent
    expect(again.invitation!.status).toBe('pending')
    expect((await accept(noMail, tokenOf(again.link, 'invite'))).status).toBe(201)
  })
})

describe('who may invite whom', () => {
  it('a site admin who is a member invites members to the sites they administer, and nothing else', async () => {
    const ws = await workspace(noMail, 2)
    const [mine, other] = ws.sites as [string, string]
    const siteAdmin = await person(noMail, ws.agencyId, 'member', [{ siteId: mine, role: 'admin' }, { siteId: other, role: 'agent' }])
    const agent = await person(noMail, ws.agencyId, 'member', [{ siteId: mine, role: 'agent' }])
    const ok = await invite(noMail, siteAdmin.token, { email: uniqueEmail('m'), sites: [{ siteId: mine, role: 'admin' }] })
    expect(ok.status, ok.text).toBe(201)
    const before = await invitationCount(ws.agencyId)
    expectError(await invite(noMail, siteAdmin.token, { email: uniqueEmail('m'), sites: [{ siteId: other, role: 'agent' }] }), 403, 'forbidden')
    expectError(await invite(noMail, siteAdmin.token, { email: uniqueEmail('m'), role: 'admin' }), 403, 'forbidden')
    expectError(await invite(noMail, siteAdmin.token, { email: uniqueEmail('m'), sites: [] }), 400, 'invalid_payload')
    expectError(await invite(noMail, agent.token, { email: uniqueEmail('m'), sites: [{ siteId: mine, role: 'agent' }] }), 403, 'forbidden')
    expect(await invitationCount(ws.agencyId)).toBe(before)

    // The list: the owner sees every invitation, the site admin those to their sites; an agent none.
    const byOwner = await invite(noMail, ws.owner.token, { email: uniqueEmail('o'), sites: [{ siteId: other, role: 'agent' }] })
    expect(byOwner.status).toBe(201)
    const seen = async (token: string) => ((await request(noMail.url).get('/api/agency/invitations').set(bearer(token))).body.items as Invitation[]).map((i) => i.id).sort()
    expect(await seen(ws.owner.token)).toEqual([ok.body.invitation.id, byOwner.body.invitation.id].sort())
    expect(await seen(siteAdmin.token)).toEqual([ok.body.invitation.id])
    expectError(await request(noMail.url).get('/api/agency/invitations').set(bearer(agent.token)), 403, 'forbidden')
    // …and manages only those.
    expectError(await request(noMail.url).delete(`/api/agency/invitations/${byOwner.body.invitation.id}`).set(bearer(siteAdmin.token)), 403, 'forbidden')
    expect((await request(noMail.url).delete(`/api/agency/invitations/${ok.body.invitation.id}`).set(bearer(siteAdmin.token))).status).toBe(204)
  })

  it('another agency’s sites and invitations are not there', async () => {
    const mine = await workspace(noMail)
    const theirs = await workspace(noMail)
    const theirInvite = (await invite(noMail, theirs.owner.token, { email: uniqueEmail('t'), sites: [{ siteId: theirs.sites[0], role: 'agent' }] })).body as InvitationSent
    expectError(await invite(noMail, mine.owner.token, { email: uniqueEmail('x'), sites: [{ siteId: theirs.sites[0], role: 'agent' }] }), 404, 'not_found')
    expectError(await request(noMail.url).post(`/api/agency/invitations/${theirInvite.invitation!.id}/resend`).set(bearer(mine.owner.token)), 404, 'not_found')
    expectError(await request(noMail.url).delete(`/api/agency/invitations/${theirInvite.invitation!.id}`).set(bearer(mine.owner.token)), 404, 'not_found')
    expect((await request(noMail.url).get('/api/agency/invitations?status=all').set(bearer(mine.owner.token))).body.items).toEqual([])
    expect((await lookup(noMail, tokenOf(theirInvite.link, 'invite'))).status).toBe(200)
  })

  it('an email with an account in this agency gets its memberships at once; in another agency, 409', async () => {
    const ws = await workspace(s, 2)
    const member = await person(s, ws.agencyId, 'member', [{ siteId: ws.sites[0]!, role: 'agent' }])
    const res = await invite(s, ws.owner.token, { email: member.email, sites: [{ siteId: ws.sites[1], role: 'admin' }] })
    expect(res.status, res.text).toBe(201)
    expect(res.body).toEqual({ invitation: null, emailed: false, added: true })
    const me = (await request(s.url).get('/api/auth/me').set(bearer(member.token))).body as AgentSession
    expect(me.sites.map((x) => [x.siteId, x.role]).sort()).toEqual([[ws.sites[0], 'agent'], [ws.sites[1], 'admin']].sort())
    expect(inbox.mailsTo(member.email)).toEqual([])
    expect((await auditOf(s, ws.agencyId, 'agent.added')).map((e) => e.siteId)).toEqual([ws.sites[1]])
    expect(await invitationCount(ws.agencyId)).toBe(0)

    const elsewhere = await workspace(s)
    const before = await invitationCount(elsewhere.agencyId)
    expectError(await invite(s, elsewhere.owner.token, { email: member.email, sites: [{ siteId: elsewhere.sites[0], role: 'agent' }] }), 409, 'conflict')
    expect(await invitationCount(elsewhere.agencyId)).toBe(before)
  })

  it('a second pending invitation to the same email is 409; an account made since refuses the accept', async () => {
    const ws = await workspace(noMail)
    const email = uniqueEmail('dup')
    const sent = (await invite(noMail, ws.owner.token, { email, sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    expectError(await invite(noMail, ws.owner.token, { email, sites: [{ siteId: ws.sites[0], role: 'agent' }] }), 409, 'conflict')
    await noMail.db.prisma.user.create({ data: { email, name: 'Made meanwhile', passwordHash: 'x' } })
    expectError(await accept(noMail, tokenOf(sent.link, 'invite')), 409, 'conflict')
  })
})

describe('bad input', () => {
  it('is refused with 4xx error bodies and writes nothing', async () => {
    const ws = await workspace(noMail)
    const before = await invitationCount(ws.agencyId)
    for (const body of [
      {},
      { email: 'not an email' },
      { email: uniqueEmail(), role: 'owner' },
      { email: uniqueEmail(), sites: [{ siteId: 'nope', role: 'agent' }] },
      { email: uniqueEmail(), sites: [{ siteId: ws.sites[0], role: 'boss' }] },
      { email: uniqueEmail(), sites: [{ siteId: ws.sites[0], role: 'agent' }, { siteId: ws.sites[0], role: 'admin' }] },
      { email: uniqueEmail(), sites: 'all' },
    ])
      expectError(await invite(noMail, ws.owner.token, body), 400, 'invalid_payload')
    expectError(await invite(noMail, ws.owner.token, { email: uniqueEmail(), sites: [{ siteId: crypto.randomUUID(), role: 'agent' }] }), 404, 'not_found')
    expectError(await request(noMail.url).post('/api/agency/invitations').send({ email: uniqueEmail() }), 401, 'unauthorized')
    expectError(await request(noMail.url).get('/api/agency/invitations?status=maybe').set(bearer(ws.owner.token)), 400, 'invalid_payload')
    expectError(await request(noMail.url).post('/api/agency/invitations/not-a-uuid/resend').set(bearer(ws.owner.token)), 400, 'invalid_payload')
    expectError(await request(noMail.url).delete(`/api/agency/invitations/${crypto.randomUUID()}`).set(bearer(ws.owner.token)), 404, 'not_found')
    expect(await invitationCount(ws.agencyId)).toBe(before)

    const sent = (await invite(noMail, ws.owner.token, { email: uniqueEmail('bad'), sites: [{ siteId: ws.sites[0], role: 'agent' }] })).body as InvitationSent
    const token = tokenOf(sent.link, 'invite')
    const users = () => noMail.db.prisma.user.count({ where: { email: sent.invitation!.email } })
    expectError(await accept(noMail, token, 'Short', 'short'), 400, 'invalid_payload')
    expectError(await accept(noMail, token, '   '), 400, 'invalid_payload')
    expectError(await request(noMail.url).post('/api/invitations/accept').send({ token }), 400, 'invalid_payload')
    expectError(await lookup(noMail, 'x'), 400, 'invalid_payload')
    expectError(await lookup(noMail, `${token.split('.')[0]}.${'B'.repeat(43)}`), 404, 'not_found')
    expect(await users()).toBe(0)
    expect((await lookup(noMail, token)).status).toBe(200)
  })
})

async function agencyName(agencyId: string): Promise<string> {
  return (await s.db.prisma.agency.findUniqueOrThrow({ where: { id: agencyId } })).name
}

