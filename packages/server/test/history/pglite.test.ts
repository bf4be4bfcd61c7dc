// History on the embedded PGlite database: the same migration (generated tsvector columns, GIN
// indexes, mod_chat_search) and the same queries as on Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationSummary, Page, Transcript } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { csvRecords, getJson, seedConversations, type Seeded } from './seed.js'

let s: TestServer
let site: SiteFixture
let agent: AgentFixture
let convs: Seeded[]

beforeAll(async () => {
  s = await startServer({ db: await openDatabase({ dataDir: 'memory://' }) })
  site = await s.fx.site({ widget: { timezone: 'Asia/Tokyo' } })
  agent = await s.fx.agent(site.id)
  const other = await s.fx.site()
  convs = await seedConversations(s.db, site, [
    { visitor: { name: 'Jane Doe', email: 'jane.doe@example.com' }, createdAt: new Date('2026-04-01T15:30:00Z'), messages: [{ text: 'I want a refund' }] },
    {
      visitor: { name: 'Bob', phone: '+1 (555) 123-4567' },
      createdAt: new Date('2026-04-01T14:30:00Z'),
      rating: 5,
      status: 'resolved',
      messages: [{ text: 'Hello' }, { sender: 'agent', private: true, text: 'VIP' }],
    },
  ])
  await seedConversations(s.db, other, [{ visitor: { name: 'Jane Doe', email: 'jane.doe@example.com' }, messages: [{ text: 'refund please' }] }])
}, 120_000)
afterAll(() => s?.close())

async function ids(query: string): Promise<string[]> {
  const { status, body } = await getJson<Page<ConversationSummary>>(`${s.url}/api/sites/${site.id}/conversations?${query}`, agent.token)
  expect(status, JSON.stringify(body)).toBe(200)
  return body.items.map((c) => c.id)
}

describe('history on PGlite', () => {
  it('searches words, prefixes, emails, phones and notes, in the site only', async () => {
    const [jane, bob] = convs.map((c) => c.id)
    expect(s.db.kind).toBe('pglite')
    expect(await ids('q=refu')).toEqual([jane])
    expect(await ids('q=jane.doe%40example.com')).toEqual([jane])
    expect(await ids(`q=${encodeURIComponent('555-123-4567')}`)).toEqual([bob])
    expect(await ids('q=vip')).toEqual([bob])
    expect(await ids(`q=${encodeURIComponent("'\\&|!:*")}`)).toEqual([])
  })

  it("filters by the site's days and by rating", async () => {
    const [jane, bob] = convs.map((c) => c.id)
    // 15:30 UTC is 00:30 the next day in Tokyo; 14:30 UTC is 23:30 the same day.
    expect(await ids('from=2026-04-02&to=2026-04-02')).toEqual([jane])
    expect(await ids('from=2026-04-01&to=2026-04-01')).toEqual([bob])
    expect(await ids('rating=4,5')).toEqual([bob])
  })

  it('downloads a transcript and the bulk export', async () => {
    const t = (await getJson<Transcript>(`${s.url}/api/sites/${site.id}/conversations/${convs[1]!.id}/transcript`, agent.token)).body
    expect(t.messages.map((m) => [m.text, m.private])).toEqual([
      ['Hello', false],
      ['VIP', true],
    ])
    const res = await fetch(`${s.url}/api/sites/${site.id}/exports/conversations.csv?q=refund`, { headers: { authorization: `Bearer ${agent.token}` } })
    expect(csvRecords(await res.text()).map((r) => [r.conversation_id, r.text])).toEqual([[convs[0]!.id, 'I want a refund']])
  })
})
