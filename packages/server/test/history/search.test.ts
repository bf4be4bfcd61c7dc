// Full-text search in the inbox (GET …/conversations?q=): a seeded corpus on two sites, and
// every query's answer compared with the exact set of conversations that should match.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConversationSummary, Page } from '@live-chat/protocol'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'
import { getJson, seedConversations, type SeedConversation } from './seed.js'

let s: TestServer
let site: SiteFixture
let other: SiteFixture
let agent: AgentFixture
let otherAgent: AgentFixture
/** Corpus key → conversation id (site A); ids of site B. */
const ids = new Map<string, string>()
const otherIds = new Set<string>()

// The conversations a query should find, by key. Everything else in the corpus is filler whose
// words appear in no query below.
const CORPUS: Record<string, SeedConversation> = {
  refund: {
    visitor: { name: 'Jane Doe', email: 'jane.doe@example.com' },
    messages: [{ text: 'I want a refund for order 4411' }, { sender: 'agent', text: 'Your refund is on its way.' }],
  },
  refunded: { visitor: { name: 'Tom Hart' }, messages: [{ text: 'Was my payment refunded yesterday?' }] },
  invoice: { subject: 'Invoice question', visitor: { name: 'Ann Lee' }, messages: [{ text: 'Where can I download it?' }] },
  shipping: {
    visitor: { name: 'Pierre Dupont', email: 'pierre@exemple.fr', phone: '+33 6 12 34 56 78' },
    messages: [{ text: 'Mon colis n’est pas encore arrivé' }],
  },
  phone: { visitor: { name: 'Bob Stone', phone: '+1 (555) 123-4567' }, messages: [{ text: 'Call me back please' }] },
  emailInText: { visitor: { name: 'Kim' }, messages: [{ text: 'Write to bob.stone@mail.test instead' }] },
  note: { visitor: { name: 'Lou' }, messages: [{ text: 'hi' }, { sender: 'agent', private: true, text: 'VIP customer, handle with care' }] },
  systemOnly: {
    visitor: { name: 'Max' },
    messages: [{ text: 'hello' }, { sender: 'system', text: 'Alice joined the conversation' }],
  },
  shouting: { visitor: { name: 'Ray' }, messages: [{ text: 'PASSWORD RESET NOT WORKING' }] },
  cafe: { visitor: { name: 'Zoé Müller' }, messages: [{ text: 'Le café est froid' }] },
  billing: { visitor: { name: 'Jane Smith', email: 'jsmith@corp.test' }, messages: [{ text: 'A question about billing' }] },
  hyphen: { visitor: { name: 'Ned' }, messages: [{ text: 'My e-mail bounced twice' }] },
  subjectOnly: { subject: 'Broken widget on checkout', visitor: { name: 'Oli' }, messages: [{ text: 'see subject' }] },
  quotes: { visitor: { name: "Seán O'Brien" }, messages: [{ text: "it's the 'special' plan" }] },
}

const FILLER_WORDS = ['hello', 'thanks', 'good', 'morning', 'nice', 'day', 'sure', 'okay', 'great', 'see', 'you', 'soon', 'bye', 'cheers', 'welcome']

function filler(i: number): SeedConversation {
  const words = Array.from({ length: 6 }, (_, k) => FILLER_WORDS[(i * 7 + k * 3) % FILLER_WORDS.length])
  return {
    visitor: { name: `Visitor ${i}`, email: `visitor${i}@filler.test`, phone: `+44 20 7946 ${String(i).padStart(4, '0')}` },
    subject: i % 3 === 0 ? `Chat ${i}` : null,
    messages: [{ text: words.join(' ') }, { sender: 'agent', text: 'Thanks, have a nice day' }],
  }
}

