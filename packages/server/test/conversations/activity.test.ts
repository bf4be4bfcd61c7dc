// The inbox's order lives in mod_chat_conversation_activity, a copy of each conversation's site,
// status and last activity (to the second) kept by triggers (see the send_path and
// activity_seconds migrations), so that appending a message updates the conversation's row
// without touching its indexes. Whatever changes a conversation — start, messages on the hot path
// and on the general path, assignment, resolve, reopen, close, deletion — the copy must stay equal
// to it, be rewritten only when its second or status changes, the app must not be able to write
// it, and the inbox must list in its order. Against the real database.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { serverPerFile } from '../helpers.js'

const t = serverPerFile()
let owner: pg.Client

beforeAll(async () => {
  owner = new pg.Client({ connectionString: inject('databaseUrl') })
  await owner.connect()
})
afterAll(() => owner?.end())

/** Each conversation of the site next to its activity row, as the table's owner sees them (no row-level security). */
async function pairs(siteId: string) {
  const r = await owner.query<{
    id: string
    status: string
    last_activity_at: Date
    team_id: string | null
    assigned_agent_id: string | null
    a_status: string | null
    a_last: Date | null
    a_team: string | null
    a_agent: string | null
    visitor_id: string
    a_visitor: string | null
  }>(
    `SELECT c.id, c.status, c.last_activity_at, c.team_id, c.assigned_agent_id, c.visitor_id, a.status AS a_status, a.last_activity_at AS a_last,
            a.team_id AS a_team, a.assigned_agent_id AS a_agent, a.visitor_id AS a_visitor
     FROM mod_chat_conversations c
     LEFT JOIN mod_chat_conversation_activity a ON a.site_id = c.site_id AND a.conversation_id = c.id
     WHERE c.site_id = $1 ORDER BY c.created_at`,
    [siteId],
  )
  return r.rows
}

const toSecond = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString()

async function expectInSync(siteId: string, count: number) {
  const rows = await pairs(siteId)
  expect(rows).toHaveLength(count)
  for (const r of rows) {
    expect({ status: r.a_status, last: r.a_last?.toISOString(), team: r.a_team, agent: r.a_agent, visitor: r.a_visitor }).toEqual({
      status: r.status,
      last: toSecond(r.last_activity_at),
      team: r.team_id,
      agent: r.assigned_agent_id,
      visitor: r.visitor_id,
    })
  }
  const orphans = await owner.query(
    `SELECT 1 FROM mod_chat_conversation_activity a WHERE a.site_id = $1 AND NOT EXISTS (SELECT 1 FROM mod_chat_conversations c WHERE c.id = a.conversation_id)`,
    [siteId],
  )
  expect(orphans.rowCount).toBe(0)
}

/** The whole inbox, one conversation a page, following the cursors. */
async function onePerPage(agent: AgentClient): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | undefined
  do {
    const p = await agent.conversations.list({ limit: 1, ...(cursor ? { cursor } : {}) })
    seen.push(...p.items.map((x) => x.id))
    cursor = p.nextCursor ?? undefined
  } while (cursor)
  return seen
}

