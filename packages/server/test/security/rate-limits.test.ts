// Abuse limits in one process (in memory, and through Redis): visitor sessions per site and
// address, messages, uploads and typing/page/profile events per visitor, failed logins per
// email+address and per address.
// Past a limit: HTTP 429 `{ error: { code: 'rate_limited', message, retryable, retryAfter } }`
// with Retry-After, or a socket ack with the same error; nothing is stored. Limits are keyed per
// site (or per visitor), so a flooded site leaves every other site's visitors working.
import crypto from 'node:crypto'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { LiveChatClient } from '@live-chat/sdk'
import type { Ack, Message, StartedConversation } from '@live-chat/protocol'
import { ask, connectRaw, rawSocket, startServer, type TestServer } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'

const LIMITS = {
  sessions: { points: 4, seconds: 60 },
  messages: { points: 5, seconds: 60 },
  uploads: { points: 2, seconds: 60 },
  events: { points: 6, seconds: 60 },
  login: { points: 3, seconds: 900 },
  loginIp: { points: 8, seconds: 3600 },
}

let s: TestServer
const sockets: Socket[] = []
beforeAll(async () => {
  s = await startServer({ rateLimits: LIMITS })
})
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await s.close()
})

const newSession = (siteId: string) => request(s.url).post(`/api/sites/${siteId}/visitor-sessions`).send({})

function expectRateLimited(res: request.Response): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: 429,
    body: { error: { code: 'rate_limited', message: expect.stringMatching(/\S/), retryable: true, retryAfter: expect.any(Number) } },
  })
  const retryAfter = (res.body as { error: { retryAfter: number } }).error.retryAfter
  expect(retryAfter).toBeGreaterThan(0)
  expect(res.headers['retry-after']).toBe(String(retryAfter))
}

const limitedAck = { ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/\S/), retryable: true, retryAfter: expect.any(Number) } }

async function visitorSocket(siteId: string): Promise<{ socket: Socket; visitorId: string; token: string }> {
  const session = await s.fx.visitorSession(siteId)
  const socket = rawSocket(s.url, '/visitor', { token: session.token })
  sockets.push(socket)
  return { socket: await connectRaw(socket), visitorId: session.visitor.id, token: session.token }
}

const messageCount = (siteId: string) => s.db.inSite(siteId, (tx) => tx.message.count())
const key = () => crypto.randomUUID()

describe('visitor sessions per site and address', () => {
  it('past the limit answers 429 with retryAfter and Retry-After, creates no visitor; another site from the same address is not affected', async () => {
    const a = await s.fx.site()
    const b = await s.fx.site()
    for (let i = 0; i < LIMITS.sessions.points; i++) expect((await newSession(a.id)).status).toBe(201)
    const visitors = await s.db.inSite(a.id, (tx) => tx.visitor.count())
    expectRateLimited(await newSession(a.id))
    // The same site spelled in capitals is the same key.
    expectRateLimited(await newSession(a.id.toUpperCase()))
    expect(await s.db.inSite(a.id, (tx) => tx.visitor.count())).toBe(visitors)
    expect((await newSession(b.id)).status).toBe(201)
  })
})

