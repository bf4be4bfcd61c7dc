// The bulk CSV export of a filtered list (GET …/exports/conversations.csv): one row per message
// of exactly the conversations the filters select, every column checked against the data,
// CSV escaping and formula defusing, batches that split conversations, and clean errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatError } from '@live-chat/sdk'
import type { Attachment } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { csvRecords, parseCsv, seedConversations, type Seeded, type SeedConversation } from './seed.js'

let s: TestServer
let site: SiteFixture
let other: SiteFixture
let agent: AgentFixture
let boss: AgentFixture
let selected: Seeded[]

const HEADER = [
  ...['conversation_id', 'started_at', 'status', 'visitor_name', 'visitor_email', 'assigned_agent', 'tags', 'rating'],
  ...['seq', 'sent_at', 'sender_type', 'sender_name', 'private', 'text', 'attachments'],
]
const FILES: Attachment[] = [
  { url: 'https://x.test/uploads/1/a.pdf', name: 'report, final "v2".pdf', type: 'application/pdf', size: 10 },
  { url: 'https://x.test/uploads/2/b.png', name: '=cmd.png', type: 'image/png', size: 20 },
]
/** Texts a CSV writer must get right. */
const NASTY = [
  'plain',
  'with, commas, everywhere',
  'with "double" quotes and \'single\' ones',
  'line one\nline two\r\nline three',
  '=1+2',
  '+41 44 123 45 67',
  '-minus',
  '@mention',
  '\tleading tab',
  ' =not at the start',
  'ünïcödé ✓ 😀',
  '"',
  ',',
  '',
]

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  other = await s.fx.site()
  agent = await s.fx.agent(site.id)
  boss = await s.fx.agent(site.id, { name: 'Smith, Anna "The Boss"' })
  const base = Date.parse('2026-05-01T10:00:00Z')
  const pick = (i: number): SeedConversation => ({
    createdAt: new Date(base + i * 3_600_000),
    status: 'resolved',
    tags: ['export', 'a,b'],
    rating: (i % 5) + 1,
    agentId: i % 2 ? boss.id : null,
    visitor: { name: i === 0 ? '=HYPERLINK("http://evil.example")' : `Visitor, No. ${i}`, email: `v${i}@example.com` },
    messages: NASTY.map((text, k) => ({
      text: text || null,
      sender: k % 3 === 0 ? 'agent' : k % 7 === 0 ? 'system' : 'visitor',
      private: k === 3, // an agent's note (only agents write notes)
      attachments: k === 1 ? FILES : undefined,
    })),
  })
  const seeded = await seedConversations(s.db, site, [
    ...Array.from({ length: 12 }, (_, i) => pick(i)),
    // One longer than a batch (1,000), so batches split it and resume inside it.
    { ...pick(12), messages: Array.from({ length: 2_501 }, (_, k) => ({ text: `long ${k + 1}`, sender: k % 2 ? 'agent' : 'visitor' })) },
    // Selected but without messages: no rows.
    { ...pick(13), messages: [] },
    // Not selected: another status, another tag, no tag.
    { ...pick(14), status: 'active' },
    { ...pick(15), tags: ['other'] },
    { ...pick(16), tags: [] },
  ])
  selected = seeded.slice(0, 14)
  // The same tag and status on another site: never exported here.
  await seedConversations(s.db, other, [pick(0), { ...pick(1), agentId: null }])
})
afterAll(() => s?.close())

async function exportCsv(query: string, token = agent.token) {
  const res = await fetch(`${s.url}/api/sites/${site.id}/exports/conversations.csv?${query}`, { headers: { authorization: `Bearer ${token}` } })
  return { res, text: Buffer.from(await res.arrayBuffer()).toString('utf8') }
}

/** What a spreadsheet-safe cell holds for a value (csv-stringify's escape_formulas). */
const cell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)

