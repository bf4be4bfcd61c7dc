import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, VisitorConversation } from '@live-chat/protocol'
import { agentOnline, eventually, startServer, waitFor, type AgentFixture, type TestServer } from '../helpers.js'

let s: TestServer
const clients: { disconnect(): void }[] = []
beforeAll(async () => {
  s = await startServer()
})
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})
afterAll(() => s.close())

const online = (a: AgentFixture): Promise<AgentClient> => agentOnline(s.url, a, (c) => (clients.push(c), c))

async function visitorStarts(siteId: string, text = 'hello'): Promise<{ client: LiveChatClient; conversation: VisitorConversation }> {
  const client = new LiveChatClient({ url: s.url, siteId, storage: 'memory' })
  clients.push(client)
  const { conversation } = await client.startConversation({ message: text })
  return { client, conversation }
}

const conversation = (c: AgentClient, id: string) => c.conversations.get(id)

describe('auto-assignment', () => {
  it('gives each new conversation to the least busy online agent, ties round-robin', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const b = await s.fx.agent(site.id)
    await online(a)
    await online(b)
    const assigned: (string | undefined)[] = []
    for (let i = 0; i < 6; i++) assigned.push((await visitorStarts(site.id)).conversation.agent?.id)
    // 1–1, 2–2, 3–3: never two in a row to the same agent while both are equally free.
    expect(assigned.filter((x) => x === a.id)).toHaveLength(3)
    expect(assigned.filter((x) => x === b.id)).toHaveLength(3)
    for (let i = 1; i < assigned.length; i++) expect(assigned[i]).not.toBe(assigned[i - 1])
  })

  it('prefers the agent with fewer active chats', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const b = await s.fx.agent(site.id)
    await online(a)
    for (let i = 0; i < 2; i++) expect((await visitorStarts(site.id)).conversation.agent?.id).toBe(a.id)
    await online(b)
    // b has 0 active chats, a has 2: the next two go to b.
    expect((await visitorStarts(site.id)).conversation.agent?.id).toBe(b.id)
    expect((await visitorStarts(site.id)).conversation.agent?.id).toBe(b.id)
  })

  it('skips agents who are connected but away, or not accepting new chats', async () => {
    const site = await s.fx.site()
    const away = await s.fx.agent(site.id)
    const closed = await s.fx.agent(site.id)
    const awayClient = await online(away)
    await awayClient.setStatus('away')
    const closedClient = await online(closed)
    await closedClient.agents.update(closed.id, { acceptNewChats: false })
    expect((await visitorStarts(site.id)).conversation).toMatchObject({ status: 'pending', agent: null })
    const assigned = waitFor<ConversationSummary>((fn) => awayClient.on('conversation:updated', fn), (c) => c.assignedAgentId === away.id)
    await awayClient.setStatus('online')
    await assigned
  })
})

describe('capacity and the queue', () => {
  it('when every agent is at capacity, queues conversations and serves them oldest first as capacity frees up', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { capacity: 1 })
    const agent = await online(a)
    const first = await visitorStarts(site.id, 'first')
    expect(first.conversation).toMatchObject({ status: 'active', agent: { id: a.id } })
    const second = await visitorStarts(site.id, 'second')
    const third = await visitorStarts(site.id, 'third')
    expect(second.conversation).toMatchObject({ status: 'pending', agent: null })
    expect(third.conversation.status).toBe('pending')

    // Resolving the first frees the seat: the second (older) is assigned, the third waits.
    const visitorTwoHears = waitFor<VisitorConversation>((fn) => second.client.on('conversation', fn), (c) => c.status === 'active')
    await agent.conversations.resolve(first.conversation.id)
    expect((await visitorTwoHears).agent?.id).toBe(a.id)
    expect((await conversation(agent, third.conversation.id)).status).toBe('pending')

    // Raising capacity lets the queue move too.
    const thirdAssigned = waitFor<ConversationSummary>((fn) => agent.on('conversation:updated', fn), (c) => c.id === third.conversation.id && c.status === 'active')
    const admin = await s.fx.agent(site.id, { role: 'admin' })
    const adminClient = new AgentClient({ url: s.url, token: admin.token })
    clients.push(adminClient)
    adminClient.useSite(site.id)
    await adminClient.agents.update(a.id, { maxConcurrentChats: 2 })
    await thirdAssigned
  })

  it('when an agent comes online, assigns the waiting conversations oldest first up to their capacity', async () => {
    const site = await s.fx.site()
    const started: Awaited<ReturnType<typeof visitorStarts>>[] = []
    for (const text of ['one', 'two', 'three']) started.push(await visitorStarts(site.id, text))
    expect(started.every((x) => x.conversation.status === 'pending')).toBe(true)
    const a = await s.fx.agent(site.id, { capacity: 2 })
    const agent = await online(a)
    await eventually(async () => (await conversation(agent, started[1]!.conversation.id)).status === 'active', 5_000, 'queue drained')
    const states = await Promise.all(started.map((x) => conversation(agent, x.conversation.id)))
    expect(states.map((c) => [c.status, c.assignedAgentId])).toEqual([
      ['active', a.id],
      ['active', a.id],
      ['pending', null],
    ])
  })

  it('never gives an agent more than their capacity, even when many visitors start at once', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { capacity: 2 })
    const agent = await online(a)
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => visitorStarts(site.id, `rush ${i}`)))
    const states = await Promise.all(all.map((x) => conversation(agent, x.conversation.id)))
    expect(states.filter((c) => c.status === 'active')).toHaveLength(2)
    expect(states.filter((c) => c.status === 'pending')).toHaveLength(6)
  })
})