describe('messages per visitor', () => {
  it('past the limit the ack is rate_limited (retryable, with retryAfter) and nothing is stored; the visitor’s own earlier messages are intact', async () => {
    const site = await s.fx.site()
    const { socket } = await visitorSocket(site.id)
    const started = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: key(), message: { clientId: key(), text: 'first' } })
    expect(started.ok).toBe(true)
    const conversationId = started.ok ? started.data.conversation.id : ''
    const acks: Ack<Message>[] = []
    for (let i = 0; i < LIMITS.messages.points + 2; i++) acks.push(await ask(socket, 'message:send', { conversationId, clientId: key(), text: `m${i}` }))
    // The start counted as one: four more get through, then every one is refused.
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, true, false, false, false])
    expect(acks.at(-1)).toEqual(limitedAck)
    expect(await messageCount(site.id)).toBe(LIMITS.messages.points)
    expect(await ask(socket, 'conversation:start', { clientKey: key() })).toEqual(limitedAck)
  })

  it('when site A is flooded past its limits by many visitors, site B’s visitor still starts, sends and gets every ack', async () => {
    const a = await s.fx.site()
    const b = await s.fx.site()
    const flooders = await Promise.all(Array.from({ length: 6 }, () => visitorSocket(a.id)))
    const flood = flooders.flatMap(({ socket }) =>
      Array.from({ length: 3 * LIMITS.messages.points }, () => ask<Ack<unknown>>(socket, 'conversation:start', { clientKey: key(), message: { clientId: key(), text: 'spam' } })),
    )
    const sessionFlood = Array.from({ length: 3 * LIMITS.sessions.points }, () => newSession(a.id))

    const { socket: bSocket } = await visitorSocket(b.id)
    const started = await ask<Ack<StartedConversation>>(bSocket, 'conversation:start', { clientKey: key(), message: { clientId: key(), text: 'hello from B' } })
    expect(started).toMatchObject({ ok: true })
    const conversationId = started.ok ? started.data.conversation.id : ''
    const sent = await Promise.all(Array.from({ length: LIMITS.messages.points - 1 }, (_, i) => ask<Ack<Message>>(bSocket, 'message:send', { conversationId, clientId: key(), text: `b${i}` })))
    expect(sent.map((r) => r.ok)).toEqual(Array.from({ length: LIMITS.messages.points - 1 }, () => true))
    expect((await newSession(b.id)).status).toBe(201)

    // A was really flooded: each of its visitors got its allowance and then refusals.
    const results = await Promise.all(flood)
    expect(results.filter((r) => r.ok).length).toBe(flooders.length * LIMITS.messages.points)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'rate_limited')).toBe(true)
    expect((await Promise.all(sessionFlood)).filter((r) => r.status === 429).length).toBeGreaterThan(0)
    expect(await messageCount(b.id)).toBe(LIMITS.messages.points)
  })

  it('the SDK outbox waits out the limit (retryAfter) and stores every message exactly once', async () => {
    const fast = await startServer({ rateLimits: { ...LIMITS, messages: { points: 3, seconds: 1 } } })
    try {
      const site = await fast.fx.site()
      const visitor = new LiveChatClient({ url: fast.url, siteId: site.id, storage: 'memory' })
      try {
        const { conversation } = await visitor.startConversation({ message: 'one' })
        const texts = ['two', 'three', 'four', 'five', 'six']
        const sent = await Promise.all(texts.map((t) => visitor.send(conversation.id, t)))
        expect(sent.map((m) => m.text)).toEqual(texts)
        const stored = await fast.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: conversation.id }, orderBy: { seq: 'asc' } }))
        expect(stored.map((m) => m.content)).toEqual(['one', ...texts])
      } finally {
        visitor.disconnect()
      }
    } finally {
      await fast.close()
    }
  }, 30_000)
})

describe('typing, page and profile events per visitor', () => {
  it('past the limit the ack is rate_limited and nothing more fans out or is written; another visitor is not affected', async () => {
    const site = await s.fx.site()
    const { socket, visitorId } = await visitorSocket(site.id)
    const started = await ask<Ack<StartedConversation>>(socket, 'conversation:start', { clientKey: key(), message: { clientId: key(), text: 'hi' } })
    const conversationId = started.ok ? started.data.conversation.id : ''
    const agent = await s.fx.agent(site.id)
    const agentSocket = await connectRaw(rawSocket(s.url, '/agent', { token: agent.token, siteId: site.id }))
    sockets.push(agentSocket)
    let typingSeen = 0
    agentSocket.on('typing:changed', () => typingSeen++)

    const events = [
      ...Array.from({ length: 4 }, (_, i) => ['typing:set', { conversationId, typing: i % 2 === 0 }] as const),
      ['visitor:page', { url: 'https://shop.example/a', title: 'A' }] as const,
      ['visitor:update', { name: 'Ada' }] as const,
    ]
    for (const [event, payload] of events) expect(await ask(socket, event, payload)).toMatchObject({ ok: true })
    // The allowance (6) is spent: each kind is refused now.
    expect(await ask(socket, 'typing:set', { conversationId, typing: true })).toEqual(limitedAck)
    expect(await ask(socket, 'visitor:page', { url: 'https://shop.example/b', title: 'B' })).toEqual(limitedAck)
    expect(await ask(socket, 'visitor:update', { name: 'Eve' })).toEqual(limitedAck)
    const visitor = await s.db.inSite(site.id, (tx) => tx.visitor.findUniqueOrThrow({ where: { id: visitorId } }))
    expect(visitor.name).toBe('Ada')
    expect((visitor.pages as { url: string }[]).map((p) => p.url)).toEqual(['https://shop.example/a'])
    // A round trip on the agent's socket: any typing event fanned out by now has arrived.
    await ask(agentSocket, 'presence:list', {})
    expect(typingSeen).toBe(4)

    const other = await visitorSocket(site.id)
    expect(await ask(other.socket, 'visitor:page', { url: 'https://shop.example/c', title: 'C' })).toMatchObject({ ok: true })
  })
})

