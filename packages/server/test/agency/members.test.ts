// The agency's members over REST: the list (role, two-factor, last seen, sites), agency role
// changes (only owners make or unmake owners, nobody their own, one owner always; promotion makes
// an admin of every site, demotion takes those memberships away as a removal does; live sockets
// reconnect with the new role) and removal from the agency (every site, every session, the account).
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { Member } from '@live-chat/protocol'
import { connectRaw, eventually, rawSocket, serverPerFile } from '../helpers.js'
import { agencySite, agentSocket, as, assignmentOf, auditOf, join, membershipOf, newAgency, person, startChat } from './fixtures.js'

const file = serverPerFile()
const s = () => file.s
const track = <C extends { disconnect(): unknown }>(c: C): C => file.track(c)

async function world() {
  const agency = await newAgency(s())
  const owner = await person(s(), agency.id, 'owner', 'Olive Owner')
  const admin = await person(s(), agency.id, 'admin', 'Adam Admin')
  const member = await person(s(), agency.id, 'member', 'Mia Member')
  const one = await agencySite(s(), agency.id)
  const two = await agencySite(s(), agency.id)
  const memberOnOne = await join(s(), one.id, member)
  return { agency, owner, admin, member, one, two, memberOnOne }
}

const roleOf = (userId: string) => s().db.prisma.user.findUniqueOrThrow({ where: { id: userId } }).then((u) => u.agencyRole)

describe('GET /api/agency/members', () => {
  it('lists the agency’s active members with their role, two-factor, last seen time and sites', async () => {
    const { agency, owner, admin, member, one, two, memberOnOne } = await world()
    const other = await world()
    // Two sessions of the member: the newest last-seen time counts. Someone who never signed in has none.
    const seen = [new Date('2026-11-01T10:00:00Z'), new Date('2026-11-20T08:30:00Z')]
    const second = await s().services.sessions.start(member.userId, {})
    await s().db.asUser(member.userId, async (tx) => {
      await tx.userSession.update({ where: { id: member.sessionId }, data: { lastSeenAt: seen[0] } })
      await tx.userSession.update({ where: { id: second.sessionId }, data: { lastSeenAt: seen[1] } })
    })
    const never = await s().db.prisma.user.create({ data: { email: `never-${agency.id}@example.test`, name: 'Nev', passwordHash: 'x', agencyId: agency.id, totpEnabledAt: new Date() } })
    const gone = await person(s(), agency.id, 'member')
    await s().db.prisma.user.update({ where: { id: gone.userId }, data: { deactivatedAt: new Date() } })

    for (const who of [owner, admin]) {
      const res = await as(s(), who.token).get('/api/agency/members')
      expect(res.status).toBe(200)
      const items = res.body.items as Member[]
      expect(items.map((m) => [m.name, m.role])).toEqual([['Olive Owner', 'owner'], ['Adam Admin', 'admin'], ['Mia Member', 'member'], ['Nev', 'member']])
      const [o, , m, n] = items
      expect(o!.sites.map((x) => [x.siteId, x.role])).toEqual([[one.id, 'admin'], [two.id, 'admin']])
      expect(m).toMatchObject({ userId: member.userId, email: member.email, twoFactorEnabled: false, lastSeenAt: seen[1]!.toISOString(), sites: [{ siteId: one.id, siteName: one.name, agentId: memberOnOne, role: 'agent' }] })
      expect(n).toMatchObject({ userId: never.id, twoFactorEnabled: true, lastSeenAt: null, sites: [] })
      expect(res.text).not.toContain(gone.userId)
      expect(res.text).not.toContain(other.owner.userId)
    }
    const refused = await as(s(), member.token).get('/api/agency/members')
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' })
  })
})

