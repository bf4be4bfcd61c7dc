// Missed conversations: the sweep marks exactly the live conversations nobody answered within
// the site's missedAfterMinutes, once, tells the dashboard and queues the webhook event; two
// server processes sweeping the same database never mark a conversation twice.
//
// On a database of its own: every server process sweeps every site, and another test file's
// server must not mark (and announce) this file's conversations first.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, waitFor, type TestServer } from '../helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let other: TestServer
const open: { disconnect(): unknown }[] = []

// Both processes sweep only when told to (missedSweepMs 0), so the test decides when; they share
// Redis so that either one's announcement reaches the agent's socket.
const manual = { missedSweepMs: 0, intervalMs: 0 }
// The webhook receiver listens on 127.0.0.1, a private address webhooks may not reach unless allowed.
const webhooks = { allowedNetworks: ['127.0.0.1/32'] }
beforeAll(async () => {
  database = await createTestDatabase('live_chat_missed')
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

async function adminOf(siteId: string) {
  const fx = await s.fx.agent(siteId, { role: 'admin' })
  const agent = new AgentClient({ url: s.url, token: fx.token })
  open.push(agent)
  await agent.connect(siteId)
  return { agent, agentId: fx.id }
}

async function start(siteId: string, opts: { offline?: boolean } = {}): Promise<string> {
  const visitor = new LiveChatClient({ url: s.url, siteId, storage: 'memory' })
  open.push(visitor)
  const started = await visitor.startConversation(
    opts.offline ? { offline: true, fields: { email: 'later@example.com' }, message: 'Call me back' } : { message: 'Anyone there?' },
  )
  return started.conversation.id
}

/** Moves the conversation's start (its first message) `minutes` into the past. */
function backdate(siteId: string, id: string, minutes: number) {
  return s.db.inSite(
    siteId,
    (tx) => tx.$executeRaw`
      UPDATE mod_chat_conversations SET first_message_at = first_message_at - make_interval(mins => ${minutes}::int),
             created_at = created_at - make_interval(mins => ${minutes}::int)
      WHERE id = ${id}::uuid`,
  )
}

const missedAt = (siteId: string, id: string) =>
  s.db.inSite(siteId, async (tx) => (await tx.conversation.findUniqueOrThrow({ where: { id }, select: { missedAt: true } })).missedAt)

/** A receiver for the site's webhook: records the bodies it gets. */
async function receiver() {
  const bodies: { event: string; data: { conversation: ConversationSummary } }[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      bodies.push(JSON.parse(body) as (typeof bodies)[number])
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { bodies, url, close: () => new Promise<void>((r) => server.close(() => r())) }
}

describe('the missed sweep', () => {
  it('marks exactly the live, unanswered conversations past the site’s deadline, once, and tells the dashboard and webhooks', async () => {
    const site = await s.fx.site()
    const slow = await s.fx.site() // keeps the default deadline of 10 minutes
    const { agent } = await adminOf(site.id)
    expect((await agent.settings.update({ missedAfterMinutes: 1 })).missedAfterMinutes).toBe(1)
    const hook = await receiver()
    await agent.webhooks.create({ url: hook.url, events: ['conversation.missed'] })

    const waiting = await start(site.id)
    const answered = await start(site.id)
    const offline = await start(site.id, { offline: true })
    const fresh = await start(site.id)
    const earlier = await start(site.id)
    const resolved = await start(site.id)
    const slowWaiting = await start(slow.id)
    const slowLate = await start(slow.id)
    await agent.send(answered, 'Hello! How can I help?')
    await agent.conversations.resolve(resolved)
    for (const id of [waiting, answered, offline, earlier, resolved]) await backdate(site.id, id, 2)
    await backdate(slow.id, slowWaiting, 2)
    await backdate(slow.id, slowLate, 11)
    // Marked by an earlier sweep: keeps its time.
    const before = new Date('2026-01-02T03:04:05.678Z')
    await s.db.inSite(site.id, (tx) => tx.conversation.update({ where: { id: earlier }, data: { missedAt: before } }))

    const told = waitFor<ConversationSummary>((fn) => agent.on('conversation:updated', fn), (c) => c.id === waiting, 10_000, 'conversation:updated of the missed one')
    const marked = await s.services.analytics.missed.sweep()
    expect(marked.sort()).toEqual([waiting, slowLate].sort())
    const summary = await told
    // (assigned to the admin, who is connected, but not answered)
    expect(summary).toMatchObject({ id: waiting, status: 'active', firstResponseAt: null, missedAt: expect.any(String) })
    expect(Date.parse(summary.missedAt!)).toBeGreaterThan(Date.now() - 60_000)

    // Once: a second sweep marks nothing and changes nothing.
    const stamped = await missedAt(site.id, waiting)
    expect(await s.services.analytics.missed.sweep()).toEqual([])
    expect(await missedAt(site.id, waiting)).toEqual(stamped)
    expect(await missedAt(site.id, earlier)).toEqual(before)
    for (const id of [answered, offline, fresh, resolved]) expect(await missedAt(site.id, id)).toBeNull()
    expect(await missedAt(slow.id, slowWaiting)).toBeNull()

    // The list filter and the webhook see it (the other site has no webhook).
    expect((await agent.conversations.list({ missed: true })).items.map((c) => c.id).sort()).toEqual([waiting, earlier].sort())
    await eventually(() => hook.bodies.length === 1, 20_000, 'the conversation.missed webhook')
    expect(hook.bodies[0]).toMatchObject({ event: 'conversation.missed', data: { conversation: { id: waiting, missedAt: summary.missedAt } } })
    await hook.close()
  })

  it('answered after the deadline: still missed, and answering does not clear it', async () => {
    const site = await s.fx.site()
    const { agent } = await adminOf(site.id)
    await agent.settings.update({ missedAfterMinutes: 1 })
    const id = await start(site.id)
    await backdate(site.id, id, 5)
    expect(await s.services.analytics.missed.sweep()).toEqual([id])
    const marked = (await missedAt(site.id, id))!.toISOString()
    await agent.send(id, 'Sorry for the wait!')
    expect(await agent.conversations.get(id)).toMatchObject({ firstResponseAt: expect.any(String), missedAt: marked })
    expect(await s.services.analytics.missed.sweep()).toEqual([])
  })

  it('two server processes sweeping at once mark each conversation once between them', async () => {
    const sites = [await s.fx.site(), await s.fx.site(), await s.fx.site()]
    const due: string[] = []
    for (const site of sites) {
      const { agent } = await adminOf(site.id)
      await agent.settings.update({ missedAfterMinutes: 1 })
      for (let i = 0; i < 4; i++) {
        const id = await start(site.id)
        await backdate(site.id, id, 3)
        due.push(id)
      }
    }
    const [a, b] = await Promise.all([s.services.analytics.missed.sweep(), other.services.analytics.missed.sweep()])
    expect([...a, ...b].sort()).toEqual(due.sort())
    expect(a.filter((id) => b.includes(id))).toEqual([])
  })
})
