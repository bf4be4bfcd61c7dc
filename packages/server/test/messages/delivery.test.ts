// Never lost, never doubled: idempotent resends, gap-free seq under concurrency, exact sync
// after a reconnect, an outbox that delivers offline sends exactly once, private notes.
import request from 'supertest'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Ack, ConversationCounters, LiveMessage, Message, MessagePage } from '@live-chat/protocol'
import { ask, connectRaw, eventually, rawSocket, startServer, waitFor, type TestServer } from '../helpers.js'

let s: TestServer
const cleanup: (() => void)[] = []
beforeAll(async () => {
  s = await startServer()
})
afterEach(() => {
  for (const c of cleanup.splice(0)) c()
})
afterAll(() => s.close())

/** A site, an online agent (SDK) and a visitor with a started conversation (SDK). */
async function chat(visitorSocketOptions: Record<string, unknown> = {}) {
  const site = await s.fx.site()
  const a = await s.fx.agent(site.id)
  const agent = new AgentClient({ url: s.url, token: a.token })
  cleanup.push(() => agent.disconnect())
  await agent.connect(site.id)
  const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory', socketOptions: visitorSocketOptions })
  cleanup.push(() => visitor.disconnect())
  const { conversation } = await visitor.startConversation({ message: 'first' })
  return { site, a, agent, visitor, conversationId: conversation.id }
}

const storedCount = (siteId: string, conversationId: string) =>
  s.db.inSite(siteId, (tx) => tx.message.count({ where: { conversationId } }))

/** Drops the visitor's connection from the server side, as a network failure would. */
function dropVisitorConnections(visitorId: string) {
  for (const socket of s.app.io.of('/visitor').sockets.values()) {
    if ((socket.data as { actor?: { visitorId: string } }).actor?.visitorId === visitorId) socket.conn.close()
  }
}

describe('idempotent send', () => {
  it('a resend with the same clientId returns the stored message and stores nothing new', async () => {
    const { site, visitor, conversationId } = await chat()
    const socket = rawSocket(s.url, '/visitor', { token: visitor.token })
    cleanup.push(() => socket.close())
    await connectRaw(socket)
    const payload = { conversationId, clientId: 'resend-test-0001', text: 'only once' }
    const first = await ask<Ack<Message>>(socket, 'message:send', payload)
    const again = await ask<Ack<Message>>(socket, 'message:send', payload)
    const concurrent = await Promise.all([1, 2, 3].map(() => ask<Ack<Message>>(socket, 'message:send', payload)))
    expect(first.ok && again.ok).toBe(true)
    if (!first.ok || !again.ok) return
    expect(again.data).toEqual(first.data)
    for (const r of concurrent) expect(r).toEqual(first)
    expect(await storedCount(site.id, conversationId)).toBe(3) // first message, the system "joined", this one
  })

  it('over REST too: 201 the first time, 200 with the same message after', async () => {
    const { site, a, conversationId } = await chat()
    const url = `/api/sites/${site.id}/conversations/${conversationId}/messages`
    const body = { clientId: 'rest-resend-0001', text: 'via http' }
    const first = await request(s.url).post(url).set('authorization', `Bearer ${a.token}`).send(body)
    const second = await request(s.url).post(url).set('authorization', `Bearer ${a.token}`).send(body)
    expect(first.status).toBe(201)
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(await storedCount(site.id, conversationId)).toBe(3)
  })

  it('a clientId already used by the other side is refused, not mixed up', async () => {
    const { site, a, visitor, conversationId } = await chat()
    const mine = await visitor.send(conversationId, 'visitor text')
    const socket = rawSocket(s.url, '/agent', { token: a.token, siteId: site.id })
    cleanup.push(() => socket.close())
    await connectRaw(socket)
    const r = await ask<Ack<Message>>(socket, 'message:send', { conversationId, clientId: mine.clientId, text: 'hijack' })
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } })
  })
})

