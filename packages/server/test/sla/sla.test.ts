// SLA policies and clocks: the policy that applies, clocks started and met by messages, due times
// counted in business hours, a breach announced exactly once across two server processes
// (dashboard event and webhook), % met in the analytics report, and the policies' rules.
//
// On a database of its own: every server process settles every site's clocks, and another test
// file's server must not announce this file's breaches first.
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, SlaKind } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { receiver } from '../webhooks/receivers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let other: TestServer
const open: { disconnect(): unknown }[] = []

// Both processes settle clocks only when told to (slaSweepMs 0); they share Redis so that either
// one's announcement reaches the agent's socket.
const manual = { missedSweepMs: 0, slaSweepMs: 0, intervalMs: 0 }
const webhooks = { allowedNetworks: ['127.0.0.1/32'] }
beforeAll(async () => {
  database = await createTestDatabase('live_chat_sla')
  const redisUrl = inject('redisUrl')
  s = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), analytics: manual, redisUrl, webhooks })
  other = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), analytics: manual, redisUrl, webhooks })
})
afterAll(async () => {
  for (const c of open) c.disconnect()
  await other?.close()
  await s?.close()
  await database?.drop()
})

async function adminOf(siteId: string, server = s) {
  const fx = await s.fx.agent(siteId, { role: 'admin' })
  const agent = new AgentClient({ url: server.url, token: fx.token })
  open.push(agent)
  await agent.connect(siteId)
  return { agent, agentId: fx.id }
}

async function visitor(siteId: string) {
  const v = new LiveChatClient({ url: s.url, siteId, storage: 'memory' })
  open.push(v)
  return v
}

type ClockRow = { kind: SlaKind; startedAt: Date; dueAt: Date | null; metAt: Date | null; breachedAt: Date | null; cancelledAt: Date | null }
const clocks = (siteId: string, conversationId: string) =>
  s.db.inSite(siteId, (tx) =>
    tx.slaClock.findMany({ where: { conversationId }, orderBy: [{ startedAt: 'asc' }, { kind: 'asc' }], select: { kind: true, startedAt: true, dueAt: true, metAt: true, breachedAt: true, cancelledAt: true } }),
  ) as Promise<ClockRow[]>

/** Moves the conversation's running clocks' start `minutes` into the past, to be given due times again. */
const backdate = (siteId: string, conversationId: string, minutes: number) =>
  s.db.inSite(siteId, (tx) => tx.$executeRaw`
    UPDATE mod_chat_sla_clocks SET started_at = started_at - make_interval(mins => ${minutes}::int), due_at = NULL
    WHERE conversation_id = ${conversationId}::uuid AND met_at IS NULL AND cancelled_at IS NULL`)

const at = (siteId: string, conversationId: string, startedAt: string) =>
  s.db.inSite(siteId, (tx) => tx.$executeRaw`
    UPDATE mod_chat_sla_clocks SET started_at = ${new Date(startedAt)}, due_at = NULL
    WHERE conversation_id = ${conversationId}::uuid AND met_at IS NULL AND cancelled_at IS NULL`)

