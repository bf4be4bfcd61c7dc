// Rich messages: buttons, cards and choices sent by agents (socket, REST) and by a bot (an API
// key); the visitor's answer to a choice stored exactly once, however often and however
// concurrently it is asked for; bad content refused before anything is written.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Ack, Message, RichContent } from '@live-chat/protocol'
import { ask, connectRaw, rawSocket, serverPerFile, waitFor } from '../helpers.js'
import { apiKey, bearer } from '../api-keys/fixtures.js'

const t = serverPerFile()
const cid = () => `c-${crypto.randomBytes(6).toString('hex')}`

const CHOICE: RichContent = { kind: 'choice', options: [{ id: 'yes', label: 'Yes please' }, { id: 'no', label: 'No thanks' }] }

/** A site, an agent (SDK, connected) and a visitor (SDK) with a started conversation. */
async function chat() {
  const site = await t.s.fx.site()
  const a = await t.s.fx.agent(site.id, { name: 'Ada' })
  const agent = t.track(new AgentClient({ url: t.s.url, token: a.token }))
  await agent.connect(site.id)
  const visitor = t.track(new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' }))
  const { conversation } = await visitor.startConversation({ message: 'Hi' })
  return { site, a, agent, visitor, conversationId: conversation.id }
}

const answers = (siteId: string, conversationId: string, messageId: string) =>
  t.s.db.inSite(siteId, (tx) => tx.message.findMany({ where: { conversationId, metadata: { path: ['answer', 'messageId'], equals: messageId } } }))

describe('sending rich content', () => {
  it('an agent sends buttons, a card and a choice; the visitor receives each typed, with its text as the fallback', async () => {
    const { agent, visitor, conversationId } = await chat()
    const kinds: RichContent[] = [
      { kind: 'buttons', buttons: [{ type: 'reply', label: 'Pricing', value: 'Tell me about pricing' }, { type: 'link', label: 'Docs', url: 'https://example.com/docs' }] },
      { kind: 'card', title: 'Pro plan', text: '10 seats', imageUrl: 'https://example.com/pro.png', imageAlt: 'The Pro plan', buttons: [{ type: 'link', label: 'Buy', url: 'https://example.com/buy' }] },
      CHOICE,
    ]
    for (const content of kinds) {
      const got = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.content?.kind === content.kind)
      const sent = await agent.send(conversationId, content.kind === 'card' ? '' : `About ${content.kind}`, { content })
      expect(sent).toMatchObject({ senderType: 'agent', content, answer: null })
      expect(await got).toMatchObject({ id: sent.id, content })
    }
    // A later page (REST/sync) maps them from the stored rows the same way.
    const page = (await visitor.messages(conversationId, { after: 0 })).messages
    expect(page.filter((m) => m.content).map((m) => m.content)).toEqual(kinds)
  })

  it('refuses bad content with invalid_payload and stores nothing: http links, javascript: URLs, too many buttons, duplicate option ids, one option', async () => {
    const { site, a, conversationId } = await chat()
    const before = await t.s.db.inSite(site.id, (tx) => tx.message.count({ where: { conversationId } }))
    const bad: unknown[] = [
      { kind: 'buttons', buttons: [{ type: 'link', label: 'Go', url: 'http://example.com' }] },
      { kind: 'buttons', buttons: [{ type: 'link', label: 'Go', url: 'javascript:alert(1)' }] },
      { kind: 'card', title: 'x', imageUrl: 'data:image/png;base64,AAAA' },
      { kind: 'buttons', buttons: Array.from({ length: 11 }, (_, i) => ({ type: 'reply', label: `B${i}` })) },
      { kind: 'buttons', buttons: [{ type: 'reply', label: 'x'.repeat(81) }] },
      { kind: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] },
      { kind: 'choice', options: [{ id: 'a', label: 'A' }] },
      { kind: 'carousel', items: [] },
    ]
    const socket = t.track(rawSocket(t.s.url, '/agent', { token: a.token, siteId: site.id }))
    await connectRaw(socket)
    for (const content of bad) {
      const ack = await ask<Ack<Message>>(socket, 'message:send', { conversationId, clientId: cid(), content })
      expect(ack, JSON.stringify(content)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
      const res = await request(t.s.url).post(`/api/sites/${site.id}/conversations/${conversationId}/messages`).set(bearer(a.token)).send({ clientId: cid(), content })
      expect(res.status).toBe(400)
    }
    expect(await t.s.db.inSite(site.id, (tx) => tx.message.count({ where: { conversationId } }))).toBe(before)
  })

  it('an API key sends as a bot: sender type bot, its name, no agent needed; an agent token may not', async () => {
    const { site, a, visitor, conversationId } = await chat()
    const key = await apiKey(t.s, site.agencyId, { siteId: site.id, scopes: ['messages:write'] })
    const got = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.senderType === 'bot')
    const post = (token: string, body: object) => request(t.s.url).post(`/api/sites/${site.id}/conversations/${conversationId}/messages`).set(bearer(token)).send(body)
    const res = await post(key.secret, { clientId: cid(), text: 'Pick one', content: CHOICE, bot: { name: 'Helper' } })
    expect(res.status, res.text).toBe(201)
    expect(res.body).toMatchObject({ senderType: 'bot', senderName: 'Helper', senderId: key.id, content: CHOICE, text: 'Pick one' })
    expect(await got).toMatchObject({ id: (res.body as Message).id, senderType: 'bot' })
    // The visitor answers the bot's choice like an agent's.
    const answer = await visitor.choose(conversationId, (res.body as Message).id, 'no')
    expect(answer).toMatchObject({ senderType: 'visitor', text: 'No thanks', answer: { messageId: (res.body as Message).id, optionId: 'no' } })
    // An agent is themselves, never a bot.
    expect((await post(a.token, { clientId: cid(), text: 'x', bot: { name: 'Fake' } })).body).toMatchObject({ error: { code: 'forbidden' } })
    // A key names an agent or a bot, not both.
    expect((await post(key.secret, { clientId: cid(), text: 'x', bot: { name: 'B' }, agentId: a.id })).status).toBe(400)
  })
})