describe('fan-out', () => {
  it("the sending socket gets its message in the ack only; the sender's other tabs and the other side get message:created", async () => {
    const { site, a, visitor, conversationId } = await chat()
    const open = async (ns: '/visitor' | '/agent', auth: Record<string, unknown>) => {
      const socket = rawSocket(s.url, ns, auth)
      cleanup.push(() => socket.close())
      await connectRaw(socket)
      const heard: Message[] = []
      socket.on('message:created', (m: Message) => heard.push(m))
      return { socket, heard }
    }
    const tab1 = await open('/visitor', { token: visitor.token })
    const tab2 = await open('/visitor', { token: visitor.token })
    const agent1 = await open('/agent', { token: a.token, siteId: site.id })
    const agent2 = await open('/agent', { token: a.token, siteId: site.id })

    const fromVisitor = await ask<Ack<Message>>(tab1.socket, 'message:send', { conversationId, clientId: 'fanout-visitor-01', text: 'from tab 1' })
    const fromAgent = await ask<Ack<Message>>(agent1.socket, 'message:send', { conversationId, clientId: 'fanout-agent-0001', text: 'from agent 1' })
    expect(fromVisitor.ok && fromAgent.ok).toBe(true)
    if (!fromVisitor.ok || !fromAgent.ok) return
    const ids = (heard: Message[]) => heard.map((m) => m.id)
    await eventually(() => ids(tab2.heard).length === 2 && ids(agent2.heard).length === 2, 5_000, 'both messages at the other sockets')
    expect(ids(tab2.heard)).toEqual([fromVisitor.data.id, fromAgent.data.id])
    expect(ids(agent2.heard)).toEqual([fromVisitor.data.id, fromAgent.data.id])
    await eventually(() => tab1.heard.length === 1 && agent1.heard.length === 1, 5_000, 'the other side’s message at each sender')
    // A round trip on each sender after everything else: an echo of its own would have come by now.
    await ask(tab1.socket, 'messages:sync', { conversationId, afterSeq: 0 })
    await ask(agent1.socket, 'messages:sync', { conversationId, afterSeq: 0 })
    expect(ids(tab1.heard)).toEqual([fromAgent.data.id])
    expect(ids(agent1.heard)).toEqual([fromVisitor.data.id])
  })
})

describe('sequence numbers', () => {
  it('stay gap-free and unique when both sides send at once', async () => {
    const { site, agent, visitor, conversationId } = await chat()
    const sends: Promise<Message>[] = []
    for (let i = 0; i < 15; i++) {
      sends.push(visitor.send(conversationId, `v${i}`))
      sends.push(agent.send(conversationId, `a${i}`))
    }
    const sent = await Promise.all(sends)
    const seqs = sent.map((m) => m.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 3)) // after "first" (1) and "joined" (2)
    const stored = await s.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' }, select: { seq: true } }))
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1))
  })
})

describe('group commit', () => {
  it('a burst over several conversations, with a resend inside it, stores each message once, gap-free', async () => {
    const chats = await Promise.all([chat(), chat(), chat()])
    const sockets = chats.map(({ site, a }) => {
      const socket = rawSocket(s.url, '/agent', { token: a.token, siteId: site.id })
      cleanup.push(() => socket.close())
      return socket
    })
    await Promise.all(sockets.map((x) => connectRaw(x)))
    // Everything is emitted in one turn, so the server appends it in shared statements; one
    // clientId is sent twice in the same burst (a resend racing the original).
    const acks: Promise<Ack<Message>>[] = []
    for (let i = 0; i < 20; i++) {
      chats.forEach(({ conversationId }, k) => acks.push(ask<Ack<Message>>(sockets[k]!, 'message:send', { conversationId, clientId: `burst-${k}-${i}`, text: `m${i}` })))
    }
    acks.push(ask<Ack<Message>>(sockets[0]!, 'message:send', { conversationId: chats[0]!.conversationId, clientId: 'burst-0-7', text: 'm7' }))
    const answers = await Promise.all(acks)
    expect(answers.every((r) => r.ok)).toBe(true)
    const got = answers.map((r) => (r as { ok: true; data: Message }).data)
    const resent = got.filter((m) => m.clientId === 'burst-0-7')
    expect(resent).toHaveLength(2)
    // The same message; only the one that stored it carries the counters of that moment.
    const message = ({ conversation: _, ...m }: LiveMessage) => m
    expect(message(resent[1]!)).toEqual(message(resent[0]!))
    for (const { site, conversationId } of chats) {
      const stored = await s.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } }))
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1)) // "first", "joined", 20 sent
      expect(new Set(stored.map((m) => m.clientId)).size).toBe(stored.length)
      const conv = await s.db.inSite(site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: conversationId } }))
      expect(conv).toMatchObject({ lastSeq: 22, lastPublicSeq: 22, agentReadSeq: 22 })
    }
  })
})

