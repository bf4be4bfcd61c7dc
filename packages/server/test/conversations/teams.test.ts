// Teams: the API that makes and staffs them, how a conversation gets its team (the page, the
// pre-chat form, a proactive message, a transfer), routing and queues per team with the fallback,
// and the inbox's team filter. Across two processes: packages/server/test/queue/two-processes.test.ts.
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { WidgetConfig } from '@live-chat/protocol'
import { agentOnline, eventually, serverPerFile, type AgentFixture } from '../helpers.js'

const file = serverPerFile()
const { track } = file
const online = (a: AgentFixture): Promise<AgentClient> => agentOnline(file.s.url, a, track)
const visitor = (siteId: string) => track(new LiveChatClient({ url: file.s.url, siteId, storage: 'memory' }))
const api = (token: string) => ({
  get: (path: string) => request(file.s.url).get(path).set('authorization', `Bearer ${token}`),
  post: (path: string, body: object) => request(file.s.url).post(path).set('authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body: object) => request(file.s.url).patch(path).set('authorization', `Bearer ${token}`).send(body),
  delete: (path: string) => request(file.s.url).delete(path).set('authorization', `Bearer ${token}`),
})
const widgetConfig = async (siteId: string): Promise<WidgetConfig> => (await request(file.s.url).get(`/api/sites/${siteId}/widget`)).body

describe('the teams API', () => {
  it('admins make, rename, staff and delete teams; every member reads them; the audit log has each change', async () => {
    const site = await file.s.fx.site()
    const admin = await file.s.fx.agent(site.id, { role: 'admin' })
    const ann = await file.s.fx.agent(site.id)
    const bob = await file.s.fx.agent(site.id)
    const base = `/api/sites/${site.id}/teams`

    const made = await api(admin.token).post(base, { name: 'Sales', agentIds: [ann.id] })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ name: 'Sales', agentIds: [ann.id], siteId: site.id })
    const billing = (await api(admin.token).post(base, { name: 'Billing' })).body
    expect((await api(ann.token).get(base)).body.items.map((t: { name: string }) => t.name)).toEqual(['Billing', 'Sales'])

    // Names are unique in any case; members must be the site's agents.
    expect((await api(admin.token).post(base, { name: 'sales' })).body.error.code).toBe('conflict')
    expect((await api(admin.token).patch(`${base}/${billing.id}`, { name: 'SALES' })).status).toBe(409)
    const stranger = await file.s.fx.agent((await file.s.fx.site()).id)
    const bad = await api(admin.token).post(base, { name: 'Other', agentIds: [stranger.id] })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'invalid_payload' })
    expect((await api(admin.token).post(base, { name: '   ' })).status).toBe(400)
    expect((await api(admin.token).post(base, { name: 'x'.repeat(51) })).status).toBe(400)
    expect((await api(admin.token).patch(`${base}/${billing.id}`, {})).status).toBe(400)

    // Agents read, never change.
    expect((await api(ann.token).post(base, { name: 'Mine' })).status).toBe(403)
    expect((await api(ann.token).patch(`${base}/${billing.id}`, { name: 'Mine' })).status).toBe(403)
    expect((await api(ann.token).delete(`${base}/${billing.id}`)).status).toBe(403)

    // Staffing from either side: the team's members, or the agent's teams.
    const renamed = await api(admin.token).patch(`${base}/${billing.id}`, { name: 'Billing & refunds', agentIds: [ann.id, bob.id] })
    expect(renamed.body).toMatchObject({ name: 'Billing & refunds', agentIds: [ann.id, bob.id].sort() })
    const bobNow = await api(admin.token).patch(`/api/sites/${site.id}/agents/${bob.id}`, { teamIds: [made.body.id] })
    expect(bobNow.body.teamIds).toEqual([made.body.id])
    expect((await api(admin.token).patch(`/api/sites/${site.id}/agents/${bob.id}`, { teamIds: [crypto.randomUUID()] })).status).toBe(400)
    const agents = (await api(admin.token).get(`/api/sites/${site.id}/agents`)).body.items as { id: string; teamIds: string[] }[]
    expect(agents.find((a) => a.id === ann.id)!.teamIds).toEqual([made.body.id, billing.id].sort())

    expect((await api(admin.token).delete(`${base}/${billing.id}`)).status).toBe(204)
    expect((await api(admin.token).delete(`${base}/${billing.id}`)).status).toBe(404)
    const audit = await file.s.db.inAgency(site.agencyId, (tx) => tx.auditEvent.findMany({ where: { siteId: site.id, action: { startsWith: 'team.' } }, orderBy: { createdAt: 'asc' } }))
    expect(audit.map((e) => e.action)).toEqual(['team.created', 'team.created', 'team.updated', 'team.deleted'])
  })
})

