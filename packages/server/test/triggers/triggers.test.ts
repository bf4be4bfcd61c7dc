// Proactive messages (triggers): admins manage them under the site; the enabled ones' public part
// rides in the anonymous widget config; the widget's anonymous beacon counts a showing; a reply
// starts the conversation with the trigger's message first, exactly once; the funnel counts
// shown → replied → answered.
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import type { Trigger, WidgetConfig } from '@live-chat/protocol'
import { agentOnline, serverPerFile, type AgentFixture } from '../helpers.js'

const file = serverPerFile()
const track = file.track
const bearer = (a: AgentFixture) => ({ Authorization: `Bearer ${a.token}` })

async function siteWithTeam() {
  const s = file.s
  const site = await s.fx.site()
  const admin = await s.fx.agent(site.id, { role: 'admin', name: 'Ada Admin' })
  const agent = await s.fx.agent(site.id, { name: 'Sam Agent' })
  const api = (a: AgentFixture) => ({
    list: () => request(s.url).get(`/api/sites/${site.id}/triggers`).set(bearer(a)),
    create: (body: unknown) => request(s.url).post(`/api/sites/${site.id}/triggers`).set(bearer(a)).send(body as object),
    update: (id: string, body: unknown) => request(s.url).patch(`/api/sites/${site.id}/triggers/${id}`).set(bearer(a)).send(body as object),
    remove: (id: string) => request(s.url).delete(`/api/sites/${site.id}/triggers/${id}`).set(bearer(a)),
  })
  return { site, admin, agent, api }
}

const config = async (siteId: string) => (await request(file.s.url).get(`/api/sites/${siteId}/widget`)).body as WidgetConfig
const shown = (siteId: string, id: string) => request(file.s.url).post(`/api/sites/${siteId}/triggers/${id}/shown`)

describe('triggers CRUD', () => {
  it('when an admin adds one, answers it with its rules filled, and the anonymous widget config carries its public part', async () => {
    const { site, admin, agent, api } = await siteWithTeam()
    const res = await api(admin).create({ name: 'Pricing help', text: 'Questions about plans?', agentId: agent.id, rules: { url: '/pricing*', seconds: 5 }, cap: 'days', capDays: 7 })
    expect(res.status).toBe(201)
    const t = res.body as Trigger
    expect(t).toMatchObject({
      name: 'Pricing help',
      enabled: true,
      text: 'Questions about plans?',
      agentId: agent.id,
      sender: { name: 'Sam Agent', avatarUrl: null },
      rules: { url: '/pricing*', seconds: 5, scroll: null, returning: false, event: null, businessHours: false },
      cap: 'days',
      capDays: 7,
      funnel: { shown: 0, replied: 0, conversations: 0 },
    })
    const c = await config(site.id)
    expect(c.triggers).toEqual([{ id: t.id, rules: t.rules, text: t.text, sender: t.sender, cap: 'days', capDays: 7 }])
    expect(c.triggersMayStore).toBe(false)
    // The public part names nothing private: no name of the rule, no agent id, no counts.
    expect(JSON.stringify(c.triggers)).not.toContain('Pricing help')
    expect(JSON.stringify(c.triggers)).not.toContain(agent.id)
  })

  it('when the sender is the team, shows the site name; a disabled one leaves the widget config; a deleted one is gone', async () => {
    const { site, admin, api } = await siteWithTeam()
    const t = (await api(admin).create({ name: 'Hello', text: 'Hi there' })).body as Trigger
    const name = (await file.s.db.prisma.site.findUniqueOrThrow({ where: { id: site.id } })).name
    expect(t.sender).toEqual({ name, avatarUrl: null })
    expect((await api(admin).update(t.id, { enabled: false })).body).toMatchObject({ enabled: false })
    expect((await config(site.id)).triggers).toEqual([])
    expect((await api(admin).remove(t.id)).status).toBe(204)
    expect((await api(admin).list()).body).toEqual({ items: [] })
    expect((await api(admin).remove(t.id)).status).toBe(404)
  })

  it('a trigger limited to business hours reaches the widget only while the site is open by the clock', async () => {
    const { site, admin, api } = await siteWithTeam()
    await api(admin).create({ name: 'Always', text: 'Any time' })
    await api(admin).create({ name: 'Open hours', text: 'While open', rules: { businessHours: true } })
    const texts = async () => (await config(site.id)).triggers.map((t) => t.text).sort()
    expect(await texts()).toEqual(['Any time', 'While open'])
    // Open every day, all day, then closed every day.
    const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]))
    const settings = (widget: object) => request(file.s.url).patch(`/api/sites/${site.id}/settings`).set(bearer(admin)).send({ widget })
    expect((await settings({ businessHoursEnabled: true, businessHours: allDay })).status).toBe(200)
    expect(await texts()).toEqual(['Any time', 'While open'])
    expect((await settings({ businessHours: {} })).status).toBe(200)
    expect(await texts()).toEqual(['Any time'])
  })

  it('when an agent (not an admin) tries to change them, answers 403; reading is allowed', async () => {
    const { admin, agent, api } = await siteWithTeam()
    const t = (await api(admin).create({ name: 'Hello', text: 'Hi' })).body as Trigger
    expect((await api(agent).create({ name: 'x', text: 'y' })).status).toBe(403)
    expect((await api(agent).update(t.id, { text: 'pwned' })).status).toBe(403)
    expect((await api(agent).remove(t.id)).status).toBe(403)
    expect(((await api(agent).list()).body as { items: Trigger[] }).items.map((x) => x.text)).toEqual(['Hi'])
  })

  it('when the input is bad, answers 400 with the field named', async () => {
    const { admin, api } = await siteWithTeam()
    const cases: [unknown, string][] = [
      [{ name: 'x' }, 'text'],
      [{ name: 'x', text: 'y'.repeat(1001) }, 'text'],
      [{ name: 'x', text: 'y', rules: { scroll: 150 } }, 'rules.scroll'],
      [{ name: 'x', text: 'y', rules: { event: 'has spaces' } }, 'rules.event'],
      [{ name: 'x', text: 'y', cap: 'forever' }, 'cap'],
      [{ name: 'x', text: 'y', agentId: crypto.randomUUID() }, 'agentId'],
    ]
    for (const [body, path] of cases) {
      const res = await api(admin).create(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('invalid_payload')
      expect(JSON.stringify(res.body.error.details ?? res.body.error.message)).toContain(path)
    }
  })

  it('when an agent of another site is named as the sender, refuses it', async () => {
    const { admin, api } = await siteWithTeam()
    const other = await siteWithTeam()
    const res = await api(admin).create({ name: 'x', text: 'y', agentId: other.agent.id })
    expect(res.status).toBe(400)
  })
})

