// Group commit (AppendBatcher → mod_chat_append_messages): a batch of text messages over several
// conversations is stored by one statement with the same rules as one message at a time — seqs
// in arrival order, every counter moved, events written to the outbox, refusals left to the
// general path — against the real database.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import { AppendBatcher, type AppendInput, type AppendRow } from '../../src/messages/batch.js'
import { toMessage } from '../../src/shared/map.js'
import type { MessageRow } from '../../src/messages/store.js'
import { serverPerFile } from '../helpers.js'

const t = serverPerFile()

/** A site with one agent, and `n` visitors each with a started conversation (first message "hi"). */
async function siteWithConversations(n: number) {
  const site = await t.s.fx.site()
  const agent = await t.s.fx.agent(site.id, { name: 'Ada' })
  const conversations = []
  for (let i = 0; i < n; i++) {
    const visitor = new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })
    t.track(visitor)
    const { conversation } = await visitor.startConversation({ message: 'hi' })
    const row = await conversationRow(site.id, conversation.id)
    conversations.push({ id: conversation.id, visitorId: row.visitorId, lastSeq: row.lastSeq })
  }
  return { site, agent, conversations }
}

const conversationRow = (siteId: string, id: string) => t.s.db.inSite(siteId, (tx) => tx.conversation.findUniqueOrThrow({ where: { id } }))
const messages = (siteId: string, conversationId: string) =>
  t.s.db.inSite(siteId, (tx) => tx.message.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } }))

/** The last send's time: each input gets a later millisecond than the one before (tests tell sends apart by it). */
let lastAt = 0

function input(siteId: string, conversationId: string, from: { visitorId: string } | { agentId: string; name: string }, text: string, isPrivate = false): AppendInput {
  const id = crypto.randomUUID()
  lastAt = Math.max(Date.now(), lastAt + 1)
  const createdAt = new Date(lastAt)
  const visitor = 'visitorId' in from
  return {
    siteId,
    conversationId,
    visitorId: visitor ? from.visitorId : null,
    id,
    clientId: `batch_${crypto.randomBytes(6).toString('hex')}`,
    senderType: visitor ? 'visitor' : 'agent',
    senderId: visitor ? from.visitorId : from.agentId,
    senderName: visitor ? null : from.name,
    text,
    isPrivate,
    createdAt,
  }
}

/** Appends all in the same turn of the event loop, so they go in one statement. */
const appendTogether = (batcher: AppendBatcher, inputs: AppendInput[]): Promise<(AppendRow | null)[]> => Promise.all(inputs.map((i) => batcher.append(i)))

