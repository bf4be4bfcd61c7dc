// The receiver's side: an Express app verifying real deliveries (sent by the server's webhook
// worker from the real Postgres queue) with the exported helper, verifyWebhook from
// @live-chat/sdk/webhooks, as the README shows. Through a secret rotation: two signatures during
// the grace period, so a receiver holding only the old or only the new secret accepts; one after
// it. Tampered bodies, wrong secrets and stale timestamps are refused.
//
// On a database of its own (see webhooks.test.ts): this server may reach 127.0.0.1, others not.
import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import express from 'express'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { verifyWebhook, WebhookVerificationError, type WebhookVerificationErrorCode } from '@live-chat/sdk/webhooks'
import type { Webhook, WebhookPayload } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer

beforeAll(async () => {
  database = await createTestDatabase('live_chat_webhook_receiver')
  s = await startServer({
    db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }),
    webhooks: { pollMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000, allowedNetworks: ['127.0.0.1/32'] },
  })
})
afterAll(async () => {
  await s?.close()
  await database?.drop()
})

/** What one holder of secrets concluded about one request. */
interface Verdict {
  holder: string
  ok: boolean
  code?: WebhookVerificationErrorCode
  event?: WebhookPayload
}

interface Request {
  headers: http.IncomingHttpHeaders
  body: Buffer
  verdicts: Verdict[]
}

/**
 * An Express receiver. Each request is verified once per holder (a receiver configured with
 * those secrets), exactly as the README's receiver does; it answers 204 when the first holder
 * accepts, else 400 with the helper's error code.
 */