describe('POST triggers/:id/shown (the anonymous beacon)', () => {
  it('counts each showing on the trigger without any credential; unknown, disabled or other-site triggers are 404', async () => {
    const { site, admin, api } = await siteWithTeam()
    const other = await siteWithTeam()
    const t = (await api(admin).create({ name: 'Hello', text: 'Hi' })).body as Trigger
    for (let i = 0; i < 3; i++) expect((await shown(site.id, t.id)).status).toBe(204)
    expect((await shown(other.site.id, t.id)).status).toBe(404)
    expect((await shown(site.id, crypto.randomUUID())).status).toBe(404)
    await api(admin).update(t.id, { enabled: false })
    expect((await shown(site.id, t.id)).status).toBe(404)
    const [listed] = ((await api(admin).list()).body as { items: Trigger[] }).items
    expect(listed!.funnel).toEqual({ shown: 3, replied: 0, conversations: 0 })
    // Nothing about who saw it is kept: only a per-day counter.
    const rows = await file.s.db.inSite(site.id, (tx) => tx.triggerDay.findMany({ where: { triggerId: t.id } }))
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0]!).sort()).toEqual(['date', 'shown', 'siteId', 'triggerId'])
  })
})

describe('a reply to a trigger', () => {
  it("starts the conversation with the trigger's message first (from its agent, as a bot line), then the visitor's, once, and the funnel counts it", async () => {
    const { site, admin, agent, api } = await siteWithTeam()
    const t = (await api(admin).create({ name: 'Pricing', text: 'Need help with pricing?', agentId: agent.id })).body as Trigger
    await shown(site.id, t.id)
    const visitor = track(new LiveChatClient({ url: file.s.url, siteId: site.id, storage: 'memory' }))
    await visitor.connect()
    const clientKey = crypto.randomUUID()
    const started = await visitor.startConversation({ message: 'Yes, which plan?', triggerId: t.id, clientKey })
    expect(started.messages.map((m) => [m.seq, m.senderType, m.senderName, m.text])).toEqual([
      [1, 'bot', 'Sam Agent', 'Need help with pricing?'],
      [2, 'visitor', started.messages[1]!.senderName, 'Yes, which plan?'],
    ])
    expect(started.messages[0]!.senderId).toBe(agent.id)
    // A retried start (same key) stores nothing more.
    const again = await visitor.startConversation({ message: 'Yes, which plan?', triggerId: t.id, clientKey })
    expect(again.conversation.id).toBe(started.conversation.id)
    const rows = await file.s.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: started.conversation.id }, orderBy: { seq: 'asc' } }))
    expect(rows.map((m) => m.content)).toEqual(['Need help with pricing?', 'Yes, which plan?'])
    expect(rows[0]!.metadata).toEqual({ triggerId: t.id })
    // The bot line is not a reply from the team: no first response yet.
    const conv = await file.s.db.inSite(site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: started.conversation.id } }))
    expect(conv.firstResponseAt).toBeNull()
    expect(conv.triggerId).toBe(t.id)
    const funnel = async () => (((await api(admin).list()).body as { items: Trigger[] }).items[0]!).funnel
    expect(await funnel()).toEqual({ shown: 1, replied: 1, conversations: 0 })
    // An agent answers: now it is a conversation.
    const a = await agentOnline(file.s.url, admin, track)
    await a.send(started.conversation.id, 'The Pro plan fits you')
    expect(await funnel()).toEqual({ shown: 1, replied: 1, conversations: 1 })
  })

  it('when the trigger was disabled meanwhile, starts the conversation with the visitor message only', async () => {
    const { site, admin, api } = await siteWithTeam()
    const t = (await api(admin).create({ name: 'Hello', text: 'Hi!' })).body as Trigger
    await api(admin).update(t.id, { enabled: false })
    const visitor = track(new LiveChatClient({ url: file.s.url, siteId: site.id, storage: 'memory' }))
    await visitor.connect()
    const started = await visitor.startConversation({ message: 'hello', triggerId: t.id })
    expect(started.messages.map((m) => m.text)).toEqual(['hello'])
  })

  it("when the trigger belongs to another site, ignores it (nothing of that site's text appears)", async () => {
    const { site } = await siteWithTeam()
    const other = await siteWithTeam()
    const t = (await other.api(other.admin).create({ name: 'Secret', text: 'other site text' })).body as Trigger
    const visitor = track(new LiveChatClient({ url: file.s.url, siteId: site.id, storage: 'memory' }))
    await visitor.connect()
    const started = await visitor.startConversation({ message: 'hello', triggerId: t.id })
    expect(started.messages.map((m) => m.text)).toEqual(['hello'])
  })
})