describe('message:choose', () => {
  it('stores the answer once: concurrent chooses, a second click with another option and a new socket all get the same message', async () => {
    const { site, agent, visitor, conversationId } = await chat()
    const question = await agent.send(conversationId, 'Did that help?', { content: CHOICE })
    const agentSees = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.answer?.messageId === question.id)
    const socket = t.track(rawSocket(t.s.url, '/visitor', { token: visitor.token }))
    const other = t.track(rawSocket(t.s.url, '/visitor', { token: visitor.token }))
    await Promise.all([connectRaw(socket), connectRaw(other)])
    const input = { conversationId, messageId: question.id, optionId: 'yes' }
    // Two tabs, several clicks each, at once.
    const acks = await Promise.all([
      ...[1, 2, 3].map(() => ask<Ack<Message>>(socket, 'message:choose', input)),
      ...[1, 2, 3].map(() => ask<Ack<Message>>(other, 'message:choose', input)),
    ])
    const first = acks[0]!
    expect(first).toMatchObject({ ok: true, data: { senderType: 'visitor', text: 'Yes please', answer: { messageId: question.id, optionId: 'yes' } } })
    for (const ack of acks) expect(ack).toEqual(first)
    // Changing one's mind later is not a second answer: the stored one comes back.
    const late = await visitor.choose(conversationId, question.id, 'no')
    expect(late).toEqual(first.ok ? first.data : null)
    expect(await answers(site.id, conversationId, question.id)).toHaveLength(1)
    expect(await agentSees).toMatchObject({ text: 'Yes please', answer: { optionId: 'yes' } })
  })

  it('refuses with a clear code and writes nothing: no such option, a message that is no choice, a private note, unknown ids', async () => {
    const { site, agent, visitor, conversationId } = await chat()
    const question = await agent.send(conversationId, 'Which?', { content: CHOICE })
    const plain = await agent.send(conversationId, 'Just text')
    const note = await agent.send(conversationId, 'secret', { content: CHOICE, private: true })
    const socket = t.track(rawSocket(t.s.url, '/visitor', { token: visitor.token }))
    await connectRaw(socket)
    const choose = (input: object) => ask<Ack<Message>>(socket, 'message:choose', { conversationId, ...input })
    const count = () => t.s.db.inSite(site.id, (tx) => tx.message.count({ where: { conversationId } }))
    const before = await count()
    expect(await choose({ messageId: question.id, optionId: 'maybe' })).toMatchObject({ ok: false, error: { code: 'invalid_payload', details: [{ path: 'optionId' }] } })
    expect(await choose({ messageId: plain.id, optionId: 'yes' })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    expect(await choose({ messageId: note.id, optionId: 'yes' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await choose({ messageId: crypto.randomUUID(), optionId: 'yes' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await choose({ messageId: question.id, optionId: 'bad id!' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
    expect(await count()).toBe(before)
    // After the refusals the real answer still goes in.
    expect(await choose({ messageId: question.id, optionId: 'no' })).toMatchObject({ ok: true, data: { text: 'No thanks' } })
  })

  it("a visitor cannot answer another visitor's choice, nor a choice of another site", async () => {
    const one = await chat()
    const two = await chat()
    const question = await one.agent.send(one.conversationId, 'Which?', { content: CHOICE })
    const socket = t.track(rawSocket(t.s.url, '/visitor', { token: two.visitor.token }))
    await connectRaw(socket)
    // Their own conversation id with the other's message, and the other's conversation id.
    for (const conversationId of [two.conversationId, one.conversationId]) {
      const ack = await ask<Ack<Message>>(socket, 'message:choose', { conversationId, messageId: question.id, optionId: 'yes' })
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } })
    }
    expect(await answers(one.site.id, one.conversationId, question.id)).toHaveLength(0)
    expect(await answers(two.site.id, two.conversationId, question.id)).toHaveLength(0)
  })
})