beforeAll(async () => {
  s = await startServer()
  site = await s.fx.site()
  other = await s.fx.site()
  agent = await s.fx.agent(site.id)
  otherAgent = await s.fx.agent(other.id)
  const keys = Object.keys(CORPUS)
  const seeded = await seedConversations(s.db, site, [...keys.map((k) => CORPUS[k]!), ...Array.from({ length: 30 }, (_, i) => filler(i))])
  keys.forEach((k, i) => ids.set(k, seeded[i]!.id))
  // Site B holds the same words, names, email and phone: none of it may ever show on site A.
  const mirrored = await seedConversations(s.db, other, [
    ...[CORPUS.refund!, CORPUS.phone!, CORPUS.invoice!, CORPUS.note!, CORPUS.billing!],
    ...Array.from({ length: 10 }, (_, i) => filler(i)),
  ])
  for (const c of mirrored) otherIds.add(c.id)
})
afterAll(() => s?.close())

/** Every id the list returns for q (all pages), as corpus keys; ids outside the corpus are kept as is. */
async function search(q: string, as = agent, siteId = site.id): Promise<string[]> {
  const found: string[] = []
  let cursor: string | null = null
  do {
    const params: URLSearchParams = new URLSearchParams({ q, limit: '10', ...(cursor ? { cursor } : {}) })
    const { status, body }: { status: number; body: Page<ConversationSummary> } = await getJson<Page<ConversationSummary>>(`${s.url}/api/sites/${siteId}/conversations?${params}`, as.token)
    expect(status, `q=${JSON.stringify(q)}: ${JSON.stringify(body)}`).toBe(200)
    found.push(...body.items.map((c) => c.id))
    cursor = body.nextCursor
  } while (cursor)
  const keyOf = new Map([...ids].map(([k, id]) => [id, k]))
  return found.map((id) => keyOf.get(id) ?? (otherIds.has(id) ? `OTHER SITE ${id}` : `filler ${id}`)).sort()
}

