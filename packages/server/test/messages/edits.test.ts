// Edit and unsend: one's own message, within the site's window; every client gets each change
// once (live, in its own ack, or through the sync after a reconnect); the history stays for
// agents; an unsent message leaves search, transcripts and the upload server.
import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient, type LiveChatError } from '@live-chat/sdk'
import type { Ack, Message, MessagePage, Page, ConversationSummary } from '@live-chat/protocol'
import { ask, connectRaw, eventually, rawSocket, serverPerFile, waitFor } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'
import { receiver } from '../webhooks/receivers.js'

// The webhook receiver listens on 127.0.0.1, a private address webhooks may not reach unless allowed.
// A database of its own: its webhooks go to a local receiver, which only this server may reach.
const t = serverPerFile({ ownDatabase: 'live_chat_edits', webhooks: { allowedNetworks: ['127.0.0.1/32'] } })

/** A site, an agent (SDK, connected) and a visitor (SDK) with a started conversation and its first message. */
async function chat(first = 'Hello there') {
  const site = await t.s.fx.site()
  const a = await t.s.fx.agent(site.id, { name: 'Ada' })
  const agent = t.track(new AgentClient({ url: t.s.url, token: a.token }))
  await agent.connect(site.id)
  const storage = new Map<string, string>()
  const shared = { get: (k: string) => storage.get(k) ?? null, set: (k: string, v: string) => void storage.set(k, v), remove: (k: string) => void storage.delete(k) }
  const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: shared }))
  const { conversation, messages } = await visitor.startConversation({ message: first })
  const conversationId = conversation.id
  await agent.messages(conversationId)
  return { site, a, agent, visitor, conversationId, first: messages[0]!, storage: shared }
}

/** Every `message:updated` a client emits, by message id. */
function updates(client: { on(e: 'message:updated', fn: (m: Message) => void): () => void }) {
  const seen: Message[] = []
  client.on('message:updated', (m) => seen.push(m))
  return { of: (id: string) => seen.filter((m) => m.id === id), all: seen }
}

const failure = (p: Promise<unknown>) => p.then(
  () => expect.fail('should have been refused'),
  (e: LiveChatError) => e.code,
)