describe('PATCH /api/agency/members/:userId', () => {
  it('promoting a member to admin makes them an admin of every site; their live socket reconnects as admin', async () => {
    const { agency, admin, member, one, two } = await world()
    const live = await agentSocket(s().url, member.token, one.id, track)
    const res = await as(s(), admin.token).patch(`/api/agency/members/${member.userId}`, { role: 'admin' })
    expect(res.status).toBe(200)
    expect(res.body as Member).toMatchObject({ userId: member.userId, role: 'admin', sites: [{ siteId: one.id, role: 'admin' }, { siteId: two.id, role: 'admin' }] })
    await live.dropped
    expect(live.told).toEqual(['changed:role_changed'])
    const again = track(await connectRaw(rawSocket(s().url, '/agent', { token: member.token, siteId: one.id })))
    expect(again.connected).toBe(true)
    expect((await as(s(), member.token).get(`/api/sites/${two.id}/identity-secret`)).status).toBe(200)
    const [event] = await auditOf(s(), agency.id, 'member.role_changed')
    expect(event).toMatchObject({ actorId: admin.userId, targetId: member.userId, data: { from: 'member', to: 'admin' } })
  })

  it('demoting an admin to member takes away the memberships the role gave (their chats routed to others) and keeps their own', async () => {
    const { agency, owner, admin, one, two } = await world()
    // The admin also belongs to site one in their own right, as an agent.
    const own = await membershipOf(s(), one.id, admin.userId)
    await s().db.inSite(one.id, (tx) => tx.agent.update({ where: { id: own }, data: { viaAgency: false, role: 'agent' } }))
    const onOne = await agentSocket(s().url, admin.token, one.id, track)
    const onTwo = await agentSocket(s().url, admin.token, two.id, track)
    const chat = await startChat(s(), two.id)
    const viaTwo = await membershipOf(s(), two.id, admin.userId)
    expect(await assignmentOf(s(), two.id, chat)).toEqual({ assignedAgentId: viaTwo, status: 'active' })
    const colleague = await person(s(), agency.id, 'member')
    const colleagueOnTwo = await join(s(), two.id, colleague)
    await agentSocket(s().url, colleague.token, two.id, track)

    const res = await as(s(), owner.token).patch(`/api/agency/members/${admin.userId}`, { role: 'member' })
    expect(res.status).toBe(200)
    expect(res.body as Member).toMatchObject({ role: 'member', sites: [{ siteId: one.id, role: 'agent' }] })
    await Promise.all([onOne.dropped, onTwo.dropped])
    expect(onOne.told).toEqual(['changed:role_changed'])
    expect(onTwo.told).toEqual(['changed:removed'])
    await eventually(async () => (await assignmentOf(s(), two.id, chat)).assignedAgentId === colleagueOnTwo, 5_000, 'the chat routed to the colleague')
    await expect(connectRaw(rawSocket(s().url, '/agent', { token: admin.token, siteId: two.id }))).rejects.toMatchObject({ data: { code: 'forbidden' } })
    expect((await as(s(), admin.token).get(`/api/sites/${one.id}/identity-secret`)).status).toBe(403)
    expect((await as(s(), admin.token).get(`/api/sites/${one.id}/conversations`)).status).toBe(200)
    expect((await as(s(), admin.token).get('/api/agency/members')).status).toBe(403)
  })

  it('only owners make or unmake owners, nobody changes their own role, and bad targets or input are refused', async () => {
    const { owner, admin, member } = await world()
    const other = await world()
    const cases: [string, string, string, object, number, string][] = [
      ['an admin makes an owner', admin.token, member.userId, { role: 'owner' }, 403, 'forbidden'],
      ['an admin unmakes an owner', admin.token, owner.userId, { role: 'admin' }, 403, 'forbidden'],
      ['the owner changes their own role', owner.token, owner.userId, { role: 'admin' }, 403, 'forbidden'],
      ['an admin raises their own role', admin.token, admin.userId, { role: 'owner' }, 403, 'forbidden'],
      ['a member raises their own role', member.token, member.userId, { role: 'admin' }, 403, 'forbidden'],
      ['a member changes an admin', member.token, admin.userId, { role: 'member' }, 403, 'forbidden'],
      ['another agency’s user', owner.token, other.member.userId, { role: 'admin' }, 404, 'not_found'],
      ['not a role', owner.token, member.userId, { role: 'superuser' }, 400, 'invalid_payload'],
      ['not an id', owner.token, 'me', { role: 'admin' }, 400, 'invalid_payload'],
    ]
    for (const [name, token, userId, body, status, code] of cases) {
      const res = await as(s(), token).patch(`/api/agency/members/${userId}`, body)
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code })
    }
    expect([await roleOf(owner.userId), await roleOf(admin.userId), await roleOf(member.userId), await roleOf(other.member.userId)]).toEqual(['owner', 'admin', 'member', 'member'])

    // An owner makes another owner, who may then unmake the first.
    expect((await as(s(), owner.token).patch(`/api/agency/members/${admin.userId}`, { role: 'owner' })).status).toBe(200)
    expect((await as(s(), admin.token).patch(`/api/agency/members/${owner.userId}`, { role: 'admin' })).status).toBe(200)
    expect([await roleOf(owner.userId), await roleOf(admin.userId)]).toEqual(['admin', 'owner'])
  })

  it('two owners demoting each other at once leave the agency with exactly one owner', async () => {
    const { agency, owner } = await world()
    const second = await person(s(), agency.id, 'owner')
    const [a, b] = await Promise.all([
      as(s(), owner.token).patch(`/api/agency/members/${second.userId}`, { role: 'member' }),
      as(s(), second.token).patch(`/api/agency/members/${owner.userId}`, { role: 'member' }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 403])
    expect(await s().db.prisma.user.count({ where: { agencyId: agency.id, agencyRole: 'owner' } })).toBe(1)
  })
})

