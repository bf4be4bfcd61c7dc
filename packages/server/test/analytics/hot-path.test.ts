// Messages stored by the send hot path leave their conversation's updated_at alone (so that the
// row's update touches no index, see the send_path migration); the analytics job
// must find them all the same, through the messages' own created_at. With no overlap before the
// watermark, a conversation whose only change since the last run is new messages is seen by
// nothing else. On a database of its own: the job's watermark is global.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { startServer, type TestServer } from '../helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let owner: pg.Client

beforeAll(async () => {
  database = await createTestDatabase('live_chat_hot_path')
  s = await startServer({
    db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }),
    analytics: { missedSweepMs: 0, intervalMs: 0, overlapMs: 0 },
  })
  owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
}, 60_000)

afterAll(async () => {
  await owner?.end()
  await s?.close()
  await database?.drop()
})

describe('analytics and the send hot path', () => {
  it('counts messages whose conversation changed in nothing else since the last run', async () => {
    const site = await s.fx.site()
    const ada = await s.fx.agent(site.id, { name: 'Ada', role: 'admin' })
    const agent = new AgentClient({ url: s.url, token: ada.token })
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      await agent.connect(site.id)
      const { conversation } = await visitor.startConversation({ message: 'hello' })
      await agent.send(conversation.id, 'hi, how can I help?')
      const today = new Date().toISOString().slice(0, 10)
      const range = { from: today, to: today }
      expect((await agent.analytics.report(range)).messages).toEqual({ total: 2, visitor: 1, agent: 1 })

      const stamp = async () => (await owner.query<{ updated_at: Date }>('SELECT updated_at FROM mod_chat_conversations WHERE id = $1', [conversation.id])).rows[0]!.updated_at.getTime()
      const before = await stamp()
      await new Promise((r) => setTimeout(r, 5))
      await visitor.send(conversation.id, 'my order never arrived')
      await agent.send(conversation.id, 'let me look')
      await visitor.send(conversation.id, 'thanks')
      // The hot path stored them (nothing else moved the conversation's updated_at) ...
      expect(await stamp()).toBe(before)
      // ... and the next run counts them.
      expect((await agent.analytics.report(range)).messages).toEqual({ total: 5, visitor: 3, agent: 2 })
    } finally {
      agent.disconnect()
      visitor.disconnect()
    }
  })
})