describe('SLA clocks', () => {
  it('start with the visitor, are met by public replies (not notes), and show on the conversation', async () => {
    const site = await s.fx.site()
    const { agent } = await adminOf(site.id)
    await agent.slaPolicies.create({ name: 'Default', firstResponseMinutes: 5, nextResponseMinutes: 10, resolutionMinutes: 120, businessHours: false })
    const v = await visitor(site.id)
    const { conversation } = await v.startConversation({ message: 'Hello?' })
    const id = conversation.id

    let rows = await clocks(site.id, id)
    expect(rows.map((r) => [r.kind, r.dueAt, r.metAt])).toEqual([
      ['first_response', null, null],
      ['resolution', null, null],
    ])
    await s.services.analytics.sla.run()
    rows = await clocks(site.id, id)
    const first = rows.find((r) => r.kind === 'first_response')!
    expect(first.dueAt!.getTime() - first.startedAt.getTime()).toBe(5 * 60_000)
    const resolution = rows.find((r) => r.kind === 'resolution')!
    expect(resolution.dueAt!.getTime() - resolution.startedAt.getTime()).toBe(120 * 60_000)
    let summary = await agent.conversations.get(id)
    expect(summary.sla).toEqual({ kind: 'first_response', startedAt: first.startedAt.toISOString(), dueAt: first.dueAt!.toISOString(), breachedAt: null })
    // The inbox page (one statement, conversations/views.ts) shows the same summary, field for field.
    // The visitor's client marks what it received meanwhile (its delivered seq moves), so the two
    // are read in turn until one read of the list lies between two equal reads of the conversation.
    const listed = async () => (await agent.conversations.list()).items.find((c) => c.id === id)
    const listedAsOwn = async () => {
      let last: unknown
      await eventually(
        async () => {
          const before = await agent.conversations.get(id)
          const list = await listed()
          const after = await agent.conversations.get(id)
          last = { list, own: after }
          return isDeepStrictEqual(before, after) && isDeepStrictEqual(list, after)
        },
        5_000,
        'the inbox page showing the conversation as it is',
      ).catch(() => undefined)
      const { list, own } = last as { list: unknown; own: unknown }
      expect(list).toEqual(own)
    }
    expect(summary.visitor.online).toBe(true)
    await listedAsOwn()

    // A private note is no reply.
    await agent.send(id, 'Checking their order first', { private: true })
    expect((await clocks(site.id, id)).find((r) => r.kind === 'first_response')!.metAt).toBeNull()
    await agent.send(id, 'Hi! How can I help?')
    rows = await clocks(site.id, id)
    expect(rows.find((r) => r.kind === 'first_response')!.metAt).not.toBeNull()
    summary = await agent.conversations.get(id)
    expect(summary.sla?.kind).toBe('resolution')

    // The visitor writes twice: one next-response clock, from the first of the two.
    await v.send(id, 'My parcel did not arrive')
    await v.send(id, 'Order 1234')
    rows = await clocks(site.id, id)
    expect(rows.filter((r) => r.kind === 'next_response')).toHaveLength(1)
    await s.services.analytics.sla.run()
    summary = await agent.conversations.get(id)
    expect(summary.sla?.kind).toBe('next_response')
    expect(Date.parse(summary.sla!.dueAt!) - Date.parse(summary.sla!.startedAt)).toBe(10 * 60_000)
    expect(summary.lastMessage?.text).toBe('Order 1234')
    await listedAsOwn()
    v.disconnect()
    await eventually(async () => !(await agent.conversations.get(id)).visitor.online, 5_000, 'the visitor offline')
    await listedAsOwn()
    await agent.send(id, 'Let me look')
    await agent.conversations.resolve(id)
    await s.services.analytics.sla.run()
    rows = await clocks(site.id, id)
    expect(rows.every((r) => r.metAt !== null && r.breachedAt === null && r.cancelledAt === null)).toBe(true)
    expect((await agent.conversations.get(id)).sla).toBeNull()
  })

  it('a site without policies starts no clocks', async () => {
    const site = await s.fx.site()
    const { agent } = await adminOf(site.id)
    const v = await visitor(site.id)
    const { conversation } = await v.startConversation({ message: 'Hi' })
    await agent.send(conversation.id, 'Hello')
    await v.send(conversation.id, 'Thanks')
    expect(await clocks(site.id, conversation.id)).toEqual([])
    expect((await agent.conversations.get(conversation.id)).sla).toBeNull()
  })

  it('counts business hours: a clock started on Friday evening is due on Monday, unless the policy counts every minute', async () => {
    const site = await s.fx.site()
    const { agent } = await adminOf(site.id)
    const team = await agent.teams.create({ name: 'Around the clock' })
    await agent.slaPolicies.create({ name: 'Office', firstResponseMinutes: 30 })
    await agent.slaPolicies.create({ name: 'Always', teamId: team.id, firstResponseMinutes: 30, businessHours: false })

    const v1 = await visitor(site.id)
    const office = (await v1.startConversation({ message: 'Hello' })).conversation.id
    const v2 = await visitor(site.id)
    const always = (await v2.startConversation({ message: 'Hello', team: team.id })).conversation.id
    // (Opening hours set after the starts: a visitor starting outside them would leave an offline message.)
    const nineToFive = { start: '09:00', end: '17:00' }
    const businessHours = { mon: [nineToFive], tue: [nineToFive], wed: [nineToFive], thu: [nineToFive], fri: [nineToFive] }
    await agent.settings.update({ widget: { timezone: 'UTC', businessHoursEnabled: true, businessHours } })
    // 2026-11-27 is a Friday.
    await at(site.id, office, '2026-11-27T16:50:00.000Z')
    await at(site.id, always, '2026-11-27T16:50:00.000Z')
    await s.services.analytics.sla.run()
    expect((await clocks(site.id, office)).find((r) => r.kind === 'first_response')!.dueAt).toEqual(new Date('2026-11-30T09:20:00.000Z'))
    expect((await clocks(site.id, always)).find((r) => r.kind === 'first_response')!.dueAt).toEqual(new Date('2026-11-27T17:20:00.000Z'))
  })

  it('applies the most specific policy, and sets running clocks again when the priority changes', async () => {
    const site = await s.fx.site()
    const { agent } = await adminOf(site.id)
    await agent.slaPolicies.create({ name: 'Default', firstResponseMinutes: 60, businessHours: false })
    await agent.slaPolicies.create({ name: 'Urgent', priority: 'urgent', firstResponseMinutes: 2, businessHours: false })
    const v = await visitor(site.id)
    const id = (await v.startConversation({ message: 'Hello' })).conversation.id
    await s.services.analytics.sla.run()
    const due = async () => {
      const c = (await clocks(site.id, id)).find((r) => r.kind === 'first_response')!
      return (c.dueAt!.getTime() - c.startedAt.getTime()) / 60_000
    }
    expect(await due()).toBe(60)
    await agent.conversations.update(id, { priority: 'urgent' })
    await s.services.analytics.sla.run()
    expect(await due()).toBe(2)
    // No target for a kind: that clock stops (the resolution clock here).
    expect((await clocks(site.id, id)).find((r) => r.kind === 'resolution')!.cancelledAt).not.toBeNull()
  })

  it('announces a breach exactly once across two processes: one dashboard event, one webhook, counted in the report per agent and team', async () => {
    const site = await s.fx.site()
    const { agent, agentId } = await adminOf(site.id)
    const team = await agent.teams.create({ name: 'Billing', agentIds: [agentId] })
    await agent.slaPolicies.create({ name: 'Default', firstResponseMinutes: 5, nextResponseMinutes: 5, businessHours: false })
    const hook = await receiver()
    await agent.webhooks.create({ url: hook.url, events: ['conversation.sla_breached'] })
    const told: { conversation: ConversationSummary; kind: SlaKind }[] = []
    agent.on('sla:breached', (b) => told.push(b))

    const late = (await (await visitor(site.id)).startConversation({ message: 'Anyone?', team: team.id })).conversation.id
    const quick = (await (await visitor(site.id)).startConversation({ message: 'Hi', team: team.id })).conversation.id
    await agent.send(quick, 'Hello!')
    await backdate(site.id, late, 6)

    // Both processes at once, twice over.
    const runs = await Promise.all([s.services.analytics.sla.run(), other.services.analytics.sla.run(), s.services.analytics.sla.run(), other.services.analytics.sla.run()])
    expect(runs.flat().map((b) => [b.conversationId, b.kind])).toEqual([[late, 'first_response']])
    await eventually(() => told.length === 1, 10_000, 'the sla:breached event')
    expect(told[0]).toMatchObject({ kind: 'first_response', conversation: { id: late, sla: { kind: 'first_response', breachedAt: expect.any(String) } } })
    const bodies = () => hook.got.map((r) => JSON.parse(r.body) as unknown)
    await eventually(() => hook.got.length === 1, 20_000, 'the conversation.sla_breached webhook')
    expect(bodies()[0]).toMatchObject({ event: 'conversation.sla_breached', data: { kind: 'first_response', conversation: { id: late } } })

    // Answered late: the clock stays breached and is not announced again.
    await agent.send(late, 'Sorry for the wait')
    expect([...(await s.services.analytics.sla.run()), ...(await other.services.analytics.sla.run())]).toEqual([])
    const row = (await clocks(site.id, late)).find((r) => r.kind === 'first_response')!
    expect(row.metAt!.getTime()).toBeGreaterThan(row.dueAt!.getTime())
    await new Promise((r) => setTimeout(r, 300))
    expect(told).toHaveLength(1)
    expect(hook.got).toHaveLength(1)
    await hook.close()

    // From the day the late clock started (backdated: yesterday, just after midnight UTC) to today.
    const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10)
    const report = await agent.analytics.report({ from: day(10 * 60_000), to: day(0) })
    expect(report.sla).toMatchObject({ met: 1, breached: 1, rate: 0.5, byKind: { first_response: { met: 1, breached: 1 } } })
    expect(report.sla.agents).toEqual([expect.objectContaining({ agentId, met: 1, breached: 1, rate: 0.5 })])
    expect(report.sla.teams).toEqual([expect.objectContaining({ teamId: team.id, name: 'Billing', met: 1, breached: 1 })])
  })
})