describe('reconnect', () => {
  it('messages:sync after the last seen seq returns exactly the missed messages, in order', async () => {
    const { agent, visitor, conversationId } = await chat()
    const socket = rawSocket(s.url, '/visitor', { token: visitor.token })
    cleanup.push(() => socket.close())
    await connectRaw(socket)
    const before = await ask<Ack<MessagePage>>(socket, 'messages:sync', { conversationId, afterSeq: 0 })
    const lastSeen = before.ok ? before.data.messages.at(-1)!.seq : -1
    socket.disconnect()
    const missed = [await agent.send(conversationId, 'm1'), await agent.send(conversationId, 'm2'), await agent.send(conversationId, 'm3')]
    const again = rawSocket(s.url, '/visitor', { token: visitor.token })
    cleanup.push(() => again.close())
    await connectRaw(again)
    const sync = await ask<Ack<MessagePage>>(again, 'messages:sync', { conversationId, afterSeq: lastSeen })
    expect(sync).toEqual({ ok: true, data: { messages: missed, hasMore: false } })
    const paged = await ask<Ack<MessagePage>>(again, 'messages:sync', { conversationId, afterSeq: lastSeen, limit: 2 })
    expect(paged).toEqual({ ok: true, data: { messages: missed.slice(0, 2), hasMore: true } })
  })

  it('the SDK catches up on what it missed while the connection was down, each message once', async () => {
    const slow = { reconnectionDelay: 1_500, reconnectionDelayMax: 1_500, randomizationFactor: 0 }
    const { agent, visitor, conversationId } = await chat(slow)
    await visitor.send(conversationId, 'before the drop')
    const received: Message[] = []
    visitor.on('message', (m) => received.push(m))
    const down = waitFor((fn) => visitor.on('disconnected', fn))
    dropVisitorConnections(visitor.visitor!.id)
    await down
    const missed = [await agent.send(conversationId, 'while away 1'), await agent.send(conversationId, 'while away 2')]
    await waitFor<void>((fn) => visitor.on('connected', () => fn()), undefined, 10_000, 'reconnect')
    await eventually(() => received.length >= 2, 5_000, 'the missed messages')
    const live = await agent.send(conversationId, 'after the reconnect')
    await eventually(() => received.some((m) => m.id === live.id), 5_000, 'the live message')
    expect(received.map((m) => m.text)).toEqual(['while away 1', 'while away 2', 'after the reconnect'])
    expect(received.map((m) => m.id)).toEqual([...missed, live].map((m) => m.id))
    const seqs = visitor.getMessages(conversationId).map((m) => m.seq)
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y))
  })

  it('messages sent while offline are delivered exactly once, in order, after the reconnect', async () => {
    const slow = { reconnectionDelay: 1_500, reconnectionDelayMax: 1_500, randomizationFactor: 0 }
    const { site, agent, visitor, conversationId } = await chat(slow)
    const agentGot: Message[] = []
    agent.on('message', (m) => m.senderType === 'visitor' && agentGot.push(m))
    const down = waitFor((fn) => visitor.on('disconnected', fn))
    dropVisitorConnections(visitor.visitor!.id)
    await down
    const sends = ['offline 1', 'offline 2', 'offline 3'].map((t) => visitor.send(conversationId, t))
    expect(visitor.pending).toBe(3)
    const sent = await Promise.all(sends)
    expect(sent.map((m) => m.text)).toEqual(['offline 1', 'offline 2', 'offline 3'])
    expect(sent.map((m) => m.seq)).toEqual([sent[0]!.seq, sent[0]!.seq + 1, sent[0]!.seq + 2])
    await eventually(() => agentGot.length >= 3, 5_000, 'the agent to receive them')
    expect(agentGot.map((m) => m.text)).toEqual(['offline 1', 'offline 2', 'offline 3'])
    const stored = await s.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId, content: { startsWith: 'offline' } } }))
    expect(stored).toHaveLength(3)
    expect(visitor.pending).toBe(0)
  })
})