describe('uploads per visitor', () => {
  it('past the limit answers 429 and stores nothing; another visitor may still upload', async () => {
    const site = await s.fx.site()
    const one = await s.fx.visitorSession(site.id)
    const two = await s.fx.visitorSession(site.id)
    const upload = (token: string) => request(s.url).post('/api/visitor/uploads').set('Authorization', `Bearer ${token}`).attach('file', SAMPLES.png, 'a.png')
    for (let i = 0; i < LIMITS.uploads.points; i++) expect((await upload(one.token)).status).toBe(201)
    const before = await s.db.inSite(site.id, (tx) => tx.upload.count())
    expectRateLimited(await upload(one.token))
    expect(await s.db.inSite(site.id, (tx) => tx.upload.count())).toBe(before)
    expect((await upload(two.token)).status).toBe(201)
  })
})

describe('agent logins', () => {
  const login = (email: string, password: string, server = s) => request(server.url).post('/api/auth/login').send({ email, password })

  it('locks an email from an address after too many failures (even the right password), while other emails still log in; a success clears the count', async () => {
    const fresh = await startServer({ rateLimits: LIMITS })
    try {
      const site = await fresh.fx.site()
      const ann = await fresh.fx.agent(site.id)
      const ben = await fresh.fx.agent(site.id)
      // Two failures, then a success: the count starts again.
      for (let i = 0; i < LIMITS.login.points - 1; i++) expect((await login(ann.email, 'wrong password', fresh)).status).toBe(401)
      expect((await login(ann.email, ann.password, fresh)).status).toBe(200)
      for (let i = 0; i < LIMITS.login.points; i++) expect((await login(ann.email.toUpperCase(), 'wrong password', fresh)).status).toBe(401)
      expectRateLimited(await login(ann.email, ann.password, fresh))
      expect((await login(ben.email, ben.password, fresh)).status).toBe(200)
    } finally {
      await fresh.close()
    }
  })

  it('blocks an address after too many failures whatever the email', async () => {
    const fresh = await startServer({ rateLimits: LIMITS })
    try {
      const site = await fresh.fx.site()
      const ann = await fresh.fx.agent(site.id)
      for (let i = 0; i < LIMITS.loginIp.points; i++) expect((await login(`nobody-${i}@example.test`, 'guess', fresh)).status).toBe(401)
      expectRateLimited(await login(ann.email, ann.password, fresh))
    } finally {
      await fresh.close()
    }
  })
})

describe('through Redis', () => {
  it('counts in Redis (keys under the prefix) and refuses past the limit', async () => {
    const prefix = `lc:rl:test:${crypto.randomBytes(4).toString('hex')}`
    const shared = await startServer({ redisUrl: inject('redisUrl'), rateLimits: { ...LIMITS, prefix } })
    try {
      const site = await shared.fx.site()
      const session = () => request(shared.url).post(`/api/sites/${site.id}/visitor-sessions`).send({})
      for (let i = 0; i < LIMITS.sessions.points; i++) expect((await session()).status).toBe(201)
      expectRateLimited(await session())
      const { createClient } = await import('redis')
      const redis = await createClient({ url: inject('redisUrl') }).connect()
      try {
        expect(await redis.get(`${prefix}:sessions:${site.id}|127.0.0.1`)).toBe(String(LIMITS.sessions.points + 1))
      } finally {
        await redis.quit()
      }
    } finally {
      await shared.close()
    }
  })
})
