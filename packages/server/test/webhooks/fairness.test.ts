// Fair webhook delivery, against real local receivers: a site whose receivers never answer holds
// only its own slots (another site's deliveries go out while every one of its requests hangs);
// a receiver that keeps failing is paused by its circuit breaker, then tried once, and resumes on
// the first success; a delivery that gave up can be sent again, under the same id.
//
// On a database of its own, like webhooks.test.ts: this server's worker sends every site's deliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import type { WebhookDelivery } from '@live-chat/protocol'
import { createApp, type LiveChatApp } from '../../src/app.js'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'
import { PER_SITE } from '../../src/webhooks/worker.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, Fixtures, SECRET } from '../helpers.js'
import { blackHole, receiver } from './receivers.js'

// A minute before a hanging request gives up: far longer than any wait below, so a site that
// waited for another's hanging requests would fail here instead of passing late.
const options = { pollMs: 100, backoffBaseMs: 200, backoffMaxMs: 400, maxAttempts: 50, timeoutMs: 60_000, circuitThreshold: 3, circuitPauseMs: 1_000, allowedNetworks: ['127.0.0.1/32'] }

let database: Awaited<ReturnType<typeof createTestDatabase>>
let db: Database
let app: LiveChatApp
let url: string
let fx: Fixtures

beforeAll(async () => {
  database = await createTestDatabase('live_chat_fairness')
  db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
  app = await createApp({ db, secret: SECRET, env: 'test', logger: createLogger('silent'), webhooks: options })
  const { port } = await app.listen(0, '127.0.0.1')
  url = `http://127.0.0.1:${port}`
  fx = new Fixtures(db, app.services)
})
afterAll(async () => {
  await app?.close()
  await db?.close()
  await database?.drop()
})

async function adminSite() {
  const site = await fx.site()
  const admin = await fx.agent(site.id, { role: 'admin' })
  const client = new AgentClient({ url, token: admin.token })
  await client.connect(site.id)
  return { site, client }
}

describe('one site cannot hold up another', () => {
  it("site B's delivery goes out while every request to site A's ten receivers hangs", async () => {
    const hole = await blackHole()
    const rx = await receiver()
    const a = await adminSite()
    const b = await adminSite()
    try {
      const hooks = await Promise.all(Array.from({ length: 10 }, () => a.client.webhooks.create({ url: hole.url, events: ['message.created'] })))
      for (const h of hooks) await a.client.webhooks.test(h.id)
      // A's deliveries take its slots and hang there.
      await eventually(() => hole.waiting >= PER_SITE, 10_000, "A's requests hanging")

      const hook = await b.client.webhooks.create({ url: rx.url, events: ['message.created'] })
      const started = Date.now()
      const ping = await b.client.webhooks.test(hook.id)
      await eventually(() => rx.got.length === 1, 10_000, "B's delivery")
      console.log(`site B's ping arrived ${rx.got[0]!.at - started} ms after it was queued, with ${hole.waiting} of site A's requests hanging`)
      expect(rx.got[0]!.headers['webhook-id']).toBe(ping.id)
      // A is held to its own slots: none was answered, and no more than its share was sent.
      expect(hole.waiting).toBe(hole.received)
      expect(hole.received).toBe(PER_SITE)
    } finally {
      a.client.disconnect()
      b.client.disconnect()
      await hole.close()
      await rx.close()
    }
  }, 30_000)
})