describe('full-text search', () => {
  it.each([
    // Words in messages; the last word is also a prefix.
    ['refund', ['refund', 'refunded']],
    ['refu', ['refund', 'refunded']],
    ['refunded', ['refunded']],
    ['refund order', ['refund']],
    ['order 4411', ['refund']],
    // Case-insensitive, also beyond ASCII.
    ['REFUND', ['refund', 'refunded']],
    ['password reset', ['shouting']],
    ['café', ['cafe']],
    ['CAFÉ', ['cafe']],
    ['ARRIVÉ', ['shipping']],
    // Visitor names, emails (whole, local part, domain, typed halfway) and phones.
    ['pierre dupont', ['shipping']],
    ['zoé müller', ['cafe']],
    ['jane', ['billing', 'refund']],
    ['jane.doe@example.com', ['refund']],
    ['JANE.DOE@EXAMPLE.COM', ['refund']],
    ['jane.doe@exa', ['refund']],
    ['jane.doe', ['refund']],
    ['example.com', ['refund']],
    ['jsmith', ['billing']],
    ['+1 (555) 123-4567', ['phone']],
    ['555-123-4567', ['phone']],
    ['+15551234567', ['phone']],
    ['15551234567', ['phone']],
    ['4567', ['phone']],
    ['+33 6 12 34 56 78', ['shipping']],
    ['+33612345678', ['shipping']],
    // An email inside a message; "bob" is also Bob Stone's name (and a prefix of that email).
    ['bob.stone@mail.test', ['emailInText']],
    ['bob', ['emailInText', 'phone']],
    // Words may be spread over the visitor and the messages, but every one must be somewhere.
    ['jane billing', ['billing']],
    ['jane refund', ['refund']],
    ['jane invoice', []],
    // Subjects; private notes (agents see them); never system lines.
    ['invoice', ['invoice']],
    ['checkout', ['subjectOnly']],
    ['vip', ['note']],
    ['joined', []],
    // Hyphenated words and apostrophes as typed.
    ['e-mail', ['hyphen']],
    ["o'brien", ['quotes']],
    ["it's", ['quotes']],
    ['nothingmatchesthis', []],
  ])('%j finds exactly %j', async (q, expected) => {
    expect(await search(q)).toEqual([...expected].sort())
  })

  it("another site's matches never show, and its own search finds only its own", async () => {
    for (const q of ['refund', 'jane.doe@example.com', '555-123-4567', 'invoice', 'vip', 'hello', 'jane']) {
      const found = await search(q)
      expect(found.filter((k) => k.startsWith('OTHER SITE'))).toEqual([])
    }
    const theirs = await search('refund', otherAgent, other.id)
    expect(theirs.length).toBe(1)
    expect(otherIds.has(theirs[0]!.replace('OTHER SITE ', ''))).toBe(true)
    // And site A's token cannot search site B at all.
    const { status } = await getJson(`${s.url}/api/sites/${other.id}/conversations?q=refund`, agent.token)
    expect(status).toBe(403)
  })

  it('operators and quotes in the text are only text', async () => {
    const refunds = ['refund', 'refunded']
    for (const q of ['"refund"', "'refund'", 'refund:*', '!refund', '(refund)', 'refund&', '|refund', 'refund\\', '\\refund', '<->refund']) {
      expect(await search(q), q).toEqual(refunds)
    }
    // A NUL is refused at the door, as in any query string (REST.md).
    const nul = await getJson<{ error: { code: string } }>(`${s.url}/api/sites/${site.id}/conversations?q=${encodeURIComponent('refund\u0000')}`, agent.token)
    expect(nul).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } })
    // "refund | invoice" is two words that must both be found, not an OR.
    expect(await search('refund | invoice')).toEqual([])
    expect(await search("'; DROP TABLE mod_chat_messages; --")).toEqual([])
  })

  it('hostile text answers 200 or a clean 400, never a 500', async () => {
    const hostile = [
      "'",
      "''",
      '"',
      '\\',
      '\\\\\\',
      '&',
      '|',
      '!',
      ':*',
      '&&&|||!!!',
      "':*' & '",
      'a:* & !b | (c <-> d)',
      '<2>',
      '%_%',
      '\u0000',
      '\uD800',
      '😀😀😀',
      'x'.repeat(200),
      'é'.repeat(200),
      "'\\".repeat(100),
      '!@#$%^&*()_+-={}[]|\\:";\'<>?,./~`'.repeat(6).slice(0, 200),
      'one two three four five six seven eight nine',
      'a b c d e f g h i j k l m n o p q r s t u v w x y z',
      ' ',
      '',
    ]
    for (const q of hostile) await expectCleanAnswer(q)
  })

  it('fuzz: any text up to 200 characters answers 200 or a clean 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (q) => {
        await expectCleanAnswer(q)
      }),
      { numRuns: 150 },
    )
  }, 90_000)

  it('more than 8 words is a 400 that says so', async () => {
    const { status, body } = await getJson<{ error: { code: string; message: string } }>(
      `${s.url}/api/sites/${site.id}/conversations?${new URLSearchParams({ q: '1 2 3 4 5 6 7 8 9' })}`,
      agent.token,
    )
    expect(status).toBe(400)
    expect(body.error.code).toBe('invalid_payload')
    expect(body.error.message).toMatch(/8 words/)
  })
})

async function expectCleanAnswer(q: string): Promise<void> {
  for (const path of ['conversations', 'exports/conversations.csv']) {
    const res = await fetch(`${s.url}/api/sites/${site.id}/${path}?${new URLSearchParams({ q })}`, { headers: { authorization: `Bearer ${agent.token}` } })
    const text = await res.text()
    expect([200, 400], `${path} q=${JSON.stringify(q)} answered ${res.status}: ${text.slice(0, 300)}`).toContain(res.status)
    if (res.status === 400) expect(JSON.parse(text).error.code).toBe('invalid_payload')
    else if (path === 'conversations') expect(Array.isArray(JSON.parse(text).items)).toBe(true)
  }
}
