// A conversation's transcript (GET …/conversations/:id/transcript?format=json|csv|txt), read
// back by parsing each format: every message in order, notes marked, attachments, escaping,
// the site's time zone in the text; and the SDK's transcript() on the same endpoint.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatError } from '@live-chat/sdk'
import type { Attachment, Transcript } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { csvRecords, getJson, seedConversations, type Seeded } from './seed.js'

let s: TestServer
let site: SiteFixture
let other: SiteFixture
let agent: AgentFixture
let conv: Seeded
let long: Seeded
let theirs: Seeded

const FILES: Attachment[] = [
  { url: 'https://chat.example.com/uploads/11111111-1111-4111-8111-111111111111/invoice.pdf', name: 'invoice.pdf', type: 'application/pdf', size: 1234 },
  { url: 'https://chat.example.com/uploads/22222222-2222-4222-8222-222222222222/photo, "1".png', name: 'photo, "1".png', type: 'image/png', size: 99 },
]
const TEXTS = [
  'Hello, I need help with "order" 42',
  'Alice joined the conversation',
  'Sure!\nLine two, with a comma\r\nand a third',
  '=HYPERLINK("http://evil.example","click")',
  null,
  '-1+2',
  '@SUM(1)',
  '+call me',
]

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site({ widget: { timezone: 'Europe/Paris' } })
  other = await s.fx.site()
  agent = await s.fx.agent(site.id) // role "agent": any agent of the site may download
  const seeded = await seedConversations(s.db, site, [
    {
      visitor: { name: 'Jane "JJ" Doe, Jr.', email: 'jane@example.com', phone: '+33 6 12 34 56 78' },
      subject: 'Order =problem',
      status: 'resolved',
      tags: ['billing', 'vip'],
      rating: 4,
      createdAt: new Date('2026-07-01T21:45:00Z'), // 23:45 in Paris (UTC+2 in summer)
      messages: [
        { text: TEXTS[0] },
        { sender: 'system', text: TEXTS[1] },
        { sender: 'agent', text: TEXTS[2], name: 'Alice' },
        { sender: 'agent', text: TEXTS[3], name: 'Alice', private: true },
        { text: null, attachments: FILES },
        { text: TEXTS[5] },
        { text: TEXTS[6] },
        { sender: 'agent', text: TEXTS[7], name: null },
      ],
    },
    { visitor: { name: 'Chatty' }, messages: Array.from({ length: 2_345 }, (_, i) => ({ text: `line ${i + 1}`, sender: i % 2 ? ('agent' as const) : ('visitor' as const) })) },
  ])
  conv = seeded[0]!
  long = seeded[1]!
  theirs = (await seedConversations(s.db, other, [{ visitor: { name: 'Elsewhere' }, messages: [{ text: 'secret' }] }]))[0]!
})
afterAll(() => s?.close())

