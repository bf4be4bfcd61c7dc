// The inbox's filters (status, agent, mine, unassigned, tag, rating, missed, dates in the
// site's time zone, priority, offline) alone, together and with full-text search, read page
// by page, against an oracle that filters the generated data in plain JS (dates through Intl,
// not through SQL's AT TIME ZONE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationSummary, Page } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { csvRecords, getJson, seedConversations, type Seeded, type SeedConversation } from './seed.js'

const TZ = 'America/New_York'
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo']
const TAGS = ['billing', 'vip', 'bug']
const STATUSES = ['pending', 'active', 'resolved', 'closed'] as const

let s: TestServer
let site: SiteFixture
let me: AgentFixture
let agents: AgentFixture[]
let data: Seeded[]

/** mulberry32: the same "random" data every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The site's calendar day of an instant, by Intl. */
const localDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)

// Instants next to local midnights, where the UTC date and New York's differ, and around the
// switch to summer time (2026-03-08 02:00 local).
const EDGES = [
  '2026-03-11T03:30:00Z', // 2026-03-10 23:30 EDT
  '2026-03-11T04:30:00Z', // 2026-03-11 00:30 EDT
  '2026-03-08T04:30:00Z', // 2026-03-07 23:30 EST
  '2026-03-08T05:30:00Z', // 2026-03-08 00:30 EST
  '2026-03-08T07:30:00Z', // 2026-03-08 03:30 EDT, just after the switch
  '2026-03-09T03:59:59.999Z', // 2026-03-08 23:59:59.999 EDT
  '2026-03-09T04:00:00Z', // 2026-03-09 00:00 EDT
]

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site({ widget: { timezone: TZ } })
  me = await s.fx.agent(site.id)
  agents = [me, await s.fx.agent(site.id), await s.fx.agent(site.id)]
  const rnd = random(42)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const start = Date.parse('2026-03-06T12:00:00Z')
  // A few activity times shared by several conversations: paging must break ties by id.
  const activity = Array.from({ length: 12 }, (_, i) => new Date(Date.parse('2026-03-20T00:00:00Z') + i * 60_000))
  const list: SeedConversation[] = Array.from({ length: 64 }, (_, i) => {
    const createdAt = i < EDGES.length ? new Date(EDGES[i]!) : new Date(start + Math.floor(rnd() * 6 * 86_400_000))
    const status = pick(STATUSES)
    const words = [pick(WORDS), ...(rnd() < 0.5 ? [pick(WORDS)] : [])]
    return {
      createdAt,
      lastActivityAt: pick(activity),
      status,
      priority: rnd() < 0.2 ? 'high' : 'normal',
      offline: rnd() < 0.15,
      agentId: rnd() < 0.25 ? null : pick(agents).id,
      tags: TAGS.filter(() => rnd() < 0.3),
      rating: status === 'resolved' || status === 'closed' ? (rnd() < 0.7 ? 1 + Math.floor(rnd() * 5) : null) : null,
      missedAt: rnd() < 0.25 ? new Date(createdAt.getTime() + 600_000) : null,
      visitor: { name: `Visitor ${i}` },
      messages: [
        { text: `lorem ${words[0]} ipsum` },
        { sender: 'system', text: 'alpha bravo charlie delta echo (a system line: never searched)' },
        ...(words[1] ? [{ sender: 'agent' as const, text: `dolor ${words[1]}` }] : []),
      ],
    }
  })
  data = await seedConversations(s.db, site, list)
})
afterAll(() => s?.close())

type Filter = Record<string, string>

/** What the list should return for `f` (as agent `me`), in its order. */
function oracle(f: Filter): string[] {
  const rows = data.filter((c) => {
    if (f.status && !f.status.split(',').includes(c.status!)) return false
    if (f.mine === 'true' && c.agentId !== me.id) return false
    if (f.unassigned === 'true' && c.agentId !== null) return false
    if (f.agentId && c.agentId !== f.agentId) return false
    if (f.tag && !c.tags!.includes(f.tag)) return false
    if (f.rating && !f.rating.split(',').map(Number).includes(c.rating ?? -1)) return false
    if (f.missed && (c.missedAt !== null) !== (f.missed === 'true')) return false
    if (f.priority && c.priority !== f.priority) return false
    if (f.offline && c.offline !== (f.offline === 'true')) return false
    if (f.from && localDay(c.createdAt) < f.from) return false
    if (f.to && localDay(c.createdAt) > f.to) return false
    if (f.q) {
      const words = new Set(c.messages.filter((m) => m.sender !== 'system').flatMap((m) => m.text!.split(' ')))
      if (!f.q.split(' ').every((w) => words.has(w))) return false
    }
    return true
  })
  rows.sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || (a.id < b.id ? 1 : -1))
  return rows.map((c) => c.id)
}

/** Every page of the list for `f`, `limit` at a time. */
async function listAll(f: Filter, limit = 4): Promise<string[]> {
  const out: string[] = []
  let cursor: string | null = null
  for (let pages = 0; ; pages++) {
    const params: URLSearchParams = new URLSearchParams({ ...f, limit: String(limit), ...(cursor ? { cursor } : {}) })
    const { status, body }: { status: number; body: Page<ConversationSummary> } = await getJson<Page<ConversationSummary>>(`${s.url}/api/sites/${site.id}/conversations?${params}`, me.token)
    expect(status, JSON.stringify(body)).toBe(200)
    expect(body.items.length).toBeLessThanOrEqual(limit)
    out.push(...body.items.map((c) => c.id))
    cursor = body.nextCursor
    if (!cursor) return out
    expect(pages).toBeLessThan(100)
  }
}