describe('the team of a conversation', () => {
  it('comes from the page (name in any case, or id), the pre-chat pick before it, or the proactive message; an unknown one is no team', async () => {
    const site = await file.s.fx.site()
    const admin = await file.s.fx.agent(site.id, { role: 'admin' })
    const sales = await file.s.fx.team(site.id, 'Sales')
    const billing = await file.s.fx.team(site.id, 'Billing')
    const agent = new AgentClient({ url: file.s.url, token: admin.token })
    track(agent)
    await agent.connect(site.id)
    const teamOf = async (id: string) => (await agent.conversations.get(id)).teamId

    const byName = await visitor(site.id).startConversation({ message: 'hi', team: 'sALES' })
    expect(await teamOf(byName.conversation.id)).toBe(sales)
    const byId = await visitor(site.id).startConversation({ message: 'hi', team: billing })
    expect(await teamOf(byId.conversation.id)).toBe(billing)
    const unknown = await visitor(site.id).startConversation({ message: 'hi', team: 'Nope' })
    expect(await teamOf(unknown.conversation.id)).toBeNull()

    // A pre-chat "team" field: the widget gets the team names as a list; the pick wins over the page's team.
    await agent.settings.update({ widget: { ...(await agent.settings.get()).widget, preChatEnabled: true, preChatFields: [{ name: 'topic', label: 'What is it about?', type: 'team', required: true }] } })
    const v = visitor(site.id)
    expect((await widgetConfig(site.id)).preChatFields).toEqual([{ name: 'topic', label: 'What is it about?', type: 'select', required: true, options: ['Billing', 'Sales'] }])
    const picked = await v.startConversation({ message: 'hi', team: 'Sales', fields: { custom: { topic: 'Billing' } } })
    expect(await teamOf(picked.conversation.id)).toBe(billing)
    // Not required on the server: no pick, no team (the general queue), never a refusal.
    const none = await visitor(site.id).startConversation({ message: 'hi' })
    expect(await teamOf(none.conversation.id)).toBeNull()

    // A proactive message's team, unless the visitor or the page names one.
    const trigger = await agent.triggers.create({ name: 'Pricing', text: 'Questions about plans?', teamId: sales })
    expect(trigger.teamId).toBe(sales)
    const fromTrigger = await visitor(site.id).startConversation({ message: 'yes', triggerId: trigger.id })
    expect(await teamOf(fromTrigger.conversation.id)).toBe(sales)
    await expect(agent.triggers.create({ name: 'Bad', text: 'x', teamId: crypto.randomUUID() })).rejects.toMatchObject({ code: 'invalid_payload' })

    // The inbox filters by team.
    const listed = await agent.conversations.list({ teamId: billing })
    expect(listed.items.map((c) => c.id).sort()).toEqual([byId.conversation.id, picked.conversation.id].sort())

    // A deleted team's conversations and triggers stay, for no team.
    await agent.teams.delete(billing)
    expect(await teamOf(byId.conversation.id)).toBeNull()
    expect((await widgetConfig(site.id)).preChatFields[0]!.options).toEqual(['Sales'])
  })
})

