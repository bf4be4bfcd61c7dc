// How the inbox finds a page of a search (history/search.ts, planSearch): a rare word through the
// GIN indexes, a common one by walking the inbox's order and testing each conversation, and a
// walk that reaches its limit before a page is full handing over to the indexes. Each path is
// set up on real statistics (ANALYZE), the test checks that the plan is the one it means to test,
// then pages through the REST list and compares with the conversations that match, in order.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationSummary, Page } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { planSearch, searchTerms, type SearchPlan } from '../../src/history/search.js'
import { createTestDatabase } from '../global-setup.js'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { getJson } from './seed.js'

const TAKE = 10
/** Site A's conversations: number i (1…N) is newer than i − 1; two share each second. */
const N = 400
const BASE = Date.now() - 86_400_000
const at = (i: number) => new Date(BASE + Math.floor(i / 2) * 1000 + (i % 2) * 300)

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let a: SiteFixture
let c: SiteFixture
let agentA: AgentFixture
let agentC: AgentFixture
/** Conversation number → id, per site. */
const idsA = new Map<number, string>()
const idsC = new Map<number, string>()

/** Site A: what conversation i says after its "hello number i", as (sender, text) lines. */
function linesOf(i: number): string[] {
  const lines = [`hello number ${i}`]
  if (i <= 5) lines.push(i % 2 === 0 ? 'your parcel goes to zanzibar' : 'a trip to zanzibar')
  else lines.push(i % 2 === 0 ? 'your parcel ships today' : 'see you')
  if ([7, 100, 201, 334].includes(i)) lines.push('a quokka sighting')
  return lines
}
const visitorOf = (i: number) => (i === 7 ? 'Parcel Person' : `Visitor ${i}`)
const subjectOf = (i: number) => (i === 9 ? 'Parcel lost' : null)

/** Inserts conversations (each with its visitor and messages) as the owner, in order; returns their ids. */
async function seed(owner: pg.Client, site: SiteFixture, list: { at: Date; visitor: string; subject: string | null; lines: string[] }[]): Promise<string[]> {
  const ids: string[] = []
  for (const conv of list) {
    const v = await owner.query<{ id: string }>('INSERT INTO mod_chat_visitors (site_id, name) VALUES ($1, $2) RETURNING id', [site.id, conv.visitor])
    const row = await owner.query<{ id: string }>(
      `INSERT INTO mod_chat_conversations (site_id, agency_id, visitor_id, status, subject, created_at, last_activity_at, last_seq, last_public_seq)
       VALUES ($1, $2, $3, 'active', $4, $5, $5, $6, $6) RETURNING id`,
      [site.id, site.agencyId, v.rows[0]!.id, conv.subject, conv.at, conv.lines.length],
    )
    ids.push(row.rows[0]!.id)
    await owner.query(
      `INSERT INTO mod_chat_messages (site_id, conversation_id, seq, sender_type, content, created_at)
       SELECT $1, $2, n, CASE WHEN n = 1 THEN 'visitor' ELSE 'agent' END, t, $4 FROM unnest($3::text[]) WITH ORDINALITY AS x(t, n)`,
      [site.id, row.rows[0]!.id, conv.lines, conv.at],
    )
  }
  return ids
}

beforeAll(async () => {
  database = await createTestDatabase('live_chat_search_plans')
  s = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), analytics: { intervalMs: 0, missedSweepMs: 0 } })
  a = await s.fx.site()
  const b = await s.fx.site()
  c = await s.fx.site()
  agentA = await s.fx.agent(a.id)
  agentC = await s.fx.agent(c.id)
  const owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
  try {
    const numbers = Array.from({ length: N }, (_, k) => k + 1)
    const seededA = await seed(owner, a, numbers.map((i) => ({ at: at(i), visitor: visitorOf(i), subject: subjectOf(i), lines: linesOf(i) })))
    numbers.forEach((i, k) => idsA.set(i, seededA[k]!))
    // Site B makes "zanzibar" and "parcel" common words of the whole database (2,000 messages each),
    // while site A has "zanzibar" in its five oldest conversations only.
    const seededB = Array.from({ length: 1000 }, (_, k) => ({ at: at(k), visitor: `B ${k}`, subject: null, lines: ['zanzibar parcel', 'zanzibar parcel'] }))
    await seed(owner, b, seededB)
    // Site C: four conversations, two of them with "zanzibar".
    const seededC = await seed(owner, c, [1, 2, 3, 4].map((i) => ({ at: at(i), visitor: `C ${i}`, subject: null, lines: [i % 2 ? 'zanzibar' : 'elsewhere'] })))
    seededC.forEach((id, k) => idsC.set(k + 1, id))
    await owner.query('ANALYZE mod_chat_conversations, mod_chat_messages, mod_chat_visitors, mod_chat_conversation_activity')
  } finally {
    await owner.end()
  }
}, 120_000)
afterAll(async () => {
  await s?.close()
  await database?.drop()
})

