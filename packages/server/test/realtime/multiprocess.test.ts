// Two real server processes sharing Postgres and Redis: a visitor on one and an agent on the
// other converse. Nothing that matters lives in one process's memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary, Message, TypingState } from '@live-chat/protocol'
import { eventually, startServer, waitFor, type TestServer } from '../helpers.js'
import { startProcess as startNode, stopProcess as stopNode, type ServerProcess as Node } from '../processes.js'

let fixtures: TestServer
let one: Node
let two: Node
beforeAll(async () => {
  ;[fixtures, one, two] = await Promise.all([startServer(), startNode(), startNode()])
}, 120_000)
afterAll(async () => {
  await Promise.all([stopNode(one), stopNode(two)])
  await fixtures?.close()
})

describe('two server processes over Redis', () => {
  it('a visitor on one process and an agent on the other converse', async () => {
    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id, { name: 'Remote Ruth' })
    const agent = new AgentClient({ url: two.url, token: a.token })
    const visitor = new LiveChatClient({ url: one.url, siteId: site.id, storage: 'memory' })
    try {
      await agent.connect(site.id)
      // Presence is in Postgres, so process one knows the agent on process two is online.
      await eventually(async () => (await visitor.connect(), visitor.config?.online), 10_000, 'site online on process one')

      const created = waitFor<ConversationSummary>((fn) => agent.on('conversation:created', fn))
      const agentGets = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.text === 'Hello from process one')
      const started = await visitor.startConversation({ message: 'Hello from process one' })
      const id = started.conversation.id
      expect(started.conversation.agent).toMatchObject({ id: a.id, name: 'Remote Ruth' })
      expect((await created).id).toBe(id)
      expect((await agentGets).seq).toBe(1)

      const typing = waitFor<TypingState>((fn) => visitor.on('typing', fn), (t) => t.typing)
      await agent.setTyping(id, true)
      expect((await typing).name).toBe('Remote Ruth')

      const visitorGets = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'Hello from process two')
      const reply = await agent.send(id, 'Hello from process two')
      expect((await visitorGets).id).toBe(reply.id)

      // Back and forth a few times: every message arrives once, in order, on the other process.
      const agentSaw: Message[] = []
      agent.on('message', (m) => m.senderType === 'visitor' && agentSaw.push(m))
      for (let i = 0; i < 5; i++) await visitor.send(id, `ping ${i}`)
      await eventually(() => agentSaw.length >= 5, 5_000, 'pings on process two')
      expect(agentSaw.map((m) => m.text)).toEqual(['ping 0', 'ping 1', 'ping 2', 'ping 3', 'ping 4'])

      const resolved = waitFor((fn) => visitor.on('conversation', fn), (c: { status: string }) => c.status === 'resolved')
      await agent.conversations.resolve(id)
      await resolved
    } finally {
      visitor.disconnect()
      agent.disconnect()
    }
  })

  it('presence is shared: an agent connected to either process counts once, and leaves when disconnected', async () => {
    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id)
    const onOne = new AgentClient({ url: one.url, token: a.token })
    const onTwo = new AgentClient({ url: two.url, token: a.token })
    try {
      await onOne.connect(site.id)
      await onTwo.connect(site.id)
      await eventually(async () => (await onTwo.agents.list())[0]?.online, 5_000, 'online')
      onOne.disconnect()
      // Still connected through process two.
      await new Promise((r) => setTimeout(r, 300))
      expect((await onTwo.agents.list())[0]?.online).toBe(true)
      onTwo.disconnect()
      const widget = async () => (await fetch(`${one.url}/api/sites/${site.id}/widget`)).json() as Promise<{ online: boolean }>
      await eventually(async () => !(await widget()).online, 5_000, 'offline everywhere')
    } finally {
      onOne.disconnect()
      onTwo.disconnect()
    }
  })
})