describe('DELETE /api/agency/members/:userId', () => {
  it('removes someone from every site, ends every session and socket at once, and deactivates the account', async () => {
    const { agency, admin, member, one, two, memberOnOne } = await world()
    const memberOnTwo = await join(s(), two.id, member)
    const live = await agentSocket(s().url, member.token, one.id, track)
    const chat = await startChat(s(), one.id)
    expect(await assignmentOf(s(), one.id, chat)).toEqual({ assignedAgentId: memberOnOne, status: 'active' })
    const phone = await s().services.sessions.start(member.userId, {})

    expect((await as(s(), admin.token).delete(`/api/agency/members/${member.userId}`)).status).toBe(204)
    await live.dropped
    expect(live.told.length).toBeGreaterThan(0)
    for (const token of [member.token, phone.token]) {
      for (const path of ['/api/agency', `/api/sites/${one.id}/conversations`, `/api/sites/${two.id}/conversations`, '/api/auth/me']) {
        const res = await as(s(), token).get(path)
        expect({ path, status: res.status }).toEqual({ path, status: 401 })
      }
    }
    const login = await request(s().url).post('/api/auth/login').send({ email: member.email, password: member.password })
    expect(login.status).toBe(403)
    const rows = await Promise.all([one, two].map((x) => s().db.inSite(x.id, (tx) => tx.agent.findMany({ where: { userId: member.userId } }))))
    expect(rows.flat().map((r) => [r.id, r.removedAt !== null]).sort()).toEqual([[memberOnOne, true], [memberOnTwo, true]].sort())
    expect(await assignmentOf(s(), one.id, chat)).toEqual({ assignedAgentId: null, status: 'pending' })
    expect((await s().db.prisma.user.findUniqueOrThrow({ where: { id: member.userId } })).deactivatedAt).not.toBeNull()
    expect((await as(s(), admin.token).get('/api/agency/members')).body.items.map((m: Member) => m.userId)).not.toContain(member.userId)
    const [event] = await auditOf(s(), agency.id, 'member.removed')
    expect(event).toMatchObject({ actorId: admin.userId, targetId: member.userId, data: { role: 'member' } })
  })

  it('refuses removing yourself, an owner by an admin, by a member, or someone of another agency; an owner removes another owner', async () => {
    const { agency, owner, admin, member } = await world()
    const other = await world()
    const cases: [string, string, string, number, string][] = [
      ['yourself', admin.token, admin.userId, 403, 'forbidden'],
      ['the owner, by an admin', admin.token, owner.userId, 403, 'forbidden'],
      ['an admin, by a member', member.token, admin.userId, 403, 'forbidden'],
      ['another agency’s member', owner.token, other.member.userId, 404, 'not_found'],
    ]
    for (const [name, token, userId, status, code] of cases) {
      const res = await as(s(), token).delete(`/api/agency/members/${userId}`)
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code })
    }
    expect(await s().db.prisma.user.count({ where: { id: { in: [owner.userId, admin.userId, member.userId, other.member.userId] }, deactivatedAt: null } })).toBe(4)

    const second = await person(s(), agency.id, 'owner')
    expect((await as(s(), owner.token).delete(`/api/agency/members/${second.userId}`)).status).toBe(204)
    expect(await s().db.prisma.user.count({ where: { agencyId: agency.id, agencyRole: 'owner', deactivatedAt: null } })).toBe(1)
  })
})