describe('routing with teams', () => {
  it("gives a team's conversation to its agents only, queues it while they are busy without holding up others, and falls back to anyone when the team has nobody available", async () => {
    const site = await file.s.fx.site()
    const seller = await file.s.fx.agent(site.id, { capacity: 1 })
    const payer = await file.s.fx.agent(site.id, { capacity: 1 })
    const sales = await file.s.fx.team(site.id, 'Sales', [seller.id])
    const billing = await file.s.fx.team(site.id, 'Billing', [payer.id])
    await file.s.fx.team(site.id, 'Nobody')
    const sellerClient = await online(seller)
    const payerClient = await online(payer)

    const first = await visitor(site.id).startConversation({ message: 'a', team: 'Sales' })
    expect(first.conversation.agent?.id).toBe(seller.id)
    // Sales is full: the next waits, though the billing agent is free …
    const waitingVisitor = visitor(site.id)
    const waiting = await waitingVisitor.startConversation({ message: 'b', team: sales })
    expect(waiting.conversation).toMatchObject({ status: 'pending', agent: null })
    await eventually(() => waitingVisitor.getQueuePosition(waiting.conversation.id)?.position === 1, 5_000, 'first in the sales queue')
    // … and does not hold up billing's.
    const bill = await visitor(site.id).startConversation({ message: 'c', team: billing })
    expect(bill.conversation.agent?.id).toBe(payer.id)
    // A team with nobody available: anyone (both are full now, so it waits in its own queue).
    const orphanVisitor = visitor(site.id)
    const orphan = await orphanVisitor.startConversation({ message: 'd', team: 'Nobody' })
    expect(orphan.conversation.status).toBe('pending')

    // The billing agent frees a slot: not the sales conversation (older, but not theirs), the orphan.
    await payerClient.conversations.resolve(bill.conversation.id)
    await eventually(async () => (await payerClient.conversations.get(orphan.conversation.id)).assignedAgentId === payer.id, 5_000, 'the orphan goes to billing (fallback)')
    expect((await payerClient.conversations.get(waiting.conversation.id)).assignedAgentId).toBeNull()
    // The sales agent frees theirs: the sales conversation.
    await sellerClient.conversations.resolve(first.conversation.id)
    await eventually(async () => (await sellerClient.conversations.get(waiting.conversation.id)).assignedAgentId === seller.id, 5_000, 'the sales conversation goes to sales')
  })

  it('transfers to a team: the conversation leaves its agent for one of the team, and the visitor never sees the team line', async () => {
    const site = await file.s.fx.site()
    const first = await file.s.fx.agent(site.id)
    const specialist = await file.s.fx.agent(site.id)
    const vip = await file.s.fx.team(site.id, 'VIP', [specialist.id])
    const firstClient = await online(first)
    const v = visitor(site.id)
    const { conversation } = await v.startConversation({ message: 'I need a specialist' })
    expect(conversation.agent?.id).toBe(first.id)
    // The specialist comes online later (so the first agent got the chat above).
    await online(specialist)

    const moved = await firstClient.conversations.transfer(conversation.id, { teamId: vip })
    expect(moved.teamId).toBe(vip)
    // The inbox's team filter follows it (its order table takes the new team).
    expect((await firstClient.conversations.list({ teamId: vip })).items.map((c) => c.id)).toEqual([conversation.id])
    await eventually(async () => (await firstClient.conversations.get(conversation.id)).assignedAgentId === specialist.id, 5_000, 'routed to the team')
    const lines = (await firstClient.messages(conversation.id)).messages.filter((m) => m.system?.event === 'team')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ private: true, text: 'The conversation was transferred to the VIP team' })
    await eventually(() => v.getMessages(conversation.id).some((m) => m.system?.event === 'assigned' && m.system.agentId === specialist.id), 5_000, 'visitor sees the new agent')
    expect(v.getMessages(conversation.id).some((m) => m.system?.event === 'team')).toBe(false)

    // Agent and team at once; an unknown team is not found; the REST route takes the same.
    await firstClient.conversations.transfer(conversation.id, { agentId: first.id, teamId: null })
    expect(await firstClient.conversations.get(conversation.id)).toMatchObject({ assignedAgentId: first.id, teamId: null })
    await expect(firstClient.conversations.transfer(conversation.id, { teamId: crypto.randomUUID() })).rejects.toMatchObject({ code: 'not_found' })
    const rest = await api(first.token).post(`/api/sites/${site.id}/conversations/${conversation.id}/assign`, { teamId: vip, agentId: first.id })
    expect(rest.body).toMatchObject({ teamId: vip, assignedAgentId: first.id })
    expect((await api(first.token).post(`/api/sites/${site.id}/conversations/${conversation.id}/assign`, {})).status).toBe(400)
  })
})
