// The core flow, shared by the Postgres and the embedded PGlite suites: a visitor and an agent
// converse end to end through the SDK, with assignment, typing, receipts, resolve and rating.
import { expect } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, Message, ReceiptState, TypingState, VisitorConversation } from '@live-chat/protocol'
import { eventually, waitFor, type TestServer } from './helpers.js'

export async function coreFlow(s: TestServer): Promise<void> {
  const site = await s.fx.site()
  const ada = await s.fx.agent(site.id, { name: 'Ada' })
  const agent = new AgentClient({ url: s.url, token: ada.token })
  const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
  try {
    await agent.connect(site.id)
    // The agent's presence is recorded as the socket connects; the widget then shows "online".
    await eventually(async () => (await visitor.connect(), visitor.config?.online), 5_000, 'the site to be online')

    // The visitor starts with a pre-chat form and a first message; the online agent gets it.
    const created = waitFor<ConversationSummary>((fn) => agent.on('conversation:created', fn))
    const agentSeesFirst = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.text === 'Hello, I need help')
    const started = await visitor.startConversation({ fields: { name: 'Vera', email: 'Vera@Example.com' }, message: 'Hello, I need help' })
    const convId = started.conversation.id
    expect(started.messages).toMatchObject([{ seq: 1, senderType: 'visitor', text: 'Hello, I need help', senderName: 'Vera' }])
    expect((await created).visitor).toMatchObject({ name: 'Vera', email: 'vera@example.com' })
    expect((await agentSeesFirst).conversationId).toBe(convId)
    // Auto-assigned to the only online agent, before the visitor's start was acknowledged.
    expect(started.conversation).toMatchObject({ status: 'active', agent: { id: ada.id, name: 'Ada' } })

    // Typing, both ways.
    const agentSeesTyping = waitFor<TypingState>((fn) => agent.on('typing', fn), (t) => t.conversationId === convId && t.typing)
    await visitor.setTyping(convId, true)
    expect(await agentSeesTyping).toMatchObject({ side: 'visitor', typing: true })
    const visitorSeesTyping = waitFor<TypingState>((fn) => visitor.on('typing', fn), (t) => t.typing)
    await agent.setTyping(convId, true)
    expect(await visitorSeesTyping).toMatchObject({ side: 'agent', name: 'Ada', conversationId: convId })

    // The agent replies; the visitor receives it, and the SDK reports it delivered.
    const visitorGetsReply = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'Hi Vera, how can I help?')
    const delivered = waitFor<ReceiptState>((fn) => agent.on('receipt', fn), (r) => r.conversationId === convId && r.visitorDeliveredSeq >= 3)
    const reply = await agent.send(convId, 'Hi Vera, how can I help?')
    expect(reply).toMatchObject({ senderType: 'agent', senderId: ada.id, senderName: 'Ada', private: false })
    expect(await visitorGetsReply).toMatchObject({ id: reply.id, seq: reply.seq })
    await delivered

    // Read receipts, per side.
    const read = waitFor<ReceiptState>((fn) => agent.on('receipt', fn), (r) => r.visitorReadSeq === reply.seq)
    await visitor.markRead(convId, reply.seq)
    await read

    const more = await visitor.send(convId, 'My order never arrived')
    expect(more.seq).toBe(reply.seq + 1)

    // Resolve: the visitor hears of it and rates the conversation; agents see the rating.
    const visitorSeesResolved = waitFor<VisitorConversation>((fn) => visitor.on('conversation', fn), (c) => c.status === 'resolved')
    const resolved = await agent.conversations.resolve(convId)
    expect(resolved.status).toBe('resolved')
    await visitorSeesResolved
    const agentSeesRating = waitFor<ConversationSummary>((fn) => agent.on('conversation:updated', fn), (c) => c.rating === 5)
    await visitor.rate(convId, 5, 'Quick and kind')
    expect((await agentSeesRating).ratingFeedback).toBe('Quick and kind')

    // History over REST: the agent sees everything in order, the visitor the same public messages.
    const history = await agent.messages(convId)
    expect(history.messages.map((m) => m.seq)).toEqual(history.messages.map((_, i) => i + 1))
    expect(history.messages.map((m) => m.text)).toEqual([
      'Hello, I need help',
      'Ada joined the conversation',
      'Hi Vera, how can I help?',
      'My order never arrived',
      'The conversation was resolved',
    ])
    // Each message as it was sent live, its columns decoded alike on either database (dates as ISO
    // strings, the JSON columns as objects: the page is one statement outside the Prisma client).
    expect(history.messages[2]).toEqual(reply)
    expect(history.messages[3]).toEqual(more)
    expect(history.messages[1]).toMatchObject({ type: 'system', system: { event: 'assigned', agentId: ada.id, agentName: 'Ada' }, attachments: [] })
    const visitorHistory = await visitor.messages(convId)
    expect(visitorHistory.messages).toEqual(history.messages)
    expect(visitor.getMessages(convId).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])

    // The timestamps the reports rely on.
    const detail = await agent.conversations.get(convId)
    expect(detail.firstMessageAt).toBe(history.messages[0]!.createdAt)
    expect(detail.firstResponseAt).toBe(reply.createdAt)
    expect(detail.resolvedAt).not.toBeNull()
    expect(detail).toMatchObject({ status: 'resolved', rating: 5, lastSeq: 5, assignedAgentId: ada.id })
  } finally {
    visitor.disconnect()
    agent.disconnect()
  }
}
