// Webhooks against a real local HTTP receiver: signed events (checked here with the Standard
// Webhooks reference library), retries with backoff, and a queued delivery that survives a
// server restart. The receivers listen on 127.0.0.1, which this server is told to allow.
//
// On a database of its own: every server's worker sends every site's deliveries, and another
// test file's server (which may not reach 127.0.0.1) must not take this file's.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Webhook, WebhookDelivery } from '@live-chat/protocol'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { createApp, type LiveChatApp } from '../../src/app.js'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'
import { createTestDatabase } from '../global-setup.js'
import { ask, connectRaw, eventually, Fixtures, rawSocket, SECRET } from '../helpers.js'
import { receiver, type Received } from './receivers.js'

const fast = { pollMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000, allowedNetworks: ['127.0.0.1/32'] }

let database: Awaited<ReturnType<typeof createTestDatabase>>
let db: Database
let app: LiveChatApp
let url: string
let fx: Fixtures

async function start(): Promise<void> {
  app = await createApp({ db, secret: SECRET, env: 'test', logger: createLogger('silent'), webhooks: fast })
  const { port } = await app.listen(0, '127.0.0.1')
  url = `http://127.0.0.1:${port}`
  fx = new Fixtures(db, app.services)
}

beforeAll(async () => {
  database = await createTestDatabase('live_chat_webhooks')
  db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
  await start()
})
afterAll(async () => {
  await app?.close()
  await db?.close()
  await database?.drop()
})

async function adminSite() {
  const site = await fx.site()
  const admin = await fx.agent(site.id, { role: 'admin', status: 'online' })
  const client = new AgentClient({ url, token: admin.token })
  await client.connect(site.id)
  return { site, admin, client }
}

function verify(secret: string, r: Received): boolean {
  try {
    new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>)
    return true
  } catch {
    return false
  }
}

const events = (got: Received[]) => got.map((r) => JSON.parse(r.body) as { event: string; siteId: string; data: Record<string, any> })

describe('webhook events', () => {
  it('a visitor message arrives as message.created with a valid signature; conversation created, assigned and resolved arrive too; ', async () => {
    const rx = await receiver()
    const { site, client } = await adminSite()
    try {
      const hook: Webhook = await client.webhooks.create({
        url: rx.url,
        events: ['message.created', 'conversation.created', 'conversation.assigned', 'conversation.resolved'],
      })
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(Buffer.from(hook.secret.slice(6), 'base64')).toHaveLength(32)
      const visitor = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
      await visitor.connect()
      const { conversation } = await visitor.startConversation({ message: 'Hello hooks' })
      await eventually(() => events(rx.got).some((e) => e.event === 'conversation.assigned'), 10_000, 'conversation.assigned')
      await visitor.send(conversation.id, 'And a second one')
      await client.send(conversation.id, 'Hi from the team')
      await eventually(() => events(rx.got).filter((e) => e.event === 'message.created').length >= 3, 10_000, 'three messages')
      await client.conversations.resolve(conversation.id)
      await eventually(() => events(rx.got).some((e) => e.event === 'conversation.resolved'), 10_000, 'conversation.resolved')
      visitor.disconnect()

      for (const r of rx.got) {
        expect(verify(hook.secret, r)).toBe(true)
        expect(r.headers['content-type']).toBe('application/json')
        expect(r.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/)
        expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
        expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
      }
      expect(new Set(rx.got.map((r) => r.headers['webhook-id'])).size).toBe(rx.got.length)
      expect(verify(`whsec_${crypto.randomBytes(32).toString('base64')}`, rx.got[0]!)).toBe(false)
      const all = events(rx.got)
      const msg = all.find((e) => e.event === 'message.created')
      expect(msg).toMatchObject({ siteId: site.id, data: { message: { conversationId: conversation.id, text: 'Hello hooks', senderType: 'visitor' } } })
      // The body is the message exactly as stored and as agents read it (seq and sender name included).
      const stored = (await client.messages(conversation.id)).messages.filter((m) => m.senderType !== 'system')
      const hooked = all.filter((e) => e.event === 'message.created').map((e) => e.data.message)
      expect(hooked.sort((a, b) => a.seq - b.seq)).toEqual(stored)
      expect(all.find((e) => e.event === 'conversation.created')).toMatchObject({ data: { conversation: { id: conversation.id } } })
    } finally {
      client.disconnect()
      await rx.close()
    }
   }, 60_000)
})