const json = async <T>(path: string, token: string) => {
  const r = await fetch(`${t.s.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: r.status, body: (r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text()) as T }
}

describe('editing and unsending', () => {
  it('a visitor edits their message: both sides get the new text once, with editedAt; agents read the earlier text', async () => {
    const { site, agent, visitor, first } = await chat('I ned help')
    const seenByAgent = updates(agent)
    const seenByVisitor = updates(visitor)
    const agentGot = waitFor<Message>((fn) => agent.on('message:updated', fn))
    const edited = await visitor.editMessage(first.conversationId, first.id, 'I need help')
    expect(edited).toMatchObject({ id: first.id, text: 'I need help', deletedAt: null })
    expect(edited.editedAt).not.toBeNull()
    expect(edited.rev).toBeGreaterThan(0)
    expect(await agentGot).toMatchObject({ id: first.id, text: 'I need help' })
    expect(visitor.getMessages(first.conversationId).find((m) => m.id === first.id)?.text).toBe('I need help')
    expect(await agent.messageHistory(first.conversationId, first.id)).toMatchObject([{ text: 'I ned help', editorType: 'visitor' }])
    // The visitor's own live copy (sent to all its sockets) is a repeat of its ack: dropped. A sync drops it too.
    agent.disconnect()
    await agent.connect(site.id)
    const marker = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'marker')
    await agent.send(first.conversationId, 'marker')
    await marker
    expect(seenByVisitor.of(first.id)).toHaveLength(1)
    expect(seenByAgent.of(first.id)).toHaveLength(1)
  })

  it('an agent unsends a message while the visitor is away: the visitor gets the removal once, on reconnect', async () => {
    const { agent, visitor, conversationId } = await chat()
    const reply = await agent.send(conversationId, 'A secret discount code: ZEBRA42')
    await eventually(() => visitor.getMessages(conversationId).some((m) => m.id === reply.id), 5_000, 'visitor has the reply')
    const seen = updates(visitor)
    visitor.disconnect()
    const removed = await agent.unsendMessage(conversationId, reply.id)
    expect(removed).toMatchObject({ id: reply.id, text: null, attachments: [], content: null })
    expect(removed.deletedAt).not.toBeNull()
    // A second change while away (an edit of another message): both arrive, each once.
    const second = await agent.send(conversationId, 'Typo hre')
    await agent.editMessage(conversationId, second.id, 'Typo here')
    const back = waitFor<Message>((fn) => visitor.on('message:updated', fn), (m) => m.id === reply.id)
    await visitor.connect()
    expect(await back).toMatchObject({ text: null })
    await eventually(() => visitor.getMessages(conversationId).find((m) => m.id === second.id)?.text === 'Typo here', 5_000, 'edited text')
    // Away and back again: nothing is applied twice.
    visitor.disconnect()
    await agent.send(conversationId, 'marker')
    const marker = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'marker')
    await visitor.connect()
    await marker
    expect(seen.of(reply.id)).toHaveLength(1)
    // The edit of `second` came with the message itself (sent while away): it is new, not an update.
    expect(seen.of(second.id)).toHaveLength(0)
    expect(visitor.getMessages(conversationId).find((m) => m.id === reply.id)).toMatchObject({ text: null })
  })

  it('two clients of the visitor (two tabs) and an agent each get an edit exactly once', async () => {
    const { site, agent, visitor, conversationId, first, storage } = await chat()
    // The second tab resumes the same session from the shared storage, as a second tab does.
    const tab2 = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage }))
    await tab2.connect()
    await eventually(() => tab2.connected && tab2.getMessages(conversationId).length > 0, 5_000, 'second tab synced')
    const a = updates(agent)
    const v = updates(visitor)
    const v2 = updates(tab2)
    const reply = await agent.send(conversationId, 'Helo')
    await eventually(() => visitor.getMessages(conversationId).some((m) => m.id === reply.id))
    const got = waitFor<Message>((fn) => visitor.on('message:updated', fn))
    await agent.editMessage(conversationId, reply.id, 'Hello')
    await got
    const marker = waitFor<Message>((fn) => tab2.on('message', fn), (m) => m.text === 'marker')
    await agent.send(conversationId, 'marker')
    await marker
    expect(a.of(reply.id)).toHaveLength(1)
    expect(v.of(reply.id)).toHaveLength(1)
    expect(v2.of(reply.id)).toHaveLength(1)
    expect(tab2.getMessages(conversationId).find((m) => m.id === reply.id)?.text).toBe('Hello')
    expect(first.rev).toBe(0)
  })

  it('refuses another sender’s message (not_yours), system lines, unknown ids (not_found) and bad input (invalid_payload)', async () => {
    const { site, agent, visitor, conversationId, first } = await chat()
    const reply = await agent.send(conversationId, 'Agent text')
    await eventually(() => visitor.getMessages(conversationId).some((m) => m.id === reply.id))
    expect(await failure(visitor.editMessage(conversationId, reply.id, 'hijack'))).toBe('not_yours')
    expect(await failure(agent.unsendMessage(first.conversationId, first.id))).toBe('not_yours')
    const b = await t.s.fx.agent(site.id, { name: 'Bob' })
    const bob = t.track(new AgentClient({ url: t.s.url, token: b.token }))
    await bob.connect(site.id)
    await bob.messages(conversationId)
    expect(await failure(bob.editMessage(conversationId, reply.id, 'not mine'))).toBe('not_yours')
    // Raw commands: an unknown message, a message of another conversation, empty text, no text.
    const socket = await connectRaw(rawSocket(t.s.url, '/agent', { token: (await t.s.fx.agent(site.id)).token, siteId: site.id }))
    try {
      const unknown = await ask<Ack<Message>>(socket, 'message:edit', { conversationId, messageId: crypto.randomUUID(), text: 'x' })
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
      for (const bad of [{ conversationId, messageId: reply.id, text: '   ' }, { conversationId, messageId: reply.id }, { conversationId, messageId: 'nope', text: 'x' }, 'junk']) {
        expect(await ask<Ack<Message>>(socket, 'message:edit', bad)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
      }
    } finally {
      socket.disconnect()
    }
    // An unsent message cannot be edited; unsending again answers the placeholder.
    await agent.unsendMessage(conversationId, reply.id)
    expect(await failure(agent.editMessage(conversationId, reply.id, 'back'))).toBe('invalid_state')
    expect(await agent.unsendMessage(conversationId, reply.id)).toMatchObject({ id: reply.id, text: null })
  })

  it('only within the site’s window, measured from the message’s createdAt; 0 turns editing off', async () => {
    const { site, visitor, conversationId, first } = await chat()
    const admin = await t.s.fx.agent(site.id, { role: 'admin' })
    // Ten minutes old: inside the default 15-minute window.
    await t.s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_messages SET created_at = now() - interval '10 minutes' WHERE id = ${first.id}::uuid`)
    await visitor.editMessage(first.conversationId, first.id, 'Edited at ten minutes')
    await t.s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_messages SET created_at = now() - interval '16 minutes' WHERE id = ${first.id}::uuid`)
    expect(await failure(visitor.editMessage(first.conversationId, first.id, 'Too late'))).toBe('edit_window_passed')
    expect(await failure(visitor.unsendMessage(first.conversationId, first.id))).toBe('edit_window_passed')
    // The admin widens it to an hour (and the widget's config says so), then turns it off.
    const put = async (editWindowSeconds: unknown) =>
      fetch(`${t.s.url}/api/sites/${site.id}/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ widget: { editWindowSeconds } }),
      })
    expect((await put(3600)).status).toBe(200)
    expect((await json<{ editWindowSeconds: number }>(`/api/sites/${site.id}/widget`, '')).body.editWindowSeconds).toBe(3600)
    await visitor.unsendMessage(first.conversationId, first.id)
    const next = await visitor.send(conversationId, 'Fresh')
    expect((await put(0)).status).toBe(200)
    expect(await failure(visitor.editMessage(conversationId, next.id, 'Off'))).toBe('edit_window_passed')
    expect((await put(-1)).status).toBe(400)
    expect((await put(1.5)).status).toBe(400)
  })
})

