// Offline messages: a visitor leaves a message with an email to answer to; it waits, never
// auto-assigned, for the team to pick it up.
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary } from '@live-chat/protocol'
import { eventually, serverPerFile, waitFor } from '../helpers.js'

const t = serverPerFile()

function visitorOf(siteId: string): LiveChatClient {
  const c = new LiveChatClient({ url: t.s.url, siteId, storage: 'memory' })
  t.track(c)
  return c
}

async function onlineAgent(siteId: string): Promise<{ agent: AgentClient; agentId: string }> {
  const fx = await t.s.fx.agent(siteId)
  const agent = new AgentClient({ url: t.s.url, token: fx.token })
  t.track(agent)
  await agent.connect(siteId)
  await eventually(async () => (await agent.agents.list()).find((a) => a.id === fx.id)?.online, 5_000, 'agent online')
  return { agent, agentId: fx.id }
}

const stored = (siteId: string) =>
  t.s.db.inSite(siteId, async (tx) => ({
    conversations: await tx.conversation.count(),
    messages: await tx.message.count(),
    visitors: await tx.visitor.findMany({ select: { email: true, name: true } }),
  }))

describe('an offline message', () => {
  it('without an email, is refused with invalid_payload naming fields.email, and nothing is stored', async () => {
    const site = await t.s.fx.site()
    const visitor = visitorOf(site.id)
    const error = await visitor.startConversation({ offline: true, fields: { name: 'Olga' }, message: 'Call me back' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining('email'), details: [{ path: 'fields.email' }] })
    expect(await stored(site.id)).toEqual({ conversations: 0, messages: 0, visitors: [{ email: null, name: null }] })
  })

  it('with an email, is stored as offline and left unassigned although an agent is online; agents are told', async () => {
    const site = await t.s.fx.site()
    const { agent, agentId } = await onlineAgent(site.id)
    const created = waitFor<ConversationSummary>((fn) => agent.on('conversation:created', fn))
    const visitor = visitorOf(site.id)
    const started = await visitor.startConversation({ offline: true, fields: { email: 'olga@example.com' }, message: 'Please call me back' })
    expect(started.conversation).toMatchObject({ offline: true, status: 'pending', agent: null })
    expect(started.messages).toMatchObject([{ seq: 1, text: 'Please call me back' }])
    expect(await created).toMatchObject({ id: started.conversation.id, offline: true, assignedAgentId: null, visitor: { email: 'olga@example.com' } })

    // Routing runs again when agents change; the offline message still waits for a person.
    await agent.setStatus('away')
    await agent.setStatus('online')
    const live = await visitorOf(site.id).startConversation({ message: 'Live chat please' })
    expect(live.conversation).toMatchObject({ offline: false, status: 'active' })
    const summary = await agent.conversations.get(started.conversation.id)
    expect(summary).toMatchObject({ offline: true, status: 'pending', assignedAgentId: null })

    // The inbox filters on it.
    const offline = await agent.conversations.list({ offline: true })
    expect(offline.items.map((c) => c.id)).toEqual([started.conversation.id])
    const liveOnly = await agent.conversations.list({ offline: false })
    expect(liveOnly.items.map((c) => c.id)).toEqual([live.conversation.id])

    // Someone takes it by hand.
    expect(await agent.conversations.assign(started.conversation.id, agentId)).toMatchObject({ offline: true, status: 'active', assignedAgentId: agentId })
  })

  it('uses the email already on the visitor', async () => {
    const site = await t.s.fx.site()
    const visitor = visitorOf(site.id)
    await visitor.updateProfile({ email: 'known@example.com' })
    const started = await visitor.startConversation({ offline: true, message: 'Hi again' })
    expect(started.conversation.offline).toBe(true)
    expect((await visitor.conversations())[0]).toMatchObject({ id: started.conversation.id, offline: true })
  })

  it('is idempotent on its clientKey', async () => {
    const site = await t.s.fx.site()
    const visitor = visitorOf(site.id)
    const input = { offline: true, clientKey: 'offline-key-0001', fields: { email: 'a@example.com' }, message: 'x' }
    const first = await visitor.startConversation(input)
    const again = await visitor.startConversation(input)
    expect(again.conversation.id).toBe(first.conversation.id)
    expect((await stored(site.id)).conversations).toBe(1)
  })
})
