// A site's team under the agency rules: removing an agent (their open conversations back to the
// queue and routed again, their personal canned responses deleted, their name kept in history,
// their sockets told and dropped, coming back refused), adding someone (a new account joins the
// site's agency; another agency's is refused; a removed membership comes back), and role changes.
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { AgentSummary, Message } from '@live-chat/protocol'
import { connectRaw, eventually, rawSocket, serverPerFile } from '../helpers.js'
import { agencySite, agentSocket, as, assignmentOf, auditOf, join, membershipOf, newAgency, person, startChat } from './fixtures.js'

const file = serverPerFile()
const s = () => file.s
const track = <C extends { disconnect(): unknown }>(c: C): C => file.track(c)

async function world() {
  const agency = await newAgency(s())
  const owner = await person(s(), agency.id, 'owner')
  const site = await agencySite(s(), agency.id)
  const other = await agencySite(s(), agency.id)
  const siteAdmin = await person(s(), agency.id, 'member', 'Sam Siteadmin')
  await join(s(), site.id, siteAdmin, 'admin')
  const leaving = await person(s(), agency.id, 'member', 'Rita Removed')
  const leavingId = await join(s(), site.id, leaving)
  await join(s(), other.id, leaving)
  const staying = await person(s(), agency.id, 'member', 'Otto Other')
  const stayingId = await join(s(), site.id, staying)
  return { agency, owner, site, other, siteAdmin, leaving, leavingId, staying, stayingId }
}

const messagesOf = (siteId: string, conversationId: string) => s().db.inSite(siteId, (tx) => tx.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } }))