describe('an unsent message is gone', () => {
  it('from search, the transcripts, the edit history and the upload server', async () => {
    const { site, a, agent, visitor, conversationId } = await chat('Hello')
    const file = await visitor.upload(new Blob([SAMPLES.png], { type: 'image/png' }), { name: 'card.png' })
    const secret = await visitor.send(conversationId, 'my card number is zanzibarquux', { attachments: [file] })
    expect((await fetch(new URL(secret.attachments[0]!.url, t.s.url))).status).toBe(200)
    await visitor.editMessage(conversationId, secret.id, 'my card number is xylophonequux')
    await eventually(() => agent.getMessages(conversationId).some((m) => m.id === secret.id))
    const search = async (q: string) => (await json<Page<ConversationSummary>>(`/api/sites/${site.id}/conversations?q=${q}`, a.token)).body.items.map((c) => c.id)
    expect(await search('xylophonequux')).toContain(conversationId)
    expect(await agent.messageHistory(conversationId, secret.id)).toHaveLength(1)

    await visitor.unsendMessage(conversationId, secret.id)
    expect(await search('xylophonequux')).not.toContain(conversationId)
    expect(await search('zanzibarquux')).not.toContain(conversationId)
    for (const format of ['txt', 'csv', 'json']) {
      const { status, body } = await json<unknown>(`/api/sites/${site.id}/conversations/${conversationId}/transcript?format=${format}`, a.token)
      expect(status).toBe(200)
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      expect(text).not.toMatch(/xylophone|zanzibar|card\.png/)
      expect(text).toContain('Hello')
    }
    const { body: txt } = await json<string>(`/api/sites/${site.id}/conversations/${conversationId}/transcript?format=txt`, a.token)
    expect(txt).toContain('(message removed)')
    expect(await t.s.db.inSite(site.id, (tx) => tx.messageEdit.count({ where: { messageId: secret.id } }))).toBe(0)
    expect((await fetch(new URL(secret.attachments[0]!.url, t.s.url))).status).toBe(404)
    // A page (what a reload shows) has the placeholder, not the text.
    const page = await visitor.messages(conversationId)
    expect(page.messages.find((m) => m.id === secret.id)).toMatchObject({ text: null, attachments: [], editedAt: null, deletedAt: expect.any(String) })
  })

  it('a sync with afterRev answers the changes after it, private notes to agents only', async () => {
    const { site, a, agent, visitor, conversationId } = await chat()
    const note = await agent.send(conversationId, 'internal', { private: true })
    const pub = await agent.send(conversationId, 'public')
    await agent.editMessage(conversationId, note.id, 'internal, edited')
    await agent.editMessage(conversationId, pub.id, 'public, edited')
    const visitorSocket = await connectRaw(rawSocket(t.s.url, '/visitor', { token: visitor.token }))
    const agentSocket = await connectRaw(rawSocket(t.s.url, '/agent', { token: a.token, siteId: site.id }))
    try {
      const v = await ask<Ack<MessagePage>>(visitorSocket, 'messages:sync', { conversationId, afterSeq: 100, afterRev: 0 })
      const g = await ask<Ack<MessagePage>>(agentSocket, 'messages:sync', { conversationId, afterSeq: 100, afterRev: 0 })
      if (!v.ok || !g.ok) throw new Error('sync failed')
      expect(v.data.changes?.map((m) => m.text)).toEqual(['public, edited'])
      expect(g.data.changes?.map((m) => m.text)).toEqual(['internal, edited', 'public, edited'])
      expect(v.data.rev).toBe(2)
      const after = await ask<Ack<MessagePage>>(agentSocket, 'messages:sync', { conversationId, afterSeq: 100, afterRev: 1 })
      expect(after.ok && after.data.changes?.map((m) => m.id)).toEqual([pub.id])
    } finally {
      visitorSocket.disconnect()
      agentSocket.disconnect()
    }
  })
})