describe('manual assignment and transfer', () => {
  it('transfers a conversation to another agent, tells both sides, and frees the first agent for the queue', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id, { capacity: 1, name: 'Ann' })
    const b = await s.fx.agent(site.id, { capacity: 1, name: 'Bob', status: 'away' })
    const ann = await online(a)
    await online(b)
    const chat = await visitorStarts(site.id, 'need billing help')
    const waiting = await visitorStarts(site.id, 'waiting')
    expect(chat.conversation.agent?.id).toBe(a.id)
    expect(waiting.conversation.status).toBe('pending')

    const visitorSeesBob = waitFor<VisitorConversation>((fn) => chat.client.on('conversation', fn), (c) => c.agent?.id === b.id)
    const waitingGetsAnn = waitFor<VisitorConversation>((fn) => waiting.client.on('conversation', fn), (c) => c.agent?.id === a.id)
    const moved = await ann.conversations.assign(chat.conversation.id, b.id)
    expect(moved).toMatchObject({ assignedAgentId: b.id, status: 'active' })
    expect((await visitorSeesBob).status).toBe('active')
    await waitingGetsAnn

    const history = await ann.messages(chat.conversation.id)
    expect(history.messages.at(-1)).toMatchObject({
      senderType: 'system',
      text: 'The conversation was transferred to Bob',
      private: true,
      system: { event: 'transferred', fromAgentId: a.id, toAgentId: b.id },
    })
    // The transfer is the team's business: the visitor sees Bob's name, never the notice.
    const seen = await chat.client.messages(chat.conversation.id)
    expect(seen.messages.map((m) => m.text)).toEqual(['need billing help', 'Ann joined the conversation'])
    expect(chat.client.getMessages(chat.conversation.id).some((m) => m.system?.event === 'transferred')).toBe(false)
  })

  it('unassigning puts the conversation back in the queue; assigning an agent of another site is refused', async () => {
    const site = await s.fx.site()
    const other = await s.fx.site()
    const stranger = await s.fx.agent(other.id)
    const a = await s.fx.agent(site.id)
    const agent = await online(a)
    const chat = await visitorStarts(site.id)
    await agent.setStatus('away')
    const back = await agent.conversations.assign(chat.conversation.id, null)
    expect(back).toMatchObject({ status: 'pending', assignedAgentId: null })
    expect((await agent.messages(chat.conversation.id)).messages.at(-1)).toMatchObject({ system: { event: 'unassigned' }, private: true })
    expect((await chat.client.messages(chat.conversation.id)).messages.some((m) => m.system?.event === 'unassigned')).toBe(false)
    expect(back.queuedAt).not.toBeNull()
    await expect(agent.conversations.assign(chat.conversation.id, stranger.id)).rejects.toMatchObject({ code: 'not_found' })
    expect((await conversation(agent, chat.conversation.id)).assignedAgentId).toBeNull()
  })
})

