// The queue over two real server processes sharing Postgres and Redis: visitors wait on one, the
// agent works on the other, and each change the agent makes moves the visitors' places. Teams:
// each team's agents work on a different process, visitors start on both, and routing keeps each
// team's queue to its own agents (a full team never holds up another's), with every waiting
// visitor's place counted in their team's queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

let fixtures: TestServer
let one: ServerProcess
let two: ServerProcess
beforeAll(async () => {
  ;[fixtures, one, two] = await Promise.all([startServer(), startProcess(), startProcess()])
}, 120_000)
afterAll(async () => {
  await Promise.all([stopProcess(one), stopProcess(two)])
  await fixtures?.close()
})

describe('queue positions across two server processes', () => {
  it('an agent on process one takes and frees chats; visitors waiting on process two see their places move', async () => {
    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id, { capacity: 1 })
    const agent = new AgentClient({ url: one.url, token: a.token })
    const clients: { disconnect(): void }[] = [agent]
    const visitor = (url: string) => {
      const c = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
      clients.push(c)
      return c
    }
    try {
      await agent.connect(site.id)
      const busy = visitor(one.url)
      await eventually(async () => (await busy.connect(), busy.online), 10_000, 'agent online')
      const served = await busy.startConversation({ message: 'first' })
      expect(served.conversation.status).toBe('active')

      const waiting: { client: LiveChatClient; id: string }[] = []
      for (const text of ['w1', 'w2', 'w3']) {
        const client = visitor(two.url)
        const { conversation } = await client.startConversation({ message: text })
        waiting.push({ client, id: conversation.id })
      }
      const places = () => waiting.map((w) => w.client.getQueuePosition(w.id)?.position ?? null)
      await eventually(() => places().join() === '1,2,3', 20_000, 'places 1, 2, 3 on process two')

      // The agent, on process one, takes the second in line by hand.
      await agent.conversations.assign(waiting[1]!.id, a.id)
      await eventually(() => places().join() === '1,,2', 20_000, 'places 1, -, 2 after the take')

      // The agent resolves both their chats: routing (on process one) serves the first in line.
      await agent.conversations.resolve(served.conversation.id)
      await agent.conversations.resolve(waiting[1]!.id)
      await eventually(() => places().join() === ',,1', 20_000, 'places -, -, 1 after the resolve')
      expect(waiting[2]!.client.getQueuePosition(waiting[2]!.id)).toMatchObject({ position: 1, estimatedWaitSeconds: null })
    } finally {
      for (const c of clients) c.disconnect()
    }
  })
})

describe('teams across two server processes', () => {
  it("routes each team's conversations to its own agents, wherever visitors and agents are connected, and counts places per team", async () => {
    const site = await fixtures.fx.site()
    const seller = await fixtures.fx.agent(site.id, { capacity: 1 })
    const payer = await fixtures.fx.agent(site.id, { capacity: 1 })
    await fixtures.fx.team(site.id, 'Sales', [seller.id])
    await fixtures.fx.team(site.id, 'Billing', [payer.id])
    const clients: { disconnect(): void }[] = []
    const agentOn = async (url: string, token: string) => {
      const c = new AgentClient({ url, token })
      clients.push(c)
      await c.connect(site.id)
      return c
    }
    const visitorOn = (url: string) => {
      const c = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
      clients.push(c)
      return c
    }
    try {
      const sales = await agentOn(one.url, seller.token)
      const billing = await agentOn(two.url, payer.token)
      await eventually(async () => (await sales.agents.list()).every((a) => a.online), 10_000, 'both agents online')

      const start = async (url: string, team?: string) => {
        const client = visitorOn(url)
        const { conversation } = await client.startConversation({ message: `for ${team ?? 'anyone'}`, ...(team ? { team } : {}) })
        return { client, id: conversation.id, agent: conversation.agent?.id ?? null }
      }
      const a = await start(two.url, 'Sales')
      expect(a.agent).toBe(seller.id)
      // Sales is full: these wait for sales, though billing's agent is free.
      const b = await start(one.url, 'Sales')
      const d = await start(two.url, 'sales')
      expect([b.agent, d.agent]).toEqual([null, null])
      // Billing's conversation is not held up behind them.
      const c = await start(one.url, 'Billing')
      expect(c.agent).toBe(payer.id)
      // No team: anyone, and everyone is full.
      const e = await start(two.url)
      expect(e.agent).toBeNull()

      const place = (w: { client: LiveChatClient; id: string }) => w.client.getQueuePosition(w.id)?.position ?? null
      await eventually(() => place(b) === 1 && place(d) === 2 && place(e) === 1, 10_000, 'sales places 1 and 2, general place 1')

      // Billing's agent (process two) frees a slot: the older sales conversations are not theirs; the one for anyone is.
      await billing.conversations.resolve(c.id)
      await eventually(async () => (await billing.conversations.get(e.id)).assignedAgentId === payer.id, 10_000, 'the general conversation goes to billing')
      expect((await billing.conversations.get(b.id)).assignedAgentId).toBeNull()

      // Sales' agent (process one) frees theirs: the first in the sales queue; the second moves up (on process two).
      await sales.conversations.resolve(a.id)
      await eventually(async () => (await sales.conversations.get(b.id)).assignedAgentId === seller.id, 10_000, 'the first sales conversation goes to sales')
      await eventually(() => place(d) === 1, 10_000, 'the second sales visitor moves up to 1')
      expect((await sales.conversations.get(d.id)).assignedAgentId).toBeNull()

      // A burst for sales on both processes at once: nobody ever holds more than their capacity.
      await sales.conversations.resolve(b.id)
      const burst = await Promise.all([start(one.url, 'Sales'), start(two.url, 'Sales'), start(one.url, 'Sales'), start(two.url, 'Sales')])
      const all = [...burst.map((x) => x.id), d.id]
      await eventually(async () => (await Promise.all(all.map((id) => sales.conversations.get(id)))).filter((x) => x.assignedAgentId === seller.id).length === 1, 10_000, 'exactly one of them assigned to sales')
      for (const id of all) expect((await sales.conversations.get(id)).assignedAgentId).not.toBe(payer.id)
      // The oldest waiting (d) was served first.
      expect((await sales.conversations.get(d.id)).assignedAgentId).toBe(seller.id)
    } finally {
      for (const c of clients) c.disconnect()
    }
  })
})