describe('bulk CSV export', () => {
  it('one row per message of exactly the selected conversations, in order, every column right', async () => {
    const { res, text } = await exportCsv('tag=export&status=resolved')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="conversations-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(text.startsWith('\uFEFF')).toBe(true)
    const [header] = parseCsv(text)
    expect(header).toEqual(HEADER)
    const rows = csvRecords(text)
    const expected = selected
      .slice()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .flatMap((c) =>
        c.messages.map((m, k) => ({
          conversation_id: c.id,
          started_at: c.createdAt.toISOString(),
          status: 'resolved',
          visitor_name: cell(c.visitor!.name!),
          visitor_email: c.visitor!.email!,
          assigned_agent: c.agentId ? cell(boss.name) : '',
          tags: 'export, a,b',
          rating: String(c.rating),
          seq: String(k + 1),
          sent_at: new Date(c.createdAt.getTime() + (k + 1) * 1000).toISOString(),
          sender_type: m.sender ?? 'visitor',
          sender_name: m.sender === 'system' ? '' : m.sender === 'agent' ? 'Agent Smith' : cell(c.visitor!.name!),
          private: m.private ? 'true' : 'false',
          text: cell(m.text ?? ''),
          attachments: (m.attachments ?? []).map((f) => f.name).join('\n'),
        })),
      )
    expect(expected.length).toBe(12 * NASTY.length + 2_501)
    expect(rows.length).toBe(expected.length)
    // Compared row by row (a failure then names the row, not a 4,000-row diff).
    rows.forEach((r, i) => expect(r, `row ${i + 1}`).toEqual(expected[i]))
  })

  it('escaping survives a strict reader: the quotes, commas and line breaks of every text', async () => {
    const { text } = await exportCsv('tag=export&status=resolved&rating=1')
    const rows = csvRecords(text).filter((r) => r.conversation_id === selected[0]!.id)
    expect(rows.map((r) => r.text)).toEqual(NASTY.map(cell))
    expect(rows.map((r) => r.text)).toContain("'=1+2")
    expect(rows.map((r) => r.text)).toContain("'\tleading tab")
    expect(rows.map((r) => r.text)).toContain(' =not at the start')
    expect(rows[0]!.visitor_name).toBe(`'=HYPERLINK("http://evil.example")`)
    // Only a cell's first character matters to a spreadsheet: a later "=" stays as it is.
    expect(rows[1]!.attachments).toBe(`${FILES[0]!.name}\n${FILES[1]!.name}`)
  })

  it('filters and search select the same conversations as the list', async () => {
    const list = await fetch(`${s.url}/api/sites/${site.id}/conversations?tag=export&q=long&limit=100`, { headers: { authorization: `Bearer ${agent.token}` } })
    const listed = ((await list.json()) as { items: { id: string }[] }).items.map((c) => c.id)
    expect(listed).toEqual([selected[12]!.id])
    const rows = csvRecords((await exportCsv('tag=export&q=long')).text)
    expect(new Set(rows.map((r) => r.conversation_id))).toEqual(new Set(listed))
    expect(rows.length).toBe(2_501)
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 2_501 }, (_, i) => i + 1))
    // Nothing selected: the header alone.
    expect(parseCsv((await exportCsv('tag=nothing-has-this')).text)).toEqual([HEADER])
  })

  it('bad input answers the usual JSON error, before any CSV', async () => {
    for (const [query, code, status] of [
      ['cursor=abc', 'invalid_payload', 400],
      ['limit=10', 'invalid_payload', 400],
      ['rating=9', 'invalid_payload', 400],
      ['from=2026-13-01', 'invalid_payload', 400],
      [`q=${encodeURIComponent('a b c d e f g h i')}`, 'invalid_payload', 400],
    ] as const) {
      const { res, text } = await exportCsv(query)
      expect(res.status, query).toBe(status)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(JSON.parse(text).error.code).toBe(code)
    }
    expect((await exportCsv('', 'forged')).res.status).toBe(401)
    const outsider = await s.fx.agent(other.id)
    expect((await exportCsv('', outsider.token)).res.status).toBe(403)
  })

  it('SDK: conversations.export() sends the filters and resolves with the CSV as a Blob', async () => {
    const client = new AgentClient({ url: s.url, token: agent.token })
    client.useSite(site.id)
    const blob = await client.conversations.export({ tag: 'export', status: 'resolved', rating: [1, 2] })
    expect(blob).toBeInstanceOf(Blob)
    const rows = csvRecords(Buffer.from(await blob.arrayBuffer()).toString('utf8'))
    expect(new Set(rows.map((r) => r.rating))).toEqual(new Set(['1', '2']))
    expect(rows.length).toBe(6 * NASTY.length) // ratings (i % 5) + 1 of 1 or 2: i = 0, 1, 5, 6, 10, 11
    const error = await client.conversations.export({ q: 'a b c d e f g h i' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LiveChatError)
    expect(error).toMatchObject({ code: 'invalid_payload', status: 400 })
  })
})