async function receiver(holders: Record<string, () => string[]>, opts: { now?: () => number } = {}) {
  const requests: Request[] = []
  const app = express()
  app.post('/hooks/live-chat', express.raw({ type: 'application/json' }), async (req, res) => {
    const verdicts: Verdict[] = []
    for (const [holder, secrets] of Object.entries(holders)) {
      try {
        const event = await verifyWebhook(req.body as Buffer, req.headers, secrets(), opts.now ? { now: opts.now() } : {})
        verdicts.push({ holder, ok: true, event })
      } catch (e) {
        if (!(e instanceof WebhookVerificationError)) throw e
        verdicts.push({ holder, ok: false, code: e.code })
      }
    }
    requests.push({ headers: req.headers, body: req.body as Buffer, verdicts })
    const first = verdicts[0]!
    if (first.ok) res.status(204).end()
    else res.status(400).json({ error: first.code })
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((r) => server.once('listening', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/live-chat`
  return { requests, url, close: () => new Promise<void>((r) => server.close(() => r())) }
}

/** A fresh site and its admin's client. */
async function newSite() {
  const site = await s.fx.site()
  const admin = await s.fx.agent(site.id, { role: 'admin', status: 'online' })
  const client = new AgentClient({ url: s.url, token: admin.token })
  await client.connect(site.id)
  return { site, client }
}

/** Sends a test ping and waits for its request at the receiver. */
async function ping(client: AgentClient, hook: Webhook, rx: { requests: Request[] }): Promise<Request> {
  const delivery = await client.webhooks.test(hook.id)
  return (await eventually(() => rx.requests.find((r) => r.headers['webhook-id'] === delivery.id), 10_000, `ping ${delivery.id}`))!
}

const verdict = (r: Request, holder: string) => r.verdicts.find((v) => v.holder === holder)

describe('verifyWebhook in an Express receiver', () => {
  it('accepts the real deliveries and returns the typed event; the reference library agrees', async () => {
    const { site, client } = await newSite()
    let secret = ''
    const rx = await receiver({ receiver: () => [secret] })
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created', 'conversation.created'] })
      secret = hook.secret
      const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
      const { conversation } = await visitor.startConversation({ message: 'Does the receiver see me?' })
      visitor.disconnect()
      const accepted = (await eventually(() => {
        const events = rx.requests.flatMap((r) => r.verdicts.filter((v) => v.ok).map((v) => v.event!))
        return events.length >= 2 ? events : undefined
      }, 10_000, 'two events'))!

      const message = accepted.find((e) => e.event === 'message.created')
      // The discriminated union narrows: data.message is a Message.
      if (message?.event !== 'message.created') throw new Error('no message.created')
      expect(message.data.message).toMatchObject({ conversationId: conversation.id, text: 'Does the receiver see me?', senderType: 'visitor' })
      expect(message.siteId).toBe(site.id)
      const created = accepted.find((e) => e.event === 'conversation.created')
      if (created?.event !== 'conversation.created') throw new Error('no conversation.created')
      expect(created.data.conversation.id).toBe(conversation.id)

      for (const r of rx.requests) {
        expect(r.verdicts).toEqual([expect.objectContaining({ ok: true })])
        expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(1)
        // An independent implementation of the spec accepts the same bytes and headers.
        expect(new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>)).toEqual(JSON.parse(r.body.toString()))
      }
      await eventually(async () => (await client.webhooks.deliveries(hook.id)).every((d) => d.status === 'delivered' && d.lastStatus === 204), 10_000, 'all delivered')
    } finally {
      client.disconnect()
      await rx.close()
    }
   }, 60_000)

  it('through a rotation: two signatures in the grace period (the old- and the new-secret receiver accept), one after it', async () => {
    const { site, client } = await newSite()
    const secrets = { old: '', new: '' }
    const rx = await receiver({ 'new secret only': () => [secrets.new], 'old secret only': () => [secrets.old], both: () => [secrets.new, secrets.old] })
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      secrets.old = hook.secret
      secrets.new = `whsec_${crypto.randomBytes(32).toString('base64')}` // not issued yet
      const before = await ping(client, hook, rx)
      expect(verdict(before, 'old secret only')).toMatchObject({ ok: true })
      expect(verdict(before, 'new secret only')).toMatchObject({ ok: false, code: 'invalid_signature' })

      const rotated = await client.webhooks.rotateSecret(hook.id, 24)
      expect(rotated.secret).not.toBe(hook.secret)
      expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(Date.parse(rotated.previousSecretValidUntil!) - Date.now()).toBeGreaterThan(23.9 * 3_600_000)
      expect(rotated.secretRotatedAt).not.toBeNull()
      secrets.new = rotated.secret

      const during = await ping(client, hook, rx)
      const signatures = String(during.headers['webhook-signature']).split(' ')
      expect(signatures).toHaveLength(2)
      expect(signatures.every((x) => x.startsWith('v1,'))).toBe(true)
      expect(verdict(during, 'new secret only')).toMatchObject({ ok: true, event: { event: 'ping', webhookId: hook.id } })
      expect(verdict(during, 'old secret only')).toMatchObject({ ok: true, event: { event: 'ping', webhookId: hook.id } })
      expect(verdict(during, 'both')).toMatchObject({ ok: true })
      // The first signature is the new secret's.
      const onlyFirst = { ...during.headers, 'webhook-signature': signatures[0]! }
      await expect(verifyWebhook(during.body, onlyFirst, secrets.new)).resolves.toMatchObject({ event: 'ping' })
      await expect(verifyWebhook(during.body, onlyFirst, secrets.old)).rejects.toMatchObject({ code: 'invalid_signature' })

      // The grace period ends (as if 24 hours had passed).
      await s.db.inSite(site.id, (tx) => tx.$executeRaw`UPDATE mod_chat_webhooks SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${hook.id}::uuid`)
      expect((await client.webhooks.list()).find((w) => w.id === hook.id)).toMatchObject({ secret: secrets.new, previousSecretValidUntil: null })
      const after = await ping(client, hook, rx)
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1)
      expect(verdict(after, 'new secret only')).toMatchObject({ ok: true })
      expect(verdict(after, 'old secret only')).toMatchObject({ ok: false, code: 'invalid_signature' })

      // A rotation without grace: the replaced secret stops signing at once.
      const abrupt = await client.webhooks.rotateSecret(hook.id, 0)
      expect(abrupt.previousSecretValidUntil).toBeNull()
      const replaced = secrets.new
      secrets.new = abrupt.secret
      secrets.old = replaced
      const next = await ping(client, hook, rx)
      expect(String(next.headers['webhook-signature']).split(' ')).toHaveLength(1)
      expect(verdict(next, 'new secret only')).toMatchObject({ ok: true })
      expect(verdict(next, 'old secret only')).toMatchObject({ ok: false, code: 'invalid_signature' })
    } finally {
      client.disconnect()
      await rx.close()
    }
  })

  it('refuses a tampered body, a wrong secret, a stale or future timestamp and missing headers; the server logs the 400s', async () => {
    const { client } = await newSite()
    let secret = ''
    const wrong = `whsec_${crypto.randomBytes(32).toString('base64')}`
    const rx = await receiver({ right: () => [secret], wrong: () => [wrong] })
    // A receiver whose clock is 6 minutes ahead: the same real deliveries are too old for it.
    const late = await receiver({ late: () => [secret] }, { now: () => Date.now() + 6 * 60_000 })
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      secret = hook.secret
      const real = await ping(client, hook, rx)
      expect(verdict(real, 'right')).toMatchObject({ ok: true })
      expect(verdict(real, 'wrong')).toMatchObject({ ok: false, code: 'invalid_signature' })

      /** Replays a request (possibly changed) to a receiver; answers its status and error code. */
      const replay = async (to: { url: string }, headers: http.IncomingHttpHeaders, body: Buffer | string) => {
        const sent: Record<string, string> = { 'content-type': 'application/json' }
        for (const k of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) if (headers[k] !== undefined) sent[k] = String(headers[k])
        const res = await fetch(to.url, { method: 'POST', headers: sent, body: body.toString() })
        return { status: res.status, code: res.status === 204 ? null : ((await res.json()) as { error: string }).error }
      }
      // The genuine request, replayed at once: still valid (receivers dedupe on webhook-id).
      expect(await replay(rx, real.headers, real.body)).toEqual({ status: 204, code: null })
      // One byte of the body changed.
      const tampered = real.body.toString().replace('"ping"', '"pinG"')
      expect(tampered).not.toBe(real.body.toString())
      expect(await replay(rx, real.headers, tampered)).toEqual({ status: 400, code: 'invalid_signature' })
      // Another id or timestamp with the same signature.
      expect(await replay(rx, { ...real.headers, 'webhook-id': crypto.randomUUID() }, real.body)).toEqual({ status: 400, code: 'invalid_signature' })
      expect(await replay(rx, { ...real.headers, 'webhook-timestamp': String(Number(real.headers['webhook-timestamp']) + 1) }, real.body)).toEqual({ status: 400, code: 'invalid_signature' })
      // Properly signed (by the reference library, with the real secret), but 10 minutes old or ahead.
      for (const [offset, code] of [[-600, 'timestamp_too_old'], [600, 'timestamp_too_new']] as const) {
        const at = new Date(Date.now() + offset * 1000)
        const signed = { 'webhook-id': crypto.randomUUID(), 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) }
        const body = real.body.toString()
        expect(await replay(rx, { ...signed, 'webhook-signature': new StandardWebhook(secret).sign(signed['webhook-id'], at, body) }, body)).toEqual({ status: 400, code })
      }
      // The real request, seen 6 minutes later.
      expect(await replay(late, real.headers, real.body)).toEqual({ status: 400, code: 'timestamp_too_old' })
      // No signature at all.
      expect(await replay(rx, { 'webhook-id': String(real.headers['webhook-id']), 'webhook-timestamp': String(real.headers['webhook-timestamp']) }, real.body)).toEqual({ status: 400, code: 'missing_headers' })

      // The receiver now holds only a wrong secret: it answers 400 to the real worker, which logs it and retries.
      secret = wrong
      const refused = await client.webhooks.test(hook.id)
      const log = await eventually(async () => {
        const d = (await client.webhooks.deliveries(hook.id)).find((x) => x.id === refused.id)
        return d && d.attempts >= 1 ? d : undefined
      }, 10_000, 'a refused try')
      expect(log).toMatchObject({ lastStatus: 400, lastError: 'HTTP 400' })
      expect(rx.requests.filter((r) => r.headers['webhook-id'] === refused.id).every((r) => verdict(r, 'right')?.code === 'invalid_signature')).toBe(true)
    } finally {
      client.disconnect()
      await rx.close()
      await late.close()
    }
  })
})
