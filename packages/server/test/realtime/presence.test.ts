// Presence and receipts as the other side sees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { AgentSummary, ReceiptState, VisitorPresence } from '@live-chat/protocol'
import { eventually, startServer, waitFor, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

describe('presence', () => {
  it('agents see a visitor come online, move between pages, and leave', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const agent = new AgentClient({ url: s.url, token: a.token })
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      await agent.connect(site.id)
      const online = waitFor<VisitorPresence>((fn) => agent.on('visitor', fn), (p) => p.online)
      await visitor.startConversation({ message: 'hi' })
      const id = visitor.visitor!.id
      expect((await online).visitorId).toBe(id)

      const moved = waitFor<VisitorPresence>((fn) => agent.on('visitor', fn), (p) => p.currentUrl === 'https://shop.test/checkout')
      await visitor.visitPage('https://shop.test/checkout', 'Checkout')
      expect(await moved).toMatchObject({ visitorId: id, online: true, currentTitle: 'Checkout' })
      const list = await agent.presence()
      expect(list.visitors).toEqual([{ visitorId: id, online: true, currentUrl: 'https://shop.test/checkout', currentTitle: 'Checkout' }])
      expect(list.agents.map((x) => [x.id, x.online, x.status])).toEqual([[a.id, true, 'online']])

      const left = waitFor<VisitorPresence>((fn) => agent.on('visitor', fn), (p) => !p.online)
      visitor.disconnect()
      expect((await left).visitorId).toBe(id)
      expect((await agent.presence()).visitors).toEqual([])
    } finally {
      visitor.disconnect()
      agent.disconnect()
    }
  })

  it('visitors learn when agents become available or not; colleagues see status changes', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const b = await s.fx.agent(site.id)
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    const ann = new AgentClient({ url: s.url, token: a.token })
    const bob = new AgentClient({ url: s.url, token: b.token })
    try {
      await visitor.startConversation({ message: 'anyone?' })
      const available = waitFor<{ online: boolean }>((fn) => visitor.on('availability', fn), (x) => x.online)
      await ann.connect(site.id)
      await available
      await bob.connect(site.id)
      const annAway = waitFor<AgentSummary>((fn) => bob.on('agent', fn), (x) => x.id === a.id && x.status === 'away')
      const unavailable = waitFor<{ online: boolean }>((fn) => visitor.on('availability', fn), (x) => !x.online)
      await ann.setStatus('away')
      await annAway
      // Bob is still online, so only once Bob leaves is nobody available.
      await new Promise((r) => setTimeout(r, 200))
      expect(visitor.online).toBe(true)
      bob.disconnect()
      await unavailable
    } finally {
      visitor.disconnect()
      ann.disconnect()
      bob.disconnect()
    }
  })

  it("an agent's other tabs change nothing anyone sees: announced when the first opens and the last closes", async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const b = await s.fx.agent(site.id)
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    const bob = new AgentClient({ url: s.url, token: b.token })
    const tabs = [1, 2, 3].map(() => new AgentClient({ url: s.url, token: a.token }))
    const connections = () => s.db.inSite(site.id, (tx) => tx.connection.count({ where: { agentId: a.id } }))
    const settled = (n: number) => eventually(async () => (await connections()) === n, 5_000, `${n} connections of the agent`)
    try {
      await visitor.startConversation({ message: 'anyone?' })
      // Bob hears his colleagues; away, he leaves the site's availability to Ann.
      await bob.connect(site.id)
      await bob.setStatus('away')
      await eventually(() => visitor.online === false, 5_000, 'nobody available')
      const heard = { bob: [] as AgentSummary[], visitor: [] as { online: boolean }[] }
      bob.on('agent', (x) => x.id === a.id && heard.bob.push(x))
      visitor.on('availability', (x) => heard.visitor.push(x))
      // The first tab: Bob hears that Ann is online, and the visitor's widget hears availability.
      await tabs[0]!.connect(site.id)
      await eventually(() => heard.bob.length === 1 && heard.visitor.length === 1, 5_000, 'the first tab announced')
      expect([heard.bob[0], heard.visitor[0]]).toMatchObject([{ online: true, status: 'online' }, { online: true }])
      // Two more tabs, then one closes: nothing new for anyone.
      await tabs[1]!.connect(site.id)
      await tabs[2]!.connect(site.id)
      await settled(3)
      tabs[1]!.disconnect()
      await settled(2)
      await new Promise((r) => setTimeout(r, 300))
      expect([heard.bob.length, heard.visitor.length]).toEqual([1, 1])
      // The last ones close: Bob hears that Ann is offline.
      tabs[0]!.disconnect()
      tabs[2]!.disconnect()
      await eventually(() => heard.bob.length === 2 && heard.visitor.length === 2, 5_000, 'the last tab announced')
      expect([heard.bob[1]?.online, heard.visitor[1]?.online]).toEqual([false, false])
    } finally {
      visitor.disconnect()
      bob.disconnect()
      for (const t of tabs) t.disconnect()
    }
  })
})

describe('receipts', () => {
  it('each side\'s read and delivered marks move forward only, and the other side hears of it', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const agent = new AgentClient({ url: s.url, token: a.token })
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      await agent.connect(site.id)
      const { conversation } = await visitor.startConversation({ message: 'one' })
      const two = await visitor.send(conversation.id, 'two')
      const seen = waitFor<ReceiptState>((fn) => visitor.on('receipt', fn), (r) => r.agentReadSeq === two.seq)
      await agent.markRead(conversation.id, two.seq)
      expect(await seen).toMatchObject({ conversationId: conversation.id, agentReadSeq: two.seq, agentDeliveredSeq: two.seq })
      // Going back does nothing; going past the end stops at the last message.
      await agent.markRead(conversation.id, 1)
      await agent.markRead(conversation.id, 999)
      const c = await agent.conversations.get(conversation.id)
      expect([c.agentReadSeq, c.agentDeliveredSeq]).toEqual([c.lastSeq, c.lastSeq])
    } finally {
      visitor.disconnect()
      agent.disconnect()
    }
  })
})