describe('resolve, reopen and close', () => {
  it('keeps status and timestamps right through resolve, reopen, a visitor reply and a close', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const agent = await online(a)
    const { client: visitor, conversation: c } = await visitorStarts(site.id, 'hi')
    expect(await visitor.rate(c.id, 4).catch((e: unknown) => e)).toMatchObject({ code: 'invalid_state' })

    const resolved = await agent.conversations.resolve(c.id)
    expect(resolved.status).toBe('resolved')
    expect(resolved.resolvedAt).not.toBeNull()
    expect((await agent.conversations.resolve(c.id)).resolvedAt).toBe(resolved.resolvedAt) // resolving twice changes nothing

    const reopened = await agent.conversations.reopen(c.id)
    expect(reopened).toMatchObject({ status: 'active', assignedAgentId: a.id, resolvedAt: null })

    await agent.conversations.resolve(c.id)
    // A visitor writing into a resolved conversation reopens it, back to the same agent.
    const agentSeesReopen = waitFor<ConversationSummary>((fn) => agent.on('conversation:updated', fn), (x) => x.id === c.id && x.status === 'active')
    await visitor.send(c.id, 'one more thing')
    await agentSeesReopen

    const closed = await visitor.closeConversation(c.id)
    expect(closed.status).toBe('closed')
    expect((await agent.conversations.get(c.id)).closedAt).not.toBeNull()
    await expect(visitor.send(c.id, 'hello again?')).rejects.toMatchObject({ code: 'invalid_state' })
    expect((await visitor.rate(c.id, 2, 'slow')).rating).toBe(2)
    expect((await agent.conversations.reopen(c.id)).status).toBe('active')
  })

  it("the visitor's view never goes back: a listing read before a resolve and answered after it leaves the conversation resolved", async () => {
    const site = await s.fx.site()
    const agent = await online(await s.fx.agent(site.id))
    // The visitor's listing is answered by the server at once, and its answer held back until released.
    let answered!: () => void
    const read = new Promise<void>((r) => (answered = r))
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const fetchHeld: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (String(input).endsWith('/api/visitor/conversations') && (init?.method ?? 'GET') === 'GET') {
        answered()
        await held
      }
      return res
    }
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory', fetch: fetchHeld })
    clients.push(visitor)
    const { conversation: c } = await visitor.startConversation({ message: 'hi' })
    await eventually(() => expect(visitor.getConversation(c.id)?.status).toBe('active'))
    const listing = visitor.conversations()
    await read // the server read the conversation as active
    const resolved = waitFor<VisitorConversation>((fn) => visitor.on('conversation', fn), (x) => x.id === c.id && x.status === 'resolved')
    await agent.conversations.resolve(c.id)
    await resolved
    release()
    const listed = await listing
    expect(listed.find((x) => x.id === c.id)?.status).toBe('resolved')
    expect(visitor.getConversation(c.id)?.status).toBe('resolved')
  })

  it('sets priority and tags, and filters the inbox by them', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const agent = await online(a)
    const one = await visitorStarts(site.id, 'refund please')
    const two = await visitorStarts(site.id, 'where is my parcel')
    await agent.conversations.update(one.conversation.id, { priority: 'urgent', tags: ['Billing', 'refund', 'billing'] })
    expect((await agent.conversations.get(one.conversation.id)).tags).toEqual(['billing', 'refund'])
    const urgent = await agent.conversations.list({ priority: 'urgent' })
    expect(urgent.items.map((x) => x.id)).toEqual([one.conversation.id])
    expect((await agent.conversations.list({ tag: 'refund' })).items.map((x) => x.id)).toEqual([one.conversation.id])
    expect((await agent.conversations.list({ q: 'parcel' })).items.map((x) => x.id)).toEqual([two.conversation.id])
    expect((await agent.conversations.list({ mine: true })).items).toHaveLength(2)
    await agent.conversations.resolve(two.conversation.id)
    expect((await agent.conversations.list({ status: ['resolved'] })).items.map((x) => x.id)).toEqual([two.conversation.id])
  })

  it("previews the last message a person wrote, not the assignment or resolve line after it", async () => {
    const site = await s.fx.site()
    const agent = await online(await s.fx.agent(site.id))
    // Auto-assignment writes a system line after the visitor's first message.
    const { conversation } = await visitorStarts(site.id, 'where is my order')
    const row = (await agent.conversations.list()).items[0]!
    expect(row.lastMessage).toMatchObject({ senderType: 'visitor', text: 'where is my order' })
    expect(row.lastSeq).toBeGreaterThan(row.lastMessage!.seq)
    await agent.send(conversation.id, 'on its way')
    await agent.conversations.resolve(conversation.id)
    const after = (await agent.conversations.list({ status: ['resolved'] })).items[0]!
    expect(after.lastMessage).toMatchObject({ senderType: 'agent', text: 'on its way' })
  })

  it('pages the inbox with a cursor, newest activity first, each conversation once', async () => {
    const site = await s.fx.site()
    const a = await s.fx.agent(site.id)
    const agent = await online(a)
    const ids = []
    for (let i = 0; i < 7; i++) ids.push((await visitorStarts(site.id, `n${i}`)).conversation.id)
    const seen: ConversationSummary[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await agent.conversations.list({ limit: 3, ...(cursor ? { cursor } : {}) })
      seen.push(...page.items)
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen.map((x) => x.id).sort()).toEqual([...ids].sort())
    const order = seen.map((x) => [x.lastActivityAt, x.id].join(' '))
    expect(order).toEqual([...order].sort().reverse())
  })
})