async function download(id: string, format?: string, token = agent.token) {
  const res = await fetch(`${s.url}/api/sites/${site.id}/conversations/${id}/transcript${format ? `?format=${format}` : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  // Decoded by hand: fetch's text() would drop the BOM, which is part of what is tested.
  return { res, text: Buffer.from(await res.arrayBuffer()).toString('utf8') }
}

describe('transcript', () => {
  it('JSON: the conversation, the site time zone and every message in seq order, notes marked', async () => {
    const { res, text } = await download(conv.id)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv.id}.json"`)
    const t = JSON.parse(text) as Transcript
    expect(t.timezone).toBe('Europe/Paris')
    expect(t.conversation).toMatchObject({
      id: conv.id,
      siteId: site.id,
      status: 'resolved',
      subject: 'Order =problem',
      tags: ['billing', 'vip'],
      rating: 4,
      createdAt: '2026-07-01T21:45:00.000Z',
      visitor: { name: 'Jane "JJ" Doe, Jr.', email: 'jane@example.com', phone: '+33 6 12 34 56 78' },
      agent: null,
    })
    expect(t.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(t.messages.map((m) => m.text)).toEqual(TEXTS)
    expect(t.messages.map((m) => m.private)).toEqual([false, false, false, true, false, false, false, false])
    expect(t.messages.map((m) => m.senderType)).toEqual(['visitor', 'system', 'agent', 'agent', 'visitor', 'visitor', 'visitor', 'agent'])
    expect(t.messages.map((m) => m.senderName)).toEqual(['Jane "JJ" Doe, Jr.', 'System', 'Alice', 'Alice', 'Jane "JJ" Doe, Jr.', 'Jane "JJ" Doe, Jr.', 'Jane "JJ" Doe, Jr.', 'Agent'])
    expect(t.messages[4]!.attachments).toEqual(FILES)
    expect(t.messages[0]!.createdAt).toBe('2026-07-01T21:45:01.000Z')
  })

  it('CSV: one row per message, escaped, formulas defused, attachments by name and URL', async () => {
    const { res, text } = await download(conv.id, 'csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv.id}.csv"`)
    expect(text.startsWith('\uFEFFseq,sent_at,sender_type,sender_name,private,type,text,attachment_names,attachment_urls\r\n')).toBe(true)
    const rows = csvRecords(text)
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    expect(rows.map((r) => r.text)).toEqual([
      TEXTS[0],
      TEXTS[1],
      TEXTS[2],
      `'${TEXTS[3]}`, // a formula would run in a spreadsheet: it gets a leading quote
      '',
      `'${TEXTS[5]}`,
      `'${TEXTS[6]}`,
      `'${TEXTS[7]}`,
    ])
    expect(rows.map((r) => r.private)).toEqual(['false', 'false', 'false', 'true', 'false', 'false', 'false', 'false'])
    expect(rows[0]).toMatchObject({ sent_at: '2026-07-01T21:45:01.000Z', sender_type: 'visitor', sender_name: 'Jane "JJ" Doe, Jr.', type: 'text' })
    expect(String(rows[4]?.attachment_names).split('\n')).toEqual(FILES.map((f) => f.name))
    expect(String(rows[4]?.attachment_urls).split('\n')).toEqual(FILES.map((f) => f.url))
  })

  it("text: for people, in the site's time zone, notes and system lines marked", async () => {
    const { res, text } = await download(conv.id, 'txt')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv.id}.txt"`)
    const lines = text.split('\n')
    expect(lines).toContain('Times are in Europe/Paris.')
    expect(lines).toContain('Started: 2026-07-01T23:45:00+02:00')
    expect(lines).toContain('Visitor: Jane "JJ" Doe, Jr. <jane@example.com> +33 6 12 34 56 78')
    expect(lines).toContain('Rating: 4/5')
    const messages = lines.filter((l) => l.startsWith('['))
    expect(messages).toEqual([
      '[2026-07-01T23:45:01+02:00] #1 Jane "JJ" Doe, Jr. (visitor): Hello, I need help with "order" 42',
      '[2026-07-01T23:45:02+02:00] #2 -- Alice joined the conversation',
      '[2026-07-01T23:45:03+02:00] #3 Alice (agent): Sure!',
      '[2026-07-01T23:45:04+02:00] #4 Alice (agent, private note): =HYPERLINK("http://evil.example","click")',
      `[2026-07-01T23:45:05+02:00] #5 Jane "JJ" Doe, Jr. (visitor): [attachment: invoice.pdf ${FILES[0]!.url}]`,
      '[2026-07-01T23:45:06+02:00] #6 Jane "JJ" Doe, Jr. (visitor): -1+2',
      '[2026-07-01T23:45:07+02:00] #7 Jane "JJ" Doe, Jr. (visitor): @SUM(1)',
      '[2026-07-01T23:45:08+02:00] #8 Agent (agent): +call me',
    ])
    // A message's further lines are indented, never mistaken for a new message.
    expect(lines).toContain('    Line two, with a comma')
    expect(lines).toContain('    and a third')
    expect(lines).toContain(`    [attachment: ${FILES[1]!.name} ${FILES[1]!.url}]`)
  })

  it('a conversation longer than one batch comes whole and in order, in every format', async () => {
    const json = JSON.parse((await download(long.id, 'json')).text) as Transcript
    expect(json.messages.map((m) => m.seq)).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1))
    expect(json.messages.at(-1)!.text).toBe('line 2345')
    const csv = csvRecords((await download(long.id, 'csv')).text)
    expect(csv.map((r) => Number(r.seq))).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1))
    const txt = (await download(long.id, 'txt')).text.split('\n').filter((l) => l.startsWith('['))
    expect(txt.length).toBe(2_345)
    expect(txt.at(-1)).toMatch(/#2345 Chatty \(visitor\): line 2345$/)
  })

  it('a conversation from the real flow: the sender names and the note as stored', async () => {
    const session = await s.fx.visitorSession(site.id)
    const started = await s.services.conversations.start(
      { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id },
      { clientKey: crypto.randomUUID(), fields: { name: 'Real Visitor' }, message: { clientId: crypto.randomUUID(), text: 'real question' } },
    )
    const id = started.conversation.id
    const post = await fetch(`${s.url}/api/sites/${site.id}/conversations/${id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: crypto.randomUUID(), text: 'checked the account', private: true }),
    })
    expect(post.status).toBe(201)
    const t = JSON.parse((await download(id)).text) as Transcript
    expect(t.messages.map((m) => [m.senderType, m.senderName, m.private, m.text])).toEqual([
      ['visitor', 'Real Visitor', false, 'real question'],
      ['agent', agent.name, true, 'checked the account'],
    ])
  })

  it("another site's conversation, an unknown one, a bad format, no token: clean errors", async () => {
    for (const id of [theirs.id, crypto.randomUUID()]) {
      const { res, text } = await download(id, 'csv')
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(JSON.parse(text).error.code).toBe('not_found')
    }
    expect((await download(conv.id, 'pdf')).res.status).toBe(400)
    expect((await download('not-a-uuid')).res.status).toBe(400)
    expect((await download(conv.id, 'json', 'forged')).res.status).toBe(401)
    const outsider = await s.fx.agent(other.id)
    expect((await getJson(`${s.url}/api/sites/${site.id}/conversations/${conv.id}/transcript`, outsider.token)).status).toBe(403)
  })

  it('SDK: transcript() resolves with the file as a Blob, and rejects with the error code', async () => {
    const client = new AgentClient({ url: s.url, token: agent.token })
    client.useSite(site.id)
    const blob = await client.conversations.transcript(conv.id, 'csv')
    expect(blob).toBeInstanceOf(Blob)
    expect(blob.type).toMatch(/^text\/csv; ?charset=utf-8$/)
    expect(Buffer.from(await blob.arrayBuffer()).toString('utf8')).toBe((await download(conv.id, 'csv')).text)
    const json = JSON.parse(await (await client.conversations.transcript(conv.id)).text()) as Transcript
    expect(json.messages.length).toBe(8)
    const error = await client.conversations.transcript(theirs.id, 'txt').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LiveChatError)
    expect(error).toMatchObject({ code: 'not_found', status: 404 })
  })
})