describe('SLA policies', () => {
  it('admins write them with clear errors; agents read them; one policy per team and priority', async () => {
    const site = await s.fx.site()
    const otherSite = await s.fx.site()
    const { agent: admin } = await adminOf(site.id)
    const fx = await s.fx.agent(site.id, { role: 'agent' })
    const plain = new AgentClient({ url: s.url, token: fx.token })
    open.push(plain)
    await plain.connect(site.id)

    const p = await admin.slaPolicies.create({ name: 'Default', firstResponseMinutes: 5 })
    expect(p).toMatchObject({ name: 'Default', teamId: null, priority: null, firstResponseMinutes: 5, nextResponseMinutes: null, businessHours: true })
    expect(await plain.slaPolicies.list()).toEqual([p])
    await expect(plain.slaPolicies.create({ name: 'Mine', firstResponseMinutes: 1 })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(admin.slaPolicies.create({ name: 'Again', resolutionMinutes: 5 })).rejects.toMatchObject({ code: 'conflict' })
    await expect(admin.slaPolicies.create({ name: 'Empty' } as never)).rejects.toMatchObject({ code: 'invalid_payload' })
    await expect(admin.slaPolicies.create({ name: 'Zero', firstResponseMinutes: 0 })).rejects.toMatchObject({ code: 'invalid_payload' })
    await expect(admin.slaPolicies.update(p.id, { firstResponseMinutes: null })).rejects.toMatchObject({ code: 'invalid_payload' })
    const foreignTeam = await (await adminOf(otherSite.id)).agent.teams.create({ name: 'Theirs' })
    await expect(admin.slaPolicies.create({ name: 'Foreign', teamId: foreignTeam.id, firstResponseMinutes: 1 })).rejects.toMatchObject({ code: 'invalid_payload' })
    expect(await admin.slaPolicies.update(p.id, { nextResponseMinutes: 15, businessHours: false })).toMatchObject({ nextResponseMinutes: 15, businessHours: false })
    await admin.slaPolicies.delete(p.id)
    await expect(admin.slaPolicies.delete(p.id)).rejects.toMatchObject({ code: 'not_found' })
    expect(await admin.slaPolicies.list()).toEqual([])
  })
})