describe('the circuit breaker', () => {
  it('pauses a receiver that keeps failing, with tries unspent; after the pause tries one delivery alone; the first success resumes the rest', async () => {
    const rx = await receiver()
    rx.box.answer = () => 503
    const { client } = await adminSite()
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      const pings: WebhookDelivery[] = []
      for (let i = 0; i < 12; i++) pings.push(await client.webhooks.test(hook.id))

      const paused = await eventually(async () => {
        const h = (await client.webhooks.list()).find((w) => w.id === hook.id)!
        return h.pausedUntil ? h : null
      }, 10_000, 'paused')
      if (!paused) throw new Error('not paused')
      expect(paused.consecutiveFailures).toBeGreaterThanOrEqual(3)
      // Paused before every delivery was tried: those waiting spent no try.
      const log = await client.webhooks.deliveries(hook.id)
      expect(log.filter((d) => d.status === 'pending' && d.attempts === 0).length).toBeGreaterThan(0)
      expect(log.every((d) => d.status === 'pending')).toBe(true)

      // The receiver recovers; after the pause one delivery is tried, alone, and then the rest go.
      const before = rx.got.length
      rx.box.delayMs = 300
      rx.box.answer = () => 204
      await eventually(async () => (await client.webhooks.deliveries(hook.id)).every((d) => d.status === 'delivered'), 20_000, 'all delivered')
      const after = rx.got.slice(before).sort((x, y) => x.at - y.at)
      const firstSuccess = after.find((r) => r.at >= Date.parse(paused.pausedUntil!) - 50) ?? after[0]!
      const next = after[after.indexOf(firstSuccess) + 1]
      if (next) expect(next.at - firstSuccess.at).toBeGreaterThanOrEqual(250) // nothing else was sent while the trial was out
      expect(new Set(rx.got.map((r) => r.headers['webhook-id']))).toEqual(new Set(pings.map((p) => p.id)))
      const healed = (await client.webhooks.list()).find((w) => w.id === hook.id)!
      expect(healed).toMatchObject({ consecutiveFailures: 0, pausedUntil: null })
    } finally {
      client.disconnect()
      await rx.close()
    }
  }, 40_000)

  it('an answer that blames the delivery (a 4xx) is no failure of the receiver: it never pauses', async () => {
    const rx = await receiver()
    rx.box.answer = () => 422
    const { client } = await adminSite()
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      for (let i = 0; i < 5; i++) await client.webhooks.test(hook.id)
      await eventually(() => rx.got.length >= 10, 10_000, 'ten tries')
      expect((await client.webhooks.list()).find((w) => w.id === hook.id)).toMatchObject({ consecutiveFailures: 0, pausedUntil: null })
    } finally {
      client.disconnect()
      await rx.close()
    }
  }, 20_000)
})

describe('redeliver', () => {
  it('sends a delivery that gave up again, under the same id, with a full set of tries; a paused receiver is tried at once', async () => {
    const rx = await receiver()
    const { site, client } = await adminSite()
    try {
      const hook = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      // A delivery that gave up, to a receiver paused for an hour.
      const dead = await db.inSite(site.id, async (tx) => {
        await tx.webhook.update({ where: { id: hook.id }, data: { consecutiveFailures: 9, circuitOpenUntil: new Date(Date.now() + 3_600_000) } })
        return tx.webhookDelivery.create({
          data: { siteId: site.id, webhookId: hook.id, event: 'ping', payload: { event: 'ping', siteId: site.id, webhookId: hook.id, createdAt: new Date().toISOString(), data: {} }, status: 'failed', attempts: 8, lastStatus: 500, lastError: 'HTTP 500' },
        })
      })
      expect((await client.webhooks.list()).find((w) => w.id === hook.id)!.pausedUntil).not.toBeNull()
      const again = await client.webhooks.redeliver(hook.id, dead.id)
      expect(again).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 })
      await eventually(() => rx.got.length === 1, 10_000, 'redelivered')
      expect(rx.got[0]!.headers['webhook-id']).toBe(dead.id)
      const done = await eventually(async () => (await client.webhooks.deliveries(hook.id)).find((d) => d.id === dead.id && d.status === 'delivered'), 10_000, 'delivered')
      expect(done).toMatchObject({ attempts: 1, lastStatus: 200 })
      expect((await client.webhooks.list()).find((w) => w.id === hook.id)).toMatchObject({ consecutiveFailures: 0, pausedUntil: null })
      // Another webhook's delivery, or none: 404.
      const other = await client.webhooks.create({ url: rx.url, events: ['message.created'] })
      await expect(client.webhooks.redeliver(other.id, dead.id)).rejects.toMatchObject({ code: 'not_found' })
      const audit = await db.inAgency(site.agencyId, (tx) => tx.auditEvent.findMany({ where: { siteId: site.id, action: 'webhook.redelivered' } }))
      expect(audit).toHaveLength(1)
    } finally {
      client.disconnect()
      await rx.close()
    }
  }, 30_000)
})