const plan = (site: SiteFixture, q: string): Promise<SearchPlan> => s.db.inSite(site.id, (tx) => planSearch(tx, searchTerms(q), TAKE))

/** Every conversation the list returns for q, page by page (TAKE a page), as numbers of the site, in order. */
async function pages(q: string, site = a, agent = agentA, ids = idsA): Promise<number[]> {
  const numberOf = new Map([...ids].map(([i, id]) => [id, i]))
  const found: number[] = []
  let cursor: string | null = null
  do {
    const params: URLSearchParams = new URLSearchParams({ q, limit: String(TAKE), ...(cursor ? { cursor } : {}) })
    const { status, body } = await getJson<Page<ConversationSummary>>(`${s.url}/api/sites/${site.id}/conversations?${params}`, agent.token)
    expect(status, JSON.stringify(body)).toBe(200)
    found.push(...body.items.map((x) => numberOf.get(x.id) ?? -1))
    cursor = body.nextCursor
  } while (cursor)
  return found
}

/** Site A's conversations matching `test`, newest first (as the inbox orders them). */
const expected = (test: (i: number) => boolean) =>
  Array.from({ length: N }, (_, k) => N - k).filter(test)

const says = (i: number, word: string) => linesOf(i).some((l) => l.split(' ').includes(word)) || visitorOf(i).toLowerCase().includes(word) || (subjectOf(i) ?? '').toLowerCase().includes(word)

describe('search: how a page is found', () => {
  it('a common word walks the order, and finds matches in messages, visitors and subjects', async () => {
    const p = await plan(a, 'parcel')
    expect(p.walk, JSON.stringify(p)).toBeGreaterThanOrEqual(TAKE * 2)
    const want = expected((i) => says(i, 'parcel'))
    expect(want).toContain(7) // the visitor's name
    expect(want).toContain(9) // the subject
    expect(await pages('parcel')).toEqual(want)
  })

  it('a walk that reaches its limit before a page is full hands over to the indexes', async () => {
    const p = await plan(a, 'zanzibar')
    // The premise: a walk, shorter than the site's rows newer than its five matches.
    expect(p.walk, JSON.stringify(p)).toBeGreaterThanOrEqual(TAKE)
    expect(p.walk!).toBeLessThan(N - 5)
    expect(await pages('zanzibar')).toEqual([5, 4, 3, 2, 1])
    // Two words, both walked, found by the indexes again: the rarer drives, the other is tested.
    expect(await pages('parcel zanzibar')).toEqual([4, 2])
  })

  it("a walk that reaches the end of a small site's rows is the whole answer", async () => {
    const p = await plan(c, 'zanzibar')
    expect(p.walk, JSON.stringify(p)).toBeGreaterThan(4)
    expect(await pages('zanzibar', c, agentC, idsC)).toEqual([3, 1])
  })

  it('a rare word drives through the indexes, and the other words are tested on its conversations', async () => {
    expect(await plan(a, 'quokka')).toEqual({ drive: ["'quokka':*"], probe: [] })
    expect(await pages('quokka')).toEqual([334, 201, 100, 7])
    const both = await plan(a, 'parcel quokka')
    expect(both).toMatchObject({ drive: ["'quokka':*"], probe: ["'parcel'"] })
    expect(both.walk).toBeUndefined()
    expect(await pages('parcel quokka')).toEqual([334, 100, 7])
    expect(await pages('quokka parcel')).toEqual([334, 100, 7])
  })
})
