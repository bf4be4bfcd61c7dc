// Sending uploads in messages: only the sender's own uploads of the same site, each in one
// message, attached in the message's transaction (nothing half-written), idempotent on clientId,
// and through the SDK from Node.
import request from 'supertest'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Ack, Message, StartedConversation, UploadedFile } from '@live-chat/protocol'
import { ask, connectRaw, eventually, rawSocket, serverPerFile, waitFor, type AgentFixture, type SiteFixture } from '../helpers.js'
import { SAMPLES } from './samples.js'

const t = serverPerFile()

interface Visitor {
  token: string
  socket: Socket
  conversationId: string
}

async function visitorIn(site: SiteFixture, key = crypto.randomUUID()): Promise<Visitor> {
  const { token } = await t.s.fx.visitorSession(site.id)
  const socket = await connectRaw(rawSocket(t.s.url, '/visitor', { token }))
  t.track(socket)
  const started = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: key })
  if (!started.ok) throw new Error(started.error.message)
  return { token, socket, conversationId: started.data.conversation.id }
}

async function upload(token: string, file: Buffer, name: string, path = '/api/visitor/uploads'): Promise<UploadedFile> {
  const res = await request(t.s.url).post(path).set('Authorization', `Bearer ${token}`).attach('file', file, name)
  expect(res.status).toBe(201)
  return res.body as UploadedFile
}

const state = (siteId: string, conversationId: string) =>
  t.s.db.inSite(siteId, async (tx) => ({
    lastSeq: (await tx.conversation.findUniqueOrThrow({ where: { id: conversationId } })).lastSeq,
    messages: await tx.message.count({ where: { conversationId } }),
    attached: await tx.upload.count({ where: { messageId: { not: null } } }),
  }))

const send = (v: Visitor, extra: object) => ask<Ack<Message>>(v.socket, 'message:send', { conversationId: v.conversationId, clientId: crypto.randomUUID(), ...extra })