describe('group commit', () => {
  it('stores a batch over several conversations in arrival order, with every counter moved', async () => {
    const { site, agent, conversations } = await siteWithConversations(2)
    const [c1, c2] = conversations as [(typeof conversations)[0], (typeof conversations)[0]]
    const ada = { agentId: agent.id, name: 'Ada' }
    const batch = [
      input(site.id, c1.id, { visitorId: c1.visitorId }, 'one'),
      input(site.id, c2.id, ada, 'two'),
      input(site.id, c1.id, ada, 'three'),
      input(site.id, c1.id, ada, 'a note', true),
      input(site.id, c2.id, { visitorId: c2.visitorId }, 'four'),
      input(site.id, c1.id, { visitorId: c1.visitorId }, 'five'),
    ]
    const rows = await appendTogether(new AppendBatcher(t.s.db), batch)

    expect(rows.map((r) => r?.seq)).toEqual([c1.lastSeq + 1, c2.lastSeq + 1, c1.lastSeq + 2, c1.lastSeq + 3, c2.lastSeq + 2, c1.lastSeq + 4])
    expect(rows.map((r) => r?.visitor_id)).toEqual([c1.visitorId, c2.visitorId, c1.visitorId, c1.visitorId, c2.visitorId, c1.visitorId])
    expect(rows[2]?.sender_name).toBe('Ada')
    // No webhook and no consumer of the server's own asked: no event is written.
    expect(rows.map((r) => r?.event_id)).toEqual([null, null, null, null, null, null])

    const stored = await messages(site.id, c1.id)
    expect(stored.slice(-4).map((m) => [m.seq, m.content, m.senderType, m.isPrivate])).toEqual([
      [c1.lastSeq + 1, 'one', 'visitor', false],
      [c1.lastSeq + 2, 'three', 'agent', false],
      [c1.lastSeq + 3, 'a note', 'agent', true],
      [c1.lastSeq + 4, 'five', 'visitor', false],
    ])
    const one = await conversationRow(site.id, c1.id)
    expect(one.lastSeq).toBe(c1.lastSeq + 4)
    expect(one.lastPublicSeq).toBe(c1.lastSeq + 4)
    expect(one.visitorReadSeq).toBe(c1.lastSeq + 4)
    expect(one.visitorDeliveredSeq).toBe(c1.lastSeq + 4)
    // The agent's last message here is the private note: they have seen up to it.
    expect(one.agentReadSeq).toBe(c1.lastSeq + 3)
    expect(one.firstResponseAt?.toISOString()).toBe(batch[2]!.createdAt.toISOString())
    expect(one.lastMessageAt?.toISOString()).toBe(batch[5]!.createdAt.toISOString())
    expect(one.lastActivityAt.toISOString()).toBe(batch[5]!.createdAt.toISOString())

    const two = await conversationRow(site.id, c2.id)
    expect([two.lastSeq, two.lastPublicSeq, two.agentReadSeq, two.visitorReadSeq]).toEqual([c2.lastSeq + 2, c2.lastSeq + 2, c2.lastSeq + 1, c2.lastSeq + 2])
    expect(two.firstResponseAt?.toISOString()).toBe(batch[1]!.createdAt.toISOString())
  })

  it('a private note moves neither the public seq nor the first response', async () => {
    const { site, agent, conversations } = await siteWithConversations(1)
    const c = conversations[0]!
    const [note, other] = await appendTogether(new AppendBatcher(t.s.db), [
      input(site.id, c.id, { agentId: agent.id, name: 'Ada' }, 'internal', true),
      input(site.id, c.id, { visitorId: c.visitorId }, 'hello?'),
    ])
    expect([note?.seq, other?.seq]).toEqual([c.lastSeq + 1, c.lastSeq + 2])
    const row = await conversationRow(site.id, c.id)
    expect(row.lastPublicSeq).toBe(c.lastSeq + 2)
    expect(row.firstResponseAt).toBeNull()
  })

  it('leaves refused messages to the general path and stores the rest of the batch', async () => {
    const { site, agent, conversations } = await siteWithConversations(3)
    const [mine, theirs, closed] = conversations as [(typeof conversations)[0], (typeof conversations)[0], (typeof conversations)[0]]
    const other = await siteWithConversations(1)
    await t.s.db.inSite(site.id, (tx) => tx.conversation.update({ where: { id: closed.id }, data: { status: 'resolved' } }))
    const ada = { agentId: agent.id, name: 'Ada' }
    const rows = await appendTogether(new AppendBatcher(t.s.db), [
      input(site.id, mine.id, { visitorId: mine.visitorId }, 'fine'),
      // a visitor writing into someone else's conversation
      input(site.id, theirs.id, { visitorId: mine.visitorId }, 'not yours'),
      // an agent of this site writing into another site's conversation
      input(site.id, other.conversations[0]!.id, ada, 'wrong site'),
      // a conversation that is not open
      input(site.id, closed.id, ada, 'too late'),
      input(site.id, mine.id, ada, 'also fine'),
    ])
    expect(rows.map((r) => r?.seq ?? null)).toEqual([mine.lastSeq + 1, null, null, null, mine.lastSeq + 2])
    expect((await conversationRow(site.id, theirs.id)).lastSeq).toBe(theirs.lastSeq)
    expect((await conversationRow(site.id, closed.id)).lastSeq).toBe(closed.lastSeq)
    expect((await conversationRow(other.site.id, other.conversations[0]!.id)).lastSeq).toBe(other.conversations[0]!.lastSeq)
    expect((await messages(site.id, theirs.id)).map((m) => m.content)).not.toContain('not yours')
  })

  it('a resend inside a batch: the others are stored one by one, the resend is left to the general path', async () => {
    const { site, conversations } = await siteWithConversations(1)
    const c = conversations[0]!
    const batcher = new AppendBatcher(t.s.db)
    const first = input(site.id, c.id, { visitorId: c.visitorId }, 'first')
    expect((await batcher.append(first))?.seq).toBe(c.lastSeq + 1)
    const rows = await appendTogether(batcher, [
      input(site.id, c.id, { visitorId: c.visitorId }, 'a'),
      { ...first, id: crypto.randomUUID() },
      input(site.id, c.id, { visitorId: c.visitorId }, 'b'),
    ])
    expect(rows.map((r) => r?.seq ?? null)).toEqual([c.lastSeq + 2, null, c.lastSeq + 3])
    expect((await messages(site.id, c.id)).slice(-3).map((m) => m.content)).toEqual(['first', 'a', 'b'])
  })

  it('writes message.created events in the same statement; the dispatcher delivers each as the API shows the message', async () => {
    const { site, agent, conversations } = await siteWithConversations(1)
    const c = conversations[0]!
    const hook = await t.s.db.inSite(site.id, (tx) =>
      tx.webhook.create({ data: { siteId: site.id, url: 'http://127.0.0.1:9/hook', events: ['message.created'], secret: 'x'.repeat(32) } }),
    )
    await t.s.db.inSite(site.id, (tx) => tx.visitor.update({ where: { id: c.visitorId }, data: { name: 'Vera "V" Ö' } }))
    const batch = [
      input(site.id, c.id, { agentId: agent.id, name: 'Ada' }, 'public'),
      input(site.id, c.id, { agentId: agent.id, name: 'Ada' }, 'private', true),
      input(site.id, c.id, { visitorId: c.visitorId }, 'thanks'),
    ]
    const rows = await appendTogether(new AppendBatcher(t.s.db), batch)
    expect(rows.map((r) => typeof r?.event_id)).toEqual(['string', 'object', 'string'])
    const queued = await deliveriesOf(site.id, hook.id, 2)
    const stored = (await messages(site.id, c.id)).slice(-3)
    const bodies = queued.map((d) => d.payload)
    expect(bodies).toEqual(
      expect.arrayContaining(
        [
          [stored[0]!, rows[0]!],
          [stored[2]!, rows[2]!],
        ].map(([m, r]) => ({ id: (r as AppendRow).event_id, event: 'message.created', siteId: site.id, createdAt: (m as MessageRow).createdAt.toISOString(), data: { message: toMessage(m as MessageRow) } })),
      ),
    )
    expect(queued.map((d) => d.eventId).sort()).toEqual([rows[0]!.event_id, rows[2]!.event_id].sort())
  })

  it('writes an event for agents’ public messages when a consumer of the server’s own asks (the reply email), not otherwise', async () => {
    const { site, agent, conversations } = await siteWithConversations(2)
    const [c, other] = conversations as [(typeof conversations)[0], (typeof conversations)[0]]
    const ada = { agentId: agent.id, name: 'Ada' }
    const rows = await appendTogether(new AppendBatcher(t.s.db, ['agent']), [
      input(site.id, c.id, ada, 'a note', true),
      input(site.id, c.id, { visitorId: c.visitorId }, 'from the visitor'),
      input(site.id, other.id, ada, 'the reply'),
      input(site.id, c.id, ada, 'and another'),
    ])
    expect(rows.map((r) => typeof r?.event_id)).toEqual(['object', 'object', 'string', 'string'])
    const none = await new AppendBatcher(t.s.db).append(input(site.id, c.id, ada, 'hello'))
    expect(none?.event_id).toBeNull()
  })
})

