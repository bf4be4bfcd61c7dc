// The missed sweep and the analytics job on the embedded PGlite database, on their timers:
// same migrations (the security-definer lookups, the time zone function), same SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { ConversationSummary } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { eventually, startServer, waitFor, type TestServer } from '../helpers.js'
import { local } from './dataset.js'

let s: TestServer
const open: { disconnect(): unknown }[] = []
beforeAll(async () => {
  s = await startServer({ db: await openDatabase({ dataDir: 'memory://' }), analytics: { missedSweepMs: 100, intervalMs: 100 } })
}, 120_000)
afterAll(async () => {
  for (const c of open) c.disconnect()
  await s?.close()
})

describe('analytics on PGlite', () => {
  it('marks a waiting conversation missed on its own, and counts it in the report', async () => {
    const timezone = 'Asia/Kolkata'
    const site = await s.fx.site({ widget: { timezone } })
    const fx = await s.fx.agent(site.id, { role: 'admin' })
    const agent = new AgentClient({ url: s.url, token: fx.token })
    open.push(agent)
    await agent.connect(site.id)
    await agent.settings.update({ missedAfterMinutes: 1 })
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    open.push(visitor)
    const started = await visitor.startConversation({ message: 'Hello?' })
    const id = started.conversation.id

    const missed = waitFor<ConversationSummary>((fn) => agent.on('conversation:updated', fn), (c) => c.id === id && c.missedAt !== null, 10_000, 'the missed conversation')
    await s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_conversations SET first_message_at = first_message_at - interval '2 minutes' WHERE id = ${id}::uuid`)
    const summary = await missed

    // The job runs on its timer too.
    await eventually(async () => (await s.db.prisma.analyticsWatermark.findUnique({ where: { id: 1 } }))?.through, 10_000, 'an analytics run')
    const days = [summary.createdAt, started.messages[0]!.createdAt].map((t) => local(Date.parse(t), timezone).date).sort()
    const report = await agent.analytics.report({ from: days[0]!, to: days[1]! })
    expect(report).toMatchObject({
      timezone,
      conversations: 1,
      missed: 1,
      offline: 0,
      messages: { total: 1, visitor: 1, agent: 0 },
      firstResponse: { count: 0, mean: null },
      agents: [{ agentId: fx.id, handled: 1, messages: 0 }],
    })
    const hour = local(Date.parse(summary.createdAt), timezone)
    expect(report.busiestHours[hour.weekday]![hour.hour]).toBe(1)
  })
})