describe('message:send with attachments', () => {
  let site: SiteFixture
  beforeAll(async () => {
    site = await t.s.fx.site()
  })

  it('stores an image-only message as type "image", with the attachments, and marks the uploads attached', async () => {
    const v = await visitorIn(site)
    const a = await upload(v.token, SAMPLES.png, 'one.png')
    const b = await upload(v.token, SAMPLES.webp, 'two.webp')
    const sent = await send(v, { attachments: [a.id, b.id] })
    expect(sent).toMatchObject({ ok: true, data: { type: 'image', text: null, senderType: 'visitor' } })
    const message = (sent as { data: Message }).data
    const { id: _a, ...attachmentA } = a
    const { id: _b, ...attachmentB } = b
    expect(message.attachments).toEqual([attachmentA, attachmentB])
    const rows = await t.s.db.inSite(site.id, (tx) => tx.upload.findMany({ where: { id: { in: [a.id, b.id] } }, select: { messageId: true } }))
    expect(rows).toEqual([{ messageId: message.id }, { messageId: message.id }])
    // The history holds the same.
    const page = await request(t.s.url).get(`/api/visitor/conversations/${v.conversationId}/messages`).set('Authorization', `Bearer ${v.token}`)
    expect((page.body as { messages: Message[] }).messages.at(-1)).toEqual(message)
  })

  it('stores a message with any non-image attachment as type "file", with its text', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.gif, 'x.gif')
    const pdf = await upload(v.token, SAMPLES.pdf, 'x.pdf')
    const sent = await send(v, { text: 'Here is the invoice', attachments: [img.id, pdf.id.toUpperCase()] })
    expect(sent).toMatchObject({ ok: true, data: { type: 'file', text: 'Here is the invoice', attachments: [{ type: 'image/gif' }, { type: 'application/pdf' }] } })
  })

  it('with attachments, takes an empty text as none; without, still refuses it', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.png, 'x.png')
    expect(await send(v, { text: '  ', attachments: [img.id] })).toMatchObject({ ok: true, data: { type: 'image', text: null } })
    for (const payload of [{ text: '  ' }, {}, { attachments: [] }, { text: '', attachments: [] }]) {
      expect(await send(v, payload)).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringContaining('text') } })
    }
  })

  it('refuses bad attachment lists with invalid_payload', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.png, 'x.png')
    const cases = [
      { attachments: [img.id, img.id] },
      { attachments: Array.from({ length: 11 }, () => crypto.randomUUID()) },
      { attachments: ['not-a-uuid'] },
      { attachments: img.id },
      { attachments: [{ id: img.id }] },
    ]
    for (const c of cases) expect(await send(v, { text: 'hi', ...c }), JSON.stringify(c)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
  })

  it('refuses another site’s upload as not found and stores no message', async () => {
    const v = await visitorIn(site)
    const otherSite = await t.s.fx.site()
    const theirs = await upload((await visitorIn(otherSite)).token, SAMPLES.png, 'theirs.png')
    const before = await state(site.id, v.conversationId)
    expect(await send(v, { text: 'look', attachments: [theirs.id] })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining(theirs.id) } })
    expect(await state(site.id, v.conversationId)).toEqual(before)
    const row = await t.s.db.inSite(otherSite.id, (tx) => tx.upload.findUniqueOrThrow({ where: { id: theirs.id } }))
    expect(row.messageId).toBeNull()
  })

  it('refuses another visitor’s or an agent’s upload of the same site as not found, and one of its own next to it stays unattached', async () => {
    const v = await visitorIn(site)
    const other = await visitorIn(site)
    const agent = await t.s.fx.agent(site.id)
    const theirs = await upload(other.token, SAMPLES.png, 'theirs.png')
    const agents = await upload(agent.token, SAMPLES.png, 'agents.png', `/api/sites/${site.id}/uploads`)
    const mine = await upload(v.token, SAMPLES.png, 'mine.png')
    const before = await state(site.id, v.conversationId)
    for (const foreign of [theirs, agents]) {
      expect(await send(v, { attachments: [mine.id, foreign.id] })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    }
    expect(await state(site.id, v.conversationId)).toEqual(before)
    // Still free to use.
    expect(await send(v, { attachments: [mine.id] })).toMatchObject({ ok: true })
  })

  it('refuses an upload already attached to a message with invalid_state, and stores no message', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.png, 'x.png')
    expect(await send(v, { attachments: [img.id] })).toMatchObject({ ok: true })
    const before = await state(site.id, v.conversationId)
    expect(await send(v, { text: 'again', attachments: [img.id] })).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
    expect(await state(site.id, v.conversationId)).toEqual(before)
  })

  it('when two messages race for one upload, exactly one gets it', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.png, 'x.png')
    const results = await Promise.all([send(v, { attachments: [img.id] }), send(v, { attachments: [img.id] })])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'invalid_state' } })
  })

  it('when the same clientId is sent again with its attachments, returns the stored message and stores nothing more', async () => {
    const v = await visitorIn(site)
    const img = await upload(v.token, SAMPLES.png, 'x.png')
    const payload = { conversationId: v.conversationId, clientId: 'resend-with-file-1', text: 'photo', attachments: [img.id] }
    const first = await ask<Ack<Message>>(v.socket, 'message:send', payload)
    expect(first.ok).toBe(true)
    const before = await state(site.id, v.conversationId)
    const again = await ask<Ack<Message>>(v.socket, 'message:send', payload)
    expect(again).toEqual(first)
    expect(await state(site.id, v.conversationId)).toEqual(before)
  })
})

describe('conversation:start with attachments', () => {
  it('stores the first message with its attachments, and refuses a foreign upload with nothing stored', async () => {
    const site = await t.s.fx.site()
    const { token } = await t.s.fx.visitorSession(site.id)
    const socket = await connectRaw(rawSocket(t.s.url, '/visitor', { token }))
    t.track(socket)
    const pdf = await upload(token, SAMPLES.pdf, 'order.pdf')
    const other = await visitorIn(site)
    const theirs = await upload(other.token, SAMPLES.png, 'x.png')
    const conversations = () => t.s.db.inSite(site.id, (tx) => tx.conversation.count())
    const before = await conversations()
    const refused = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: 'start-foreign-1', message: { clientId: 'first-message-1', attachments: [theirs.id] } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await conversations()).toBe(before)

    const started = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: 'start-file-1', message: { clientId: 'first-message-2', attachments: [pdf.id] } })
    expect(started).toMatchObject({ ok: true, data: { messages: [{ seq: 1, type: 'file', text: null, attachments: [{ name: 'order.pdf', type: 'application/pdf' }] }] } })
    // A retried start returns the same.
    const again = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: 'start-file-1', message: { clientId: 'first-message-2', attachments: [pdf.id] } })
    expect(again.ok && again.data.messages).toEqual(started.ok && started.data.messages)
  })
})