describe('webhooks', () => {
  /** An admin's client on the site, and a webhook to a local receiver for `events`. */
  async function hook(siteId: string, events: ('message.created' | 'message.updated' | 'message.deleted' | 'conversation.created')[], answer = 200) {
    const admin = await t.s.fx.agent(siteId, { role: 'admin' })
    const client = t.track(new AgentClient({ url: t.s.url, token: admin.token }))
    await client.connect(siteId)
    const rx = await receiver()
    rx.box.answer = () => answer
    const webhook = await client.webhooks.create({ url: rx.url, events })
    const bodies = () => rx.got.map((r) => JSON.parse(r.body) as { event: string; siteId: string; data: { message: Message; conversation?: ConversationSummary } })
    return { client, rx, webhook, bodies }
  }

  it('message.updated and message.deleted carry the message as stored; private notes never; a repeated unsend is no second event', async () => {
    const { site, agent, visitor, first, conversationId } = await chat('Where is my ordr?')
    const { rx, bodies } = await hook(site.id, ['message.updated', 'message.deleted'])
    try {
      const note = await agent.send(conversationId, 'Check the courier', { private: true })
      await agent.editMessage(conversationId, note.id, 'Check the courier first')
      await visitor.editMessage(conversationId, first.id, 'Where is my order?')
      const reply = await agent.send(conversationId, 'On its way!')
      await agent.unsendMessage(conversationId, reply.id)
      await agent.unsendMessage(conversationId, note.id)
      await eventually(() => bodies().length >= 2, 10_000, 'two webhook deliveries')
      // (Deliveries to one receiver may overlap: their order is not promised.)
      expect(bodies().map((b) => b.event).sort()).toEqual(['message.deleted', 'message.updated'])
      const edit = bodies().find((b) => b.event === 'message.updated')
      const removal = bodies().find((b) => b.event === 'message.deleted')
      expect(edit).toMatchObject({ event: 'message.updated', siteId: site.id, data: { message: { id: first.id, text: 'Where is my order?', deletedAt: null } } })
      expect(edit!.data.message.editedAt).not.toBeNull()
      expect(removal).toMatchObject({ event: 'message.deleted', data: { message: { id: reply.id, text: null, attachments: [] } } })
      expect(removal!.data.message.deletedAt).not.toBeNull()
      await agent.unsendMessage(conversationId, reply.id)
      await new Promise((r) => setTimeout(r, 500))
      expect(bodies()).toHaveLength(2)
    } finally {
      await rx.close()
    }
  })

  it('after an unsend, the delivery log, retries and redeliveries no longer hold what it said', async () => {
    const site = await t.s.fx.site()
    // The receiver is down: every delivery waits for a retry, its body in the log.
    const { client, rx, webhook } = await hook(site.id, ['conversation.created', 'message.created', 'message.updated'], 503)
    try {
      const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
      const { conversation, messages } = await visitor.startConversation({ message: 'my card is 4111 1111' })
      const first = messages[0]!
      await visitor.editMessage(conversation.id, first.id, 'my card is 4111 1111 1111 1111')
      // The subject, taken from the first message, follows its edit.
      expect((await client.conversations.get(conversation.id)).subject).toBe('my card is 4111 1111 1111 1111')
      // Each event has its delivery in the log, holding the text (a failing receiver's circuit may
      // hold some of them back from a first try: the log is what retries send).
      await eventually(async () => (await client.webhooks.deliveries(webhook.id)).length === 3, 10_000, 'a delivery of each event in the log')
      expect(JSON.stringify(await client.webhooks.deliveries(webhook.id))).toContain('my card is')
      await visitor.unsendMessage(conversation.id, first.id)
      const log = await client.webhooks.deliveries(webhook.id)
      expect(log.map((d) => d.event).sort()).toEqual(['conversation.created', 'message.created', 'message.updated'])
      // (by its words: a random id may hold the digits)
      expect(JSON.stringify(log)).not.toContain('my card is')
      const created = log.find((d) => d.event === 'conversation.created')!.payload as { data: { conversation: ConversationSummary } }
      expect(created.data.conversation.lastMessage).toMatchObject({ seq: first.seq, text: null, deleted: true })
      expect(created.data.conversation.subject).toBeNull()
      // Nor does the conversation keep it as its subject (which search reads).
      expect((await client.conversations.get(conversation.id)).subject).toBeNull()
      expect((await client.conversations.list({ q: '4111' })).items).toEqual([])
      // A redelivery sends the message as it is now.
      rx.box.answer = () => 200
      const before = rx.got.length
      await client.webhooks.redeliver(webhook.id, log.find((d) => d.event === 'message.created')!.id)
      const resends = () => rx.got.slice(before).map((r) => JSON.parse(r.body) as { event: string; data: { message: Message } }).filter((b) => b.event === 'message.created')
      await eventually(() => resends().length > 0, 10_000, 'the redelivery')
      const resent = resends()[0]!
      expect(resent).toMatchObject({ event: 'message.created', data: { message: { id: first.id, text: null } } })
      expect(resent.data.message.deletedAt).not.toBeNull()
    } finally {
      await rx.close()
    }
  })
})
