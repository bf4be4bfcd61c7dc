// The queue over two real server processes sharing Postgres and Redis: visitors wait on one, the
// agent works on the other, and each change the agent makes moves the visitors' places.
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
      await eventually(() => places().join() === '1,2,3', 10_000, 'places 1, 2, 3 on process two')

      // The agent, on process one, takes the second in line by hand.
      await agent.conversations.assign(waiting[1]!.id, a.id)
      await eventually(() => places().join() === '1,,2', 10_000, 'places 1, -, 2 after the take')

      // The agent resolves both their chats: routing (on process one) serves the first in line.
      await agent.conversations.resolve(served.conversation.id)
      await agent.conversations.resolve(waiting[1]!.id)
      await eventually(() => places().join() === ',,1', 10_000, 'places -, -, 1 after the resolve')
      expect(waiting[2]!.client.getQueuePosition(waiting[2]!.id)).toMatchObject({ position: 1, estimatedWaitSeconds: null })
    } finally {
      for (const c of clients) c.disconnect()
    }
  })
})