describe('private notes', () => {
  it('never leave the server: no delivery, queued or sent, carries a note', async () => {
    const rx = await receiver()
    const { site, client } = await adminSite()
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      const visitor = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
      await visitor.connect()
      const { conversation } = await visitor.startConversation({ message: 'Is my refund done?' })
      await client.send(conversation.id, 'NOTE: customer is on the fraud list', { private: true })
      await client.send(conversation.id, 'Yes, it went out today.')
      await eventually(() => events(rx.got).some((e) => e.data.message?.text === 'Yes, it went out today.'), 10_000, 'the public reply')
      visitor.disconnect()
      // Every queued delivery has been sent (the log and the receiver agree), and none is the note.
      await eventually(async () => (await client.webhooks.deliveries(hook.id)).every((d) => d.status === 'delivered'), 10_000, 'all delivered')
      const log = await client.webhooks.deliveries(hook.id)
      expect(log).toHaveLength(rx.got.length)
      expect(events(rx.got).map((e) => e.data.message.text).sort()).toEqual(['Is my refund done?', 'Yes, it went out today.'])
      expect(rx.got.some((r) => r.body.includes('fraud list'))).toBe(false)
    } finally {
      client.disconnect()
      await rx.close()
    }
  })
})

describe('message.created exactly once', () => {
  it('a resend (the ack was lost) queues nothing again, on the fast path and on the general path', async () => {
    const { site, admin, client } = await adminSite()
    const hook = await client.webhooks.create({ url: 'http://127.0.0.1:9/unreachable', events: ['message.created'] })
    const visitor = new LiveChatClient({ url, siteId: site.id, storage: 'memory' })
    let socket: ReturnType<typeof rawSocket> | undefined
    try {
      const { conversation } = await visitor.startConversation({ message: 'hello' })
      // The fast path: a visitor's text to an open conversation, sent twice with one clientId.
      socket = await connectRaw(rawSocket(url, '/visitor', { token: visitor.token }))
      const send = { conversationId: conversation.id, clientId: 'once-fast-path-01', text: 'sent twice' }
      const first = await ask<{ ok: boolean; data: { id: string } }>(socket, 'message:send', send)
      const again = await ask<{ ok: boolean; data: { id: string } }>(socket, 'message:send', send)
      expect(first.ok && again.ok && first.data.id === again.data.id).toBe(true)
      // The general path: an agent's reply to a resolved conversation, posted twice over REST.
      await client.conversations.resolve(conversation.id)
      const post = () =>
        fetch(`${url}/api/sites/${site.id}/conversations/${conversation.id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: 'once-general-path', text: 'posted twice' }),
        })
      expect((await post()).status).toBe(201)
      expect((await post()).status).toBe(200)

      const texts = async () => (await client.webhooks.deliveries(hook.id)).map((d) => (d.payload as { data: { message: { text: string } } }).data.message.text).sort()
      await eventually(async () => (await texts()).includes('posted twice'), 5_000, 'the general path’s delivery')
      expect(await texts()).toEqual(['hello', 'posted twice', 'sent twice'])
    } finally {
      socket?.close()
      visitor.disconnect()
      client.disconnect()
    }
  })
})

describe('webhook retries', () => {
  it('a receiver that fails twice gets the event on the third try, and the log shows 3 attempts, delivered', async () => {
    const rx = await receiver()
    let calls = 0
    rx.box.answer = () => (++calls <= 2 ? 500 : 204)
    const { client } = await adminSite()
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      const ping = await client.webhooks.test(hook.id)
      const log = await eventually(async () => {
        const d = (await client.webhooks.deliveries(hook.id)).find((x) => x.id === ping.id)
        return d?.status === 'delivered' ? d : undefined
      }, 15_000, 'delivered')
      expect(log).toMatchObject({ event: 'ping', attempts: 3, lastStatus: 204, lastError: null })
      expect(rx.got).toHaveLength(3)
      // The same webhook-id on every try: receivers dedupe on it.
      expect(new Set(rx.got.map((r) => r.headers['webhook-id']))).toEqual(new Set([ping.id]))
      for (const r of rx.got) expect(verify(hook.secret, r)).toBe(true)
    } finally {
      client.disconnect()
      await rx.close()
    }
  })
})

describe('a queued delivery', () => {
  it('survives a server restart and arrives exactly once', async () => {
    const rx = await receiver()
    const port = rx.port
    await rx.close() // the receiver is down: sending fails until it is back
    const { client } = await adminSite()
    const hook = await client.webhooks.create({ url: `http://127.0.0.1:${port}/hook`, events: ['message.created'] })
    const ping = await client.webhooks.test(hook.id)
    await eventually(async () => ((await client.webhooks.deliveries(hook.id)).find((d) => d.id === ping.id)?.attempts ?? 0) >= 1, 10_000, 'a failed try')
    client.disconnect()
    await app.close()

    const back = await receiver(port)
    try {
      await start()
      const admin2 = new AgentClient({ url, token: (await fx.agent(hook.siteId, { role: 'admin' })).token })
      await admin2.connect(hook.siteId)
      const d = await eventually<WebhookDelivery | undefined>(async () => {
        const x = (await admin2.webhooks.deliveries(hook.id)).find((y) => y.id === ping.id)
        return x?.status === 'delivered' ? x : undefined
      }, 15_000, 'delivered after restart')
      admin2.disconnect()
      expect(d?.attempts).toBeGreaterThanOrEqual(2)
      expect(back.got.filter((r) => r.headers['webhook-id'] === ping.id)).toHaveLength(1)
    } finally {
      await back.close()
    }
  })
})

describe('webhook access', () => {
  it("another site's admin cannot see or change the webhook, an agent is refused, a bad URL is 400", async () => {
    const a = await adminSite()
    const b = await adminSite()
    try {
      const hook = await a.client.webhooks.create({ url: 'https://example.com/hook', events: ['message.created'] })
      const call = async (token: string, siteId: string, method: string, path: string, body?: unknown) =>
        (await fetch(`${url}/api/sites/${siteId}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) })).status
      // b's admin, naming b's site: the webhook does not exist there
      expect(await call(b.admin.token, b.site.id, 'GET', `/webhooks/${hook.id}/deliveries`)).toBe(404)
      expect(await call(b.admin.token, b.site.id, 'PATCH', `/webhooks/${hook.id}`, { active: false })).toBe(404)
      expect(await call(b.admin.token, b.site.id, 'DELETE', `/webhooks/${hook.id}`)).toBe(404)
      expect((await b.client.webhooks.list()).map((w) => w.id)).not.toContain(hook.id)
      // b's admin, naming a's site: not a member
      expect(await call(b.admin.token, a.site.id, 'GET', '/webhooks')).toBe(403)
      const agent = await fx.agent(a.site.id, { role: 'agent' })
      expect(await call(agent.token, a.site.id, 'GET', '/webhooks')).toBe(403)
      expect(await call(agent.token, a.site.id, 'POST', '/webhooks', { url: 'https://example.com/x', events: ['message.created'] })).toBe(403)
      expect(await call(a.admin.token, a.site.id, 'POST', '/webhooks', { url: 'ftp://example.com/x', events: ['message.created'] })).toBe(400)
      expect(await call(a.admin.token, a.site.id, 'POST', '/webhooks', { url: 'not a url', events: ['message.created'] })).toBe(400)
      expect((await a.client.webhooks.list()).find((w) => w.id === hook.id)).toMatchObject({ active: true, url: 'https://example.com/hook' })
    } finally {
      a.client.disconnect()
      b.client.disconnect()
    }
  })
})