describe('the inbox order (conversation activity)', () => {
  it('follows every change of its conversations, and the inbox lists in its order', async () => {
    const site = await t.s.fx.site()
    const ada = await t.s.fx.agent(site.id, { name: 'Ada' })
    const agent = t.track(new AgentClient({ url: t.s.url, token: ada.token }))
    await agent.connect(site.id)
    const visitors = [0, 1, 2].map(() => t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })))
    const ids: string[] = []
    // Times are to the millisecond: a pause keeps each step's time apart from the last. (The
    // activity rows hold seconds; within one, the inbox orders by the conversations' own times.)
    const pause = () => new Promise((r) => setTimeout(r, 5))
    for (const v of visitors) {
      ids.push((await v.startConversation({ message: 'hello' })).conversation.id)
      await pause()
    }
    await expectInSync(site.id, 3)
    const [a, b, c] = ids as [string, string, string]

    // Messages on the hot path (text) and on the general path (a reopen by the visitor's message).
    await visitors[0]!.send(a, 'first again')
    await pause()
    await agent.send(b, 'a reply')
    await expectInSync(site.id, 3)
    let page = await agent.conversations.list()
    expect(page.items.map((x) => x.id)).toEqual([b, a, c])

    await agent.conversations.resolve(c)
    await expectInSync(site.id, 3)
    expect((await agent.conversations.list({ status: ['resolved'] })).items.map((x) => x.id)).toEqual([c])
    await pause()
    await visitors[2]!.send(c, 'one more thing')
    await expectInSync(site.id, 3)
    expect((await agent.conversations.list({ status: ['resolved'] })).items).toEqual([])
    page = await agent.conversations.list({ status: ['pending', 'active'] })
    expect(page.items.map((x) => x.id)).toEqual([c, b, a])

    // "Mine" walks the agent's own rows: a conversation given to another agent leaves them.
    const mine = async () => (await agent.conversations.list({ mine: true })).items.map((x) => x.id).sort()
    expect(await mine()).toEqual([a, b, c].sort())
    const bob = await t.s.fx.agent(site.id, { name: 'Bob' })
    await agent.conversations.assign(c, bob.id)
    await expectInSync(site.id, 3)
    expect(await mine()).toEqual([a, b].sort())
    await agent.conversations.assign(a, null)
    await visitors[1]!.closeConversation(b)
    await expectInSync(site.id, 3)
    expect((await agent.conversations.list({ status: ['closed'] })).items.map((x) => x.id)).toEqual([b])

    // Paging walks the same order, one conversation a page.
    expect(await onePerPage(agent)).toEqual((await agent.conversations.list()).items.map((x) => x.id))

    // A deleted conversation takes its row with it.
    await owner.query('DELETE FROM mod_chat_conversations WHERE id = $1', [a])
    await expectInSync(site.id, 2)
  })

  it('is rewritten only when its second or its status changes', async () => {
    const site = await t.s.fx.site()
    const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
    const { conversation } = await visitor.startConversation({ message: 'hello' })
    /** The activity row: its last activity, and the transaction that last wrote it. */
    const row = async () =>
      (await owner.query<{ at: Date; xmin: string }>('SELECT last_activity_at AS at, xmin::text FROM mod_chat_conversation_activity WHERE conversation_id = $1', [conversation.id])).rows[0]!
    const setActivity = (at: string, status?: string) =>
      owner.query(`UPDATE mod_chat_conversations SET last_activity_at = $2${status ? ', status = $3' : ''} WHERE id = $1`, [conversation.id, at, ...(status ? [status] : [])])

    await setActivity('2030-01-01T00:00:00.100Z')
    const first = await row()
    expect(first.at.toISOString()).toBe('2030-01-01T00:00:00.000Z')
    await setActivity('2030-01-01T00:00:00.900Z')
    expect(await row()).toEqual(first)
    await setActivity('2030-01-01T00:00:00.950Z', 'active')
    const active = await row()
    expect(active.xmin).not.toBe(first.xmin)
    await setActivity('2030-01-01T00:00:01.000Z')
    const later = await row()
    expect(later.at.toISOString()).toBe('2030-01-01T00:00:01.000Z')
    expect(later.xmin).not.toBe(active.xmin)

    // The hot path too: a burst of messages rewrites the row once per second it spans, not per message.
    const versions = new Set<string>()
    const seconds = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const m = await visitor.send(conversation.id, `quick ${i}`)
      seconds.add(toSecond(new Date(m.createdAt)))
      versions.add((await row()).xmin)
    }
    expect(versions.size).toBeLessThanOrEqual(seconds.size)
    expect(seconds.size).toBeLessThan(20)
    await expectInSync(site.id, 1)
  })

  it('orders and pages exactly through conversations that share a second', async () => {
    const site = await t.s.fx.site()
    const ada = await t.s.fx.agent(site.id, { name: 'Ada' })
    const agent = t.track(new AgentClient({ url: t.s.url, token: ada.token }))
    await agent.connect(site.id)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const v = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
      ids.push((await v.startConversation({ message: `hello ${i}` })).conversation.id)
    }
    // Four in one second (their milliseconds against their ids' order), one in the next.
    const times = ['2030-01-01T00:00:00.300Z', '2030-01-01T00:00:00.100Z', '2030-01-01T00:00:00.900Z', '2030-01-01T00:00:01.000Z', '2030-01-01T00:00:00.500Z']
    for (const [i, id] of ids.entries()) await owner.query('UPDATE mod_chat_conversations SET last_activity_at = $2 WHERE id = $1', [id, times[i]])
    await expectInSync(site.id, 5)
    const expected = [3, 2, 4, 0, 1].map((i) => ids[i])
    expect((await agent.conversations.list()).items.map((x) => x.id)).toEqual(expected)
    expect(await onePerPage(agent)).toEqual(expected)
  })

  it('is written by the triggers only: the app role may read it, in its own site, and not write it', async () => {
    const site = await t.s.fx.site()
    const other = await t.s.fx.site()
    const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
    const { conversation } = await visitor.startConversation({ message: 'hello' })
    const read = (siteId: string) => t.s.db.inSite(siteId, (tx) => tx.conversationActivity.findMany({ select: { conversationId: true } }))
    expect(await read(site.id)).toEqual([{ conversationId: conversation.id }])
    expect(await read(other.id)).toEqual([])
    await expect(
      t.s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_conversation_activity SET last_activity_at = now() WHERE conversation_id = ${conversation.id}::uuid`),
    ).rejects.toThrow(/permission denied/)
    await expect(
      t.s.db.inSite(site.id, (tx) => tx.$executeRaw`DELETE FROM mod_chat_conversation_activity WHERE conversation_id = ${conversation.id}::uuid`),
    ).rejects.toThrow(/permission denied/)
    await expectInSync(site.id, 1)
  })
})