describe('POST /api/sites/:siteId/conversations/:id/messages with attachments', () => {
  it('stores the agent’s message with its upload; a resend answers 200 with the same message', async () => {
    const site = await t.s.fx.site()
    const agent: AgentFixture = await t.s.fx.agent(site.id)
    const v = await visitorIn(site)
    const file = await upload(agent.token, SAMPLES.text, 'steps.txt', `/api/sites/${site.id}/uploads`)
    const post = () =>
      request(t.s.url)
        .post(`/api/sites/${site.id}/conversations/${v.conversationId}/messages`)
        .set('Authorization', `Bearer ${agent.token}`)
        .send({ clientId: 'agent-file-0001', attachments: [file.id], private: true })
    const first = await post()
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ type: 'file', private: true, text: null, attachments: [{ name: 'steps.txt', type: 'text/plain' }] })
    const again = await post()
    expect({ status: again.status, body: again.body as unknown }).toEqual({ status: 200, body: first.body })
    // A visitor cannot attach the agent's file, and another agent cannot either.
    const colleague = await t.s.fx.agent(site.id)
    const res = await request(t.s.url)
      .post(`/api/sites/${site.id}/conversations/${v.conversationId}/messages`)
      .set('Authorization', `Bearer ${colleague.token}`)
      .send({ clientId: 'agent-file-0002', attachments: [(await upload(agent.token, SAMPLES.png, 'a.png', `/api/sites/${site.id}/uploads`)).id] })
    expect({ status: res.status, code: (res.body as { error: { code: string } }).error.code }).toEqual({ status: 404, code: 'not_found' })
  })
})

describe('the SDK', () => {
  it('a visitor uploads from Node and sends it; the agent receives it and uploads and sends one back', async () => {
    const site = await t.s.fx.site()
    const ada = await t.s.fx.agent(site.id, { name: 'Ada' })
    const agent = new AgentClient({ url: t.s.url, token: ada.token })
    const visitor = new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })
    t.track(agent)
    t.track(visitor)
    await agent.connect(site.id)
    await eventually(async () => (await visitor.connect(), visitor.config?.online), 5_000, 'the site to be online')
    expect(visitor.config?.upload.types).toContain('image/png')

    const progress: [number, number][] = []
    const uploaded = await visitor.upload(new Blob([SAMPLES.png], { type: 'text/html' }), { name: 'screen.png', onProgress: (l, t) => progress.push([l, t]) })
    expect(uploaded).toMatchObject({ name: 'screen.png', type: 'image/png', size: SAMPLES.png.length })
    expect(progress.at(-1)).toEqual([SAMPLES.png.length, SAMPLES.png.length])

    const agentGets = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.attachments.length > 0 && m.senderType === 'visitor')
    const { conversation, messages } = await visitor.startConversation({ message: 'Hello', attachments: [uploaded] })
    expect(messages[0]).toMatchObject({ type: 'image', text: 'Hello', attachments: [{ name: 'screen.png' }] })
    expect((await agentGets).id).toBe(messages[0]!.id)

    const second = await visitor.upload(new Blob([SAMPLES.pdf]), { name: 'invoice' })
    const sent = await visitor.send(conversation.id, '', { attachments: [second.id] })
    expect(sent).toMatchObject({ type: 'file', text: null, attachments: [{ name: 'invoice.pdf', type: 'application/pdf' }] })

    const served = await fetch(t.s.url + sent.attachments[0]!.url)
    expect(served.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await served.arrayBuffer()).equals(SAMPLES.pdf)).toBe(true)

    const visitorGets = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.senderType === 'agent' && m.attachments.length > 0)
    const reply = await agent.upload(new Blob([SAMPLES.jpeg]), { name: 'label.jpg' })
    await agent.send(conversation.id, 'Your label', { attachments: [reply] })
    expect(await visitorGets).toMatchObject({ type: 'image', text: 'Your label', attachments: [{ name: 'label.jpg', type: 'image/jpeg' }] })
  })

  it('turns the server’s refusals into LiveChatErrors', async () => {
    const site = await t.s.fx.site()
    const visitor = new LiveChatClient({ url: t.s.url, siteId: site.id, storage: 'memory' })
    t.track(visitor)
    await visitor.connect()
    await expect(visitor.upload(new Blob([SAMPLES.html]), { name: 'x.png' })).rejects.toMatchObject({ name: 'LiveChatError', code: 'unsupported_type', status: 415 })
    const tooBig = new Blob([Buffer.alloc(visitor.config!.upload.maxBytes + 1)])
    await expect(visitor.upload(tooBig)).rejects.toMatchObject({ code: 'payload_too_large' })
    const controller = new AbortController()
    controller.abort()
    await expect(visitor.upload(new Blob([SAMPLES.png]), { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' })
  })
})