const CASES: Filter[] = [
  {},
  { status: 'resolved' },
  { status: 'pending,active' },
  { mine: 'true' },
  { unassigned: 'true' },
  { tag: 'billing' },
  { rating: '5' },
  { rating: '1,2' },
  { missed: 'true' },
  { missed: 'false' },
  { from: '2026-03-10', to: '2026-03-10' },
  { from: '2026-03-08', to: '2026-03-09' },
  { from: '2026-03-11' },
  { to: '2026-03-07' },
  { priority: 'high' },
  { offline: 'true' },
  { status: 'resolved,closed', rating: '3,4,5', missed: 'false', from: '2026-03-07', to: '2026-03-11' },
  { tag: 'vip', unassigned: 'false', offline: 'false', to: '2026-03-10' },
]

describe('list filters', () => {
  it('the data has what the cases need (each filter alone selects some, not all)', () => {
    for (const f of CASES.slice(1, 16)) {
      const n = oracle(f).length
      expect(n, JSON.stringify(f)).toBeGreaterThan(0)
      expect(n, JSON.stringify(f)).toBeLessThan(data.length)
    }
    expect(new Set(data.map((c) => c.lastActivityAt.getTime())).size).toBeLessThan(data.length / 2)
  })

  it.each(CASES)('%j, alone and with a search, page by page', async (f) => {
    for (const q of [undefined, 'alpha', 'bravo charlie']) {
      const filter = { ...f, ...(q ? { q } : {}) }
      expect(await listAll(filter), JSON.stringify(filter)).toEqual(oracle(filter))
    }
  })

  it('agentId selects that agent\'s conversations (and q narrows them)', async () => {
    for (const a of agents) {
      expect(await listAll({ agentId: a.id })).toEqual(oracle({ agentId: a.id }))
      expect(await listAll({ agentId: a.id, q: 'delta' })).toEqual(oracle({ agentId: a.id, q: 'delta' }))
    }
  })

  it("days are the site's: 23:30 in New York is the next day in UTC", async () => {
    const late = data[0]! // 2026-03-10 23:30 EDT = 2026-03-11 03:30 UTC
    const early = data[1]! // 2026-03-11 00:30 EDT
    expect(late.createdAt.toISOString().slice(0, 10)).toBe('2026-03-11')
    expect(localDay(late.createdAt)).toBe('2026-03-10')
    const on10th = await listAll({ from: '2026-03-10', to: '2026-03-10' }, 100)
    const on11th = await listAll({ from: '2026-03-11', to: '2026-03-11' }, 100)
    expect(on10th).toContain(late.id)
    expect(on10th).not.toContain(early.id)
    expect(on11th).toContain(early.id)
    expect(on11th).not.toContain(late.id)
    // The day of the switch to summer time has 23 hours: both its ends are inside it.
    const switchDay = await listAll({ from: '2026-03-08', to: '2026-03-08' }, 100)
    expect(switchDay).toEqual(expect.arrayContaining([data[3]!.id, data[4]!.id, data[5]!.id]))
    expect(switchDay).not.toContain(data[2]!.id)
    expect(switchDay).not.toContain(data[6]!.id)
  })

  it('the bulk export selects the same conversations as the list, for every case', async () => {
    for (const f of [...CASES, { q: 'alpha' }, { q: 'echo', missed: 'false' }]) {
      const res = await fetch(`${s.url}/api/sites/${site.id}/exports/conversations.csv?${new URLSearchParams(f)}`, { headers: { authorization: `Bearer ${me.token}` } })
      expect(res.status).toBe(200)
      const exported = new Set(csvRecords(await res.text()).map((r) => r.conversation_id))
      expect([...exported].sort(), JSON.stringify(f)).toEqual(oracle(f).sort())
    }
  })

  it('a stored zone Postgres does not know counts days in UTC instead of failing', async () => {
    const odd = await s.fx.site()
    const a = await s.fx.agent(odd.id)
    await s.db.inSite(odd.id, (tx) => tx.widgetSettings.update({ where: { siteId: odd.id }, data: { timezone: 'Mars/Olympus_Mons' } }))
    const [late] = await seedConversations(s.db, odd, [{ createdAt: new Date('2026-03-10T23:30:00Z') }])
    const { status, body } = await getJson<Page<ConversationSummary>>(`${s.url}/api/sites/${odd.id}/conversations?from=2026-03-10&to=2026-03-10`, a.token)
    expect(status).toBe(200)
    expect(body.items.map((c) => c.id)).toEqual([late!.id])
  })

  it('bad filters are a 400 naming the field', async () => {
    for (const [query, path] of [
      ['rating=6', 'rating'],
      ['rating=0,1', 'rating'],
      ['rating=x', 'rating'],
      ['from=2026-02-30', 'from'],
      ['to=26-01-01', 'to'],
      ['from=2026-03-10&to=2026-03-09', 'to'],
      ['missed=maybe', 'missed'],
      ['agentId=nope', 'agentId'],
    ] as const) {
      const { status, body } = await getJson<{ error: { code: string; details: { path: string }[] } }>(
        `${s.url}/api/sites/${site.id}/conversations?${query}`,
        me.token,
      )
      expect(status, query).toBe(400)
      expect(body.error.code).toBe('invalid_payload')
      expect(body.error.details.map((d) => d.path.split('.')[0]), query).toContain(path)
    }
  })
})