describe('DELETE /api/sites/:siteId/agents/:agentId', () => {
  it('sends their open conversations back to the queue and on to an online agent, deletes their personal canned responses, keeps their name in history, and drops their sockets for good', async () => {
    const { agency, site, other, siteAdmin, leaving, leavingId, staying, stayingId } = await world()
    const live = await agentSocket(s().url, leaving.token, site.id, track)
    const chats = [await startChat(s(), site.id), await startChat(s(), site.id)]
    for (const c of chats) expect(await assignmentOf(s(), site.id, c)).toEqual({ assignedAgentId: leavingId, status: 'active' })
    const actor = await s().services.agents.authenticate(leaving.token, site.id)
    await s().services.messages.send(actor, { conversationId: chats[0]!, clientId: 'reply-0001', text: 'Rita here, looking into it' })
    const personal = await s().services.cannedResponses.create(actor, { title: 'Mine', content: 'my words', isPersonal: true })
    const sharedByThem = await s().db.inSite(site.id, (tx) => tx.cannedResponse.create({ data: { siteId: site.id, title: 'Team', content: 'shared words', isPersonal: false, createdById: leavingId } }))
    await agentSocket(s().url, staying.token, site.id, track)

    const res = await as(s(), siteAdmin.token).delete(`/api/sites/${site.id}/agents/${leavingId}`)
    expect(res.status).toBe(204)
    await live.dropped
    expect(live.told).toEqual(['changed:removed'])

    // Routed again at once, to the agent who is online; the history says what happened.
    for (const c of chats) await eventually(async () => (await assignmentOf(s(), site.id, c)).assignedAgentId === stayingId, 5_000, 'routed to Otto')
    const lines = (await messagesOf(site.id, chats[0]!)).filter((m) => m.senderType === 'system').map((m) => m.content)
    expect(lines.slice(-2)).toEqual(['The conversation went back to the queue', 'Otto Other joined the conversation'])
    // Their message keeps their name, as the team sees it.
    const history = await as(s(), staying.token).get(`/api/sites/${site.id}/conversations/${chats[0]}/messages`)
    expect((history.body.messages as Message[]).find((m) => m.text === 'Rita here, looking into it')).toMatchObject({ senderType: 'agent', senderId: leavingId, senderName: 'Rita Removed' })

    const canned = await s().db.inSite(site.id, (tx) => tx.cannedResponse.findMany({ where: { id: { in: [personal.id, sharedByThem.id] } } }))
    expect(canned.map((c) => c.id)).toEqual([sharedByThem.id])

    // The membership stays (removed), out of the team; their token and socket are refused on this site only.
    const row = await s().db.inSite(site.id, (tx) => tx.agent.findUniqueOrThrow({ where: { id: leavingId } }))
    expect(row.removedAt).not.toBeNull()
    expect(((await as(s(), siteAdmin.token).get(`/api/sites/${site.id}/agents`)).body.items as AgentSummary[]).map((a) => a.id)).not.toContain(leavingId)
    const refused = await as(s(), leaving.token).get(`/api/sites/${site.id}/conversations`)
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' })
    await expect(connectRaw(rawSocket(s().url, '/agent', { token: leaving.token, siteId: site.id }))).rejects.toMatchObject({ data: { code: 'forbidden' } })
    expect((await as(s(), leaving.token).get(`/api/sites/${other.id}/conversations`)).status).toBe(200)
    expect((await as(s(), leaving.token).get('/api/auth/me')).body.sites.map((x: { siteId: string }) => x.siteId)).toEqual([other.id])

    const [event] = await auditOf(s(), agency.id, 'agent.removed')
    expect(event).toMatchObject({ siteId: site.id, actorId: siteAdmin.userId, targetId: leavingId, targetLabel: leaving.email, data: { role: 'agent', requeued: 2 } })
  })

  it('with nobody online, their conversations wait in the queue', async () => {
    const { site, siteAdmin, leaving, leavingId } = await world()
    await agentSocket(s().url, leaving.token, site.id, track)
    const chat = await startChat(s(), site.id)
    expect(await assignmentOf(s(), site.id, chat)).toEqual({ assignedAgentId: leavingId, status: 'active' })
    expect((await as(s(), siteAdmin.token).delete(`/api/sites/${site.id}/agents/${leavingId}`)).status).toBe(204)
    expect(await assignmentOf(s(), site.id, chat)).toEqual({ assignedAgentId: null, status: 'pending' })
  })

  it('refuses removing an agency owner or admin from one site (409), the last admin (409), by a plain agent (403), or an agent not of the site (404)', async () => {
    const { owner, site, other, siteAdmin, leaving, leavingId, staying } = await world()
    const ownerOnSite = await membershipOf(s(), site.id, owner.userId)
    const leavingOnOther = await membershipOf(s(), other.id, leaving.userId)
    const cases: [string, string, string, number, string][] = [
      ['the agency owner', siteAdmin.token, ownerOnSite, 409, 'invalid_state'],
      ['by a plain agent', staying.token, leavingId, 403, 'forbidden'],
      ['a membership of another site', siteAdmin.token, leavingOnOther, 404, 'not_found'],
      ['not an id', siteAdmin.token, 'x', 400, 'invalid_payload'],
    ]
    for (const [name, token, agentId, status, code] of cases) {
      const res = await as(s(), token).delete(`/api/sites/${site.id}/agents/${agentId}`)
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code })
    }
    // A site of an agency without owners, and a single admin.
    const lone = await s().fx.site()
    const onlyAdmin = await s().fx.agent(lone.id, { role: 'admin' })
    const last = await as(s(), onlyAdmin.token).delete(`/api/sites/${lone.id}/agents/${onlyAdmin.id}`)
    expect({ status: last.status, code: last.body.error.code }).toEqual({ status: 409, code: 'invalid_state' })
    const stillThere = await s().db.inSite(site.id, (tx) => tx.agent.count({ where: { id: { in: [ownerOnSite, leavingId] }, removedAt: null } }))
    expect(stillThere).toBe(2)
  })
})