/** The webhook's deliveries once the dispatcher has made `n` of them (the server's own dispatcher). */
async function deliveriesOf(siteId: string, webhookId: string, n: number) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const rows = await t.s.db.inSite(siteId, (tx) => tx.webhookDelivery.findMany({ where: { webhookId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
    if (rows.length >= n || Date.now() > deadline) {
      expect(rows).toHaveLength(n)
      return rows
    }
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('a message alone (a batch of one)', () => {
  /**
   * A site with a message.created webhook and three conversations (the first visitor left an
   * address, the third conversation is resolved), and another site's conversation; the sends
   * cover both senders, a private note, each refusal, and the events of a webhook and of the reply email.
   */
  async function scenario() {
    const { site, agent, conversations } = await siteWithConversations(3)
    const [a, b, resolved] = conversations as [(typeof conversations)[0], (typeof conversations)[0], (typeof conversations)[0]]
    const other = await siteWithConversations(1)
    await t.s.db.inSite(site.id, async (tx) => {
      await tx.conversation.update({ where: { id: resolved.id }, data: { status: 'resolved' } })
      await tx.visitor.update({ where: { id: a.visitorId }, data: { email: 'ada@example.test', name: 'Vera' } })
      await tx.webhook.create({ data: { siteId: site.id, url: 'http://127.0.0.1:9/hook', events: ['message.created'], secret: 'x'.repeat(32) } })
    })
    const ada = { agentId: agent.id, name: 'Ada' }
    const sends = [
      input(site.id, a.id, { visitorId: a.visitorId }, 'one'),
      input(site.id, b.id, ada, 'two'),
      input(site.id, a.id, ada, 'a note', true),
      input(site.id, a.id, ada, 'three'),
      input(site.id, b.id, { visitorId: a.visitorId }, 'not yours'),
      input(site.id, other.conversations[0]!.id, ada, 'wrong site'),
      input(site.id, resolved.id, ada, 'too late'),
      input(site.id, b.id, { visitorId: b.visitorId }, 'four'),
    ]
    return { site, conversations: [a, b, resolved, other.conversations[0]!], sites: [site.id, site.id, site.id, other.site.id], sends }
  }

  /** What the sends left behind, relative to where each conversation started. */
  async function outcome(s: Awaited<ReturnType<typeof scenario>>, rows: (AppendRow | null)[]) {
    const convs = await Promise.all(s.conversations.map((c, i) => conversationRow(s.sites[i]!, c.id)))
    const base = new Map(s.conversations.map((c) => [c.id, c.lastSeq]))
    const conversationOf = (i: number) => s.sends[i]!.conversationId
    const counters = convs.map((c) => {
      const from = base.get(c.id)!
      const rel = (n: number) => n - from
      return {
        seq: rel(c.lastSeq),
        publicSeq: rel(c.lastPublicSeq),
        visitorRead: rel(c.visitorReadSeq),
        visitorDelivered: rel(c.visitorDeliveredSeq),
        agentRead: rel(c.agentReadSeq),
        agentDelivered: rel(c.agentDeliveredSeq),
        firstResponse: c.firstResponseAt?.toISOString() ?? null,
        lastMessage: c.lastMessageAt?.toISOString() ?? null,
        lastActivity: c.lastActivityAt.toISOString(),
        status: c.status,
      }
    })
    const stored = (await Promise.all(s.conversations.map((c, i) => messages(s.sites[i]!, c.id)))).map((list, i) =>
      list.filter((m) => m.seq > s.conversations[i]!.lastSeq).map((m) => [m.seq - s.conversations[i]!.lastSeq, m.content, m.senderName, m.isPrivate]),
    )
    const hook = await t.s.db.inSite(s.site.id, (tx) => tx.webhook.findFirstOrThrow({ where: { siteId: s.site.id } }))
    const hooks = await deliveriesOf(s.site.id, hook.id, rows.filter((r) => r?.event_id).length)
    const messagesById = new Map(
      (await Promise.all(s.conversations.slice(0, 2).map((c) => messages(s.site.id, c.id)))).flat().map((m) => [m.id, m]),
    )
    const bodies = hooks.map((h) => {
      const body = h.payload as { data: { message: { id: string } } }
      expect(body).toEqual({ id: h.eventId, event: 'message.created', siteId: s.site.id, createdAt: messagesById.get(body.data.message.id)!.createdAt.toISOString(), data: { message: toMessage(messagesById.get(body.data.message.id)!) } })
      return (messagesById.get(body.data.message.id)!.content)
    })
    return {
      rows: rows.map((r, i) => r && { seq: r.seq - base.get(conversationOf(i))!, senderName: r.sender_name, visitor: r.visitor_id === s.conversations.find((c) => c.id === conversationOf(i))!.visitorId, event: r.event_id !== null }),
      counters,
      stored,
      hooked: bodies.sort(),
    }
  }

  it('stores a message sent alone with the same effects as the same sends in one batch', async () => {
    const together = await scenario()
    const batched = await outcome(together, await appendTogether(new AppendBatcher(t.s.db, ['agent']), together.sends))

    // One at a time: each is a batch of one.
    const alone = await scenario()
    const used: string[] = []
    const query = t.s.db.direct.query.bind(t.s.db.direct)
    const db = { ...t.s.db, direct: { query: <T>(sql: string, args: unknown[]) => (used.push(sql), query<T>(sql, args)) } }
    const batcher = new AppendBatcher(db, ['agent'])
    const rows = []
    for (const send of alone.sends) rows.push(await batcher.append(send))
    expect(used).toHaveLength(alone.sends.length)
    expect(used.every((sql) => sql.includes('mod_chat_append_messages('))).toBe(true)
    const single = await outcome(alone, rows)

    // The timestamps differ between the two runs; their places do not.
    const shape = (o: typeof single, sends: AppendInput[]) => {
      const when = new Map(sends.map((send, i) => [send.createdAt.toISOString(), i]))
      const place = (at: string | null) => (at === null ? null : (when.get(at) ?? 'before'))
      return { ...o, counters: o.counters.map((c) => ({ ...c, firstResponse: place(c.firstResponse), lastMessage: place(c.lastMessage), lastActivity: place(c.lastActivity) })) }
    }
    expect(shape(single, alone.sends)).toEqual(shape(batched, together.sends))
    expect(single.rows.map((r) => r?.seq ?? null)).toEqual([1, 1, 2, 3, null, null, null, 2])
    expect(single.rows[0]).toMatchObject({ senderName: 'Vera', event: true })
    expect(single.rows[2]).toMatchObject({ event: false })
    expect(single.hooked).toEqual(['four', 'one', 'three', 'two'])
  })

  it('a resend alone is left to the general path, and nothing of it is written', async () => {
    const { site, conversations } = await siteWithConversations(1)
    const c = conversations[0]!
    const batcher = new AppendBatcher(t.s.db)
    const first = input(site.id, c.id, { visitorId: c.visitorId }, 'first')
    expect((await batcher.append(first))?.seq).toBe(c.lastSeq + 1)
    expect(await batcher.append({ ...first, id: crypto.randomUUID(), text: 'again' })).toBeNull()
    expect((await conversationRow(site.id, c.id)).lastSeq).toBe(c.lastSeq + 1)
    expect((await messages(site.id, c.id)).slice(-1).map((m) => m.content)).toEqual(['first'])
  })
})