describe('private notes', () => {
  it('reach agents only: never the visitor live, in sync, over REST, or in their counters', async () => {
    const { site, agent, visitor, conversationId } = await chat()
    const other = await s.fx.agent(site.id)
    const colleague = new AgentClient({ url: s.url, token: other.token })
    cleanup.push(() => colleague.disconnect())
    await colleague.connect(site.id)
    const visitorGot: Message[] = []
    visitor.on('message', (m) => visitorGot.push(m))
    const colleagueSees = waitFor<Message>((fn) => colleague.on('message', fn), (m) => m.private)

    const note = await agent.send(conversationId, 'VIP customer, be nice', { private: true })
    expect(note).toMatchObject({ private: true, senderType: 'agent' })
    expect((await colleagueSees).id).toBe(note.id)
    // Messages reach a visitor in order, so once the later public one is there, the note would have been too.
    const pub = await agent.send(conversationId, 'Happy to help!')
    await eventually(() => visitorGot.some((m) => m.id === pub.id), 5_000, 'the public message')
    expect(visitorGot.map((m) => m.text)).toEqual(['Happy to help!'])

    const rest = await request(s.url).get(`/api/visitor/conversations/${conversationId}/messages`).set('authorization', `Bearer ${visitor.token}`)
    expect(rest.status).toBe(200)
    expect((rest.body as MessagePage).messages.map((m) => m.text)).not.toContain('VIP customer, be nice')
    const socket = rawSocket(s.url, '/visitor', { token: visitor.token })
    cleanup.push(() => socket.close())
    await connectRaw(socket)
    const sync = await ask<Ack<MessagePage>>(socket, 'messages:sync', { conversationId, afterSeq: 0 })
    expect(sync.ok && sync.data.messages.some((m) => m.private || m.text === 'VIP customer, be nice')).toBe(false)
    const list = await request(s.url).get('/api/visitor/conversations').set('authorization', `Bearer ${visitor.token}`)
    expect(list.body.items[0]).toMatchObject({ id: conversationId, lastSeq: pub.seq })
    expect(JSON.stringify(list.body)).not.toContain('VIP')

    const agentView = await agent.messages(conversationId)
    expect(agentView.messages.find((m) => m.id === note.id)).toMatchObject({ private: true, text: 'VIP customer, be nice' })
    // A visitor cannot write a private note.
    const forged = await ask<Ack<Message>>(socket, 'message:send', { conversationId, clientId: 'forged-note-01', text: 'x', private: true })
    expect(forged.ok && forged.data.private).toBe(false)
  })
})

describe('live announcements (message:created)', () => {
  it('agents get the counters as stored with each message; a visitor passes a private note’s hole without a sync', async () => {
    const { site, agent, visitor, conversationId } = await chat()
    const counters: (ConversationCounters & { conversationId: string })[] = []
    cleanup.push(agent.on('counters', (c) => counters.push(c)))
    // Every messages:sync the server answers for this visitor.
    const syncs: number[] = []
    const sync = s.services.messages.sync.bind(s.services.messages)
    s.services.messages.sync = (actor, id, after, limit) => {
      if (actor.kind === 'visitor') syncs.push(after)
      return sync(actor, id, after, limit)
    }
    cleanup.push(() => delete (s.services.messages as { sync?: unknown }).sync)
    await eventually(() => visitor.connected && syncs.length === 0, 5_000, 'the visitor settled')
    await new Promise((r) => setTimeout(r, 200))
    syncs.length = 0

    const base = (await s.db.inSite(site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: conversationId } }))).lastSeq
    const reply = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'after the note')
    await agent.send(conversationId, 'a note', { private: true })
    await agent.send(conversationId, 'after the note')
    expect((await reply).seq).toBe(base + 2)
    await new Promise((r) => setTimeout(r, 300))
    // base + 1 is a note the visitor never sees: the announcement of base + 2 said so (prevSeq base).
    expect(syncs).toEqual([])

    const row = await s.db.inSite(site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: conversationId } }))
    await eventually(() => counters.some((c) => c.lastSeq === base + 2), 5_000, 'the counters of the reply')
    // (The visitor's SDK has reported the reply delivered since: its marks are only at most the stored ones.)
    const three = counters.find((c) => c.lastSeq === base + 2)!
    expect(three).toMatchObject({ conversationId, lastSeq: row.lastSeq, lastPublicSeq: row.lastPublicSeq, agentReadSeq: row.agentReadSeq, agentDeliveredSeq: row.agentDeliveredSeq })
    expect(three.visitorReadSeq).toBeLessThanOrEqual(row.visitorReadSeq)
    expect(three.visitorDeliveredSeq).toBeLessThanOrEqual(row.visitorDeliveredSeq)
    expect(counters.find((c) => c.lastSeq === base + 1)).toMatchObject({ lastPublicSeq: base, agentReadSeq: base + 1 })
  })
})