describe('POST /api/sites/:siteId/agents', () => {
  it('adding a removed agent again brings the membership back; a new account joins the agency; another agency’s account is refused', async () => {
    const { agency, site, siteAdmin, leaving, leavingId } = await world()
    expect((await as(s(), siteAdmin.token).delete(`/api/sites/${site.id}/agents/${leavingId}`)).status).toBe(204)
    const back = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/agents`, { email: leaving.email.toUpperCase(), name: 'ignored', role: 'admin' })
    expect(back.status).toBe(201)
    expect(back.body as AgentSummary).toMatchObject({ id: leavingId, userId: leaving.userId, role: 'admin' })
    expect((await s().db.inSite(site.id, (tx) => tx.agent.findUniqueOrThrow({ where: { id: leavingId } }))).removedAt).toBeNull()
    expect((await as(s(), leaving.token).get(`/api/sites/${site.id}/conversations`)).status).toBe(200)
    const twice = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/agents`, { email: leaving.email, name: 'again' })
    expect({ status: twice.status, code: twice.body.error.code }).toEqual({ status: 409, code: 'conflict' })

    const created = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/agents`, { email: `new-${leavingId}@example.test`, name: 'Newt', password: 'long enough pw' })
    expect(created.status).toBe(201)
    expect(await s().db.prisma.user.findUniqueOrThrow({ where: { id: created.body.userId } })).toMatchObject({ agencyId: agency.id, agencyRole: 'member' })

    const elsewhere = await world()
    const theirs = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/agents`, { email: elsewhere.staying.email, name: 'Mine now' })
    expect({ status: theirs.status, code: theirs.body.error.code }).toEqual({ status: 409, code: 'conflict' })
    expect(theirs.text).not.toContain(elsewhere.staying.userId)

    // Someone removed from the agency is invited again, not added back by a site admin.
    const gone = await person(s(), agency.id, 'member')
    await s().db.prisma.user.update({ where: { id: gone.userId }, data: { deactivatedAt: new Date() } })
    const refused = await as(s(), siteAdmin.token).post(`/api/sites/${site.id}/agents`, { email: gone.email, name: 'Back' })
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'conflict' })

    const added = await auditOf(s(), agency.id, 'agent.added')
    expect(added.map((e) => e.data)).toEqual([{ role: 'agent', newAccount: true, restored: false }, { role: 'admin', newAccount: false, restored: true }])
  })
})

describe('PATCH /api/sites/:siteId/agents/:agentId', () => {
  it('a role change makes the agent’s sockets reconnect with it; an agency owner’s site role stays; an agent cannot raise their own', async () => {
    const { agency, owner, site, siteAdmin, staying, stayingId } = await world()
    const self = await as(s(), staying.token).patch(`/api/sites/${site.id}/agents/${stayingId}`, { role: 'admin' })
    expect({ status: self.status, code: self.body.error.code }).toEqual({ status: 403, code: 'forbidden' })

    const live = await agentSocket(s().url, staying.token, site.id, track)
    const res = await as(s(), siteAdmin.token).patch(`/api/sites/${site.id}/agents/${stayingId}`, { role: 'admin', maxConcurrentChats: 7 })
    expect(res.body as AgentSummary).toMatchObject({ role: 'admin', maxConcurrentChats: 7 })
    await live.dropped
    expect(live.told).toEqual(['changed:role_changed'])
    expect((await as(s(), staying.token).get(`/api/sites/${site.id}/identity-secret`)).status).toBe(200)

    const ownerOnSite = await membershipOf(s(), site.id, owner.userId)
    const demote = await as(s(), siteAdmin.token).patch(`/api/sites/${site.id}/agents/${ownerOnSite}`, { role: 'agent' })
    expect({ status: demote.status, code: demote.body.error.code }).toEqual({ status: 409, code: 'invalid_state' })
    expect((await as(s(), siteAdmin.token).patch(`/api/sites/${site.id}/agents/${ownerOnSite}`, { role: 'admin', title: 'Boss' })).body).toMatchObject({ role: 'admin', title: 'Boss' })

    const [updated] = await auditOf(s(), agency.id, 'agent.updated')
    expect(updated).toMatchObject({ targetId: ownerOnSite, data: { title: { from: null, to: 'Boss' } } })
    const roleEvent = (await auditOf(s(), agency.id, 'agent.updated')).find((e) => e.targetId === stayingId)
    expect(roleEvent?.data).toEqual({ role: { from: 'agent', to: 'admin' }, maxConcurrentChats: { from: 5, to: 7 } })
    // An agent's own status is not an audit event.
    await as(s(), staying.token).patch(`/api/sites/${site.id}/agents/${stayingId}`, { status: 'away' })
    expect(await auditOf(s(), agency.id, 'agent.updated')).toHaveLength(2)
    expect((await request(s().url).get(`/api/sites/${site.id}/agents`)).status).toBe(401)
  })
})
