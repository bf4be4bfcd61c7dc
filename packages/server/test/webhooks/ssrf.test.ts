// Webhook targets (SSRF): private, loopback, link-local, unique-local, CGNAT, multicast and
// unspecified addresses, in every spelling, are refused when a webhook is configured (400
// target_not_allowed) and again when a delivery connects (DNS answers can change: rebinding),
// and the connection goes to the address that was checked. Redirects are not followed.
//
// Two servers, each on a database of its own (every worker sends every site's deliveries):
// - "closed": the defaults (nothing but public addresses), the system's resolver;
// - "open": allows 127.0.0.1/32 only, and resolves the *.test names below through a map.
import dns from 'node:dns'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookDelivery } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'

type Answer = string | string[]
/** The open server's names: each answers its list in turn (the last one from then on). */
const names = new Map<string, Answer[]>()
const asked = new Map<string, number>()
async function resolve(hostname: string): Promise<dns.LookupAddress[]> {
  const answers = names.get(hostname)
  if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
  const n = asked.get(hostname) ?? 0
  asked.set(hostname, n + 1)
  const answer = answers[Math.min(n, answers.length - 1)]!
  return (Array.isArray(answer) ? answer : [answer]).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}

const fast = { pollMs: 100, backoffBaseMs: 200, backoffMaxMs: 1000 }
const dbs: Awaited<ReturnType<typeof createTestDatabase>>[] = []
let closed: TestServer
let open: TestServer

beforeAll(async () => {
  const [a, b] = await Promise.all([createTestDatabase('live_chat_ssrf_closed'), createTestDatabase('live_chat_ssrf_open')])
  dbs.push(a, b)
  closed = await startServer({ db: await openDatabase({ url: a.url, migrate: false, poolSize: 5 }), webhooks: fast })
  open = await startServer({ db: await openDatabase({ url: b.url, migrate: false, poolSize: 5 }), webhooks: { ...fast, allowedNetworks: ['127.0.0.1/32'], resolve } })
})
afterAll(async () => {
  await closed?.close()
  await open?.close()
  for (const d of dbs) await d.drop()
})

async function adminOf(s: TestServer) {
  const site = await s.fx.site()
  const admin = await s.fx.agent(site.id, { role: 'admin' })
  const api = (method: 'get' | 'post' | 'patch', path: string, body?: object) => {
    const req = request(s.url)[method](`/api/sites/${site.id}${path}`).set('Authorization', `Bearer ${admin.token}`)
    return body ? req.send(body) : req
  }
  return { site, api }
}

/** A receiver on `host` that records each request's path. */
async function receiver(host = '127.0.0.1', port = 0, answer: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end()) {
  const got: string[] = []
  const server = http.createServer((req, res) => {
    got.push(req.url ?? '')
    req.resume()
    answer(res)
  })
  await new Promise<void>((r, reject) => server.once('error', reject).listen(port, host, r))
  return { got, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) }
}

/** Sends a test ping and waits for its first try's outcome in the log. */
async function firstTry(api: Awaited<ReturnType<typeof adminOf>>['api'], hookId: string): Promise<WebhookDelivery> {
  const ping = (await api('post', `/webhooks/${hookId}/test`)).body as WebhookDelivery
  const d = await eventually(async () => {
    const log = (await api('get', `/webhooks/${hookId}/deliveries`)).body as { items: WebhookDelivery[] }
    const d = log.items.find((x) => x.id === ping.id)
    return d && d.attempts >= 1 ? d : undefined
  }, 10_000, 'a first try')
  return d!
}

const REFUSED = [
  ['loopback', 'http://127.0.0.1/hook'],
  ['loopback, elsewhere in 127/8', 'http://127.8.9.10:8080/hook'],
  ['loopback, shortened', 'http://127.1/hook'],
  ['loopback as one decimal number', 'http://2130706433/hook'],
  ['loopback in octal', 'http://017700000001/hook'],
  ['loopback in hex', 'http://0x7f.0.0.1/hook'],
  ['IPv6 loopback', 'http://[::1]/hook'],
  ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ['IPv4-mapped IPv6 loopback in hex', 'http://[::ffff:7f00:1]/hook'],
  ['with credentials', 'http://user:pass@127.0.0.1/hook'],
  ['private 10/8', 'http://10.0.0.1/hook'],
  ['private 172.16/12', 'https://172.16.5.4/hook'],
  ['private 192.168/16', 'http://192.168.1.10/hook'],
  ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/'],
  ['IPv4-mapped cloud metadata', 'http://[::ffff:169.254.169.254]/latest/meta-data/'],
  ['IPv6 link-local', 'http://[fe80::1]/hook'],
  ['IPv6 unique-local', 'http://[fd00::1]/hook'],
  ['CGNAT 100.64/10', 'http://100.64.0.1/hook'],
  ['unspecified', 'http://0.0.0.0/hook'],
  ['unspecified, as 0', 'http://0/hook'],
  ['IPv6 unspecified', 'http://[::]/hook'],
  ['multicast', 'http://224.0.0.1/hook'],
  ['IPv6 multicast', 'http://[ff02::1]/hook'],
  ['broadcast', 'http://255.255.255.255/hook'],
  ['reserved (documentation)', 'http://192.0.2.1/hook'],
  ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/hook'],
  ['6to4 of loopback', 'http://[2002:7f00:1::1]/hook'],
  ['localhost', 'http://localhost:3000/hook'],
  ['LOCALHOST', 'http://LOCALHOST/hook'],
  ['localhost with a trailing dot', 'http://localhost./hook'],
  ['a name under .localhost', 'http://api.localhost/hook'],
] as const

describe('configuring a webhook (closed server: public addresses only)', () => {
  it.each(REFUSED)('refuses %s (%s) with 400 target_not_allowed, on create and on update', async (_, url) => {
    const { api } = await adminOf(closed)
    const created = await api('post', '/webhooks', { url, events: ['message.created'] })
    expect({ status: created.status, body: created.body as unknown }).toMatchObject({
      status: 400,
      body: { error: { code: 'target_not_allowed', message: expect.stringMatching(/webhooks go to public addresses only.*WEBHOOK_ALLOWED_NETWORKS/), details: [{ path: 'url' }] } },
    })
    const hook = await api('post', '/webhooks', { url: 'http://93.184.216.34/hook', events: ['message.created'] })
    expect(hook.status).toBe(201)
    const id = (hook.body as { id: string }).id
    const updated = await api('patch', `/webhooks/${id}`, { url })
    expect({ status: updated.status, code: (updated.body as { error?: { code: string } }).error?.code }).toEqual({ status: 400, code: 'target_not_allowed' })
    expect(((await api('get', '/webhooks')).body as { items: { url: string }[] }).items.map((w) => w.url)).toEqual(['http://93.184.216.34/hook'])
  })

  it('says which address a name leads to and of what kind', async () => {
    const { api } = await adminOf(closed)
    const res = await api('post', '/webhooks', { url: 'http://localhost:8080/hook', events: ['message.created'] })
    expect((res.body as { error: { message: string } }).error.message).toMatch(/localhost resolves to 127\.0\.0\.1, a loopback address/)
    const meta = await api('post', '/webhooks', { url: 'http://169.254.169.254/', events: ['message.created'] })
    expect((meta.body as { error: { message: string } }).error.message).toMatch(/169\.254\.169\.254, a linkLocal address/)
  })

  it('accepts public addresses, and a name that does not resolve (yet): each delivery checks again', async () => {
    const { api } = await adminOf(closed)
    for (const url of ['https://8.8.8.8/hook', 'https://[2001:4860:4860::8888]/hook', 'http://[::ffff:8.8.8.8]/hook', 'https://hooks.invalid/in']) {
      const res = await api('post', '/webhooks', { url, events: ['message.created'] })
      expect({ url, status: res.status }).toEqual({ url, status: 201 })
    }
  })
})

describe('delivering (closed server)', () => {
  it('does not send to a stored URL that is, or resolves to, loopback: the try fails with the reason, the receiver gets nothing', async () => {
    // Rows stored before the check existed (or while the operator allowed it) go straight into the table.
    const rx = await receiver()
    try {
      const { site, api } = await adminOf(closed)
      for (const url of [`http://localhost:${rx.port}/a`, `http://127.0.0.1:${rx.port}/b`, `http://[::ffff:127.0.0.1]:${rx.port}/c`, `http://2130706433:${rx.port}/d`]) {
        const hook = await closed.db.inSite(site.id, (tx) => tx.webhook.create({ data: { siteId: site.id, url, events: ['message.created'], secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` } }))
        const d = await firstTry(api, hook.id)
        expect({ url, status: d.status, lastStatus: d.lastStatus, lastError: d.lastError }).toMatchObject({
          url,
          status: 'pending',
          lastStatus: null,
          lastError: expect.stringMatching(/^refused: .*127\.0\.0\.1\)?, a loopback address/),
        })
      }
      expect(rx.got).toEqual([])
    } finally {
      await rx.close()
    }
  })
})

describe('delivering (open server: 127.0.0.1 allowed, names from a map)', () => {
  it('refuses a name that resolves to a private address, or to a public and a private one', async () => {
    const { api } = await adminOf(open)
    names.set('internal.test', ['10.1.2.3'])
    names.set('metadata.test', ['169.254.169.254'])
    names.set('mixed.test', [['93.184.216.34', '10.0.0.5']])
    names.set('v6-private.test', ['fd12:3456::1'])
    names.set('mapped.test', ['::ffff:192.168.0.1'])
    names.set('other-loopback.test', ['127.0.0.2'])
    for (const name of ['internal', 'metadata', 'mixed', 'v6-private', 'mapped', 'other-loopback']) {
      const res = await api('post', '/webhooks', { url: `https://${name}.test/hook`, events: ['message.created'] })
      expect({ name, status: res.status, code: (res.body as { error?: { code: string } }).error?.code }).toEqual({ name, status: 400, code: 'target_not_allowed' })
    }
    names.set('public.test', ['93.184.216.34'])
    expect((await api('post', '/webhooks', { url: 'https://public.test/hook', events: ['message.created'] })).status).toBe(201)
    expect((await api('post', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.created'] })).status).toBe(201)
    expect((await api('post', '/webhooks', { url: 'http://127.0.0.2:9/hook', events: ['message.created'] })).status).toBe(400)
  })

  it('a name that was public when configured but rebinds to a refused address is not delivered', async () => {
    const rx = await receiver('127.0.0.2')
    try {
      const { api } = await adminOf(open)
      names.set('rebind.test', ['93.184.216.34', '127.0.0.2'])
      const hook = await api('post', '/webhooks', { url: `http://rebind.test:${rx.port}/hook`, events: ['message.created'] })
      expect(hook.status).toBe(201)
      const d = await firstTry(api, (hook.body as { id: string }).id)
      expect(d).toMatchObject({ status: 'pending', lastStatus: null, lastError: expect.stringMatching(/^refused: rebind\.test resolves to 127\.0\.0\.2, a loopback address/) })
      expect(rx.got).toEqual([])
    } finally {
      await rx.close()
    }
  })

  it('connects to the very address it checked, even when the name answers otherwise right after', async () => {
    // 127.0.0.1 (allowed) and 127.0.0.2 (refused) on the same port: a second resolution on the way
    // to connecting would reach the wrong one (the system's resolver does not know flip.test at all).
    const allowed = await receiver('127.0.0.1')
    const refused = await receiver('127.0.0.2', allowed.port)
    try {
      const { api } = await adminOf(open)
      // Configuring asks once, the delivery once; any further question gets 127.0.0.2.
      names.set('flip.test', ['127.0.0.1', '127.0.0.1', '127.0.0.2'])
      const hook = await api('post', '/webhooks', { url: `http://flip.test:${allowed.port}/hook`, events: ['message.created'] })
      expect(hook.status).toBe(201)
      const d = await firstTry(api, (hook.body as { id: string }).id)
      expect(d).toMatchObject({ status: 'delivered', lastStatus: 204 })
      expect(allowed.got).toEqual(['/hook'])
      expect(refused.got).toEqual([])
      expect(asked.get('flip.test')).toBe(2)
    } finally {
      await allowed.close()
      await refused.close()
    }
  })

  it('does not follow a redirect (to a refused address or anywhere): the try fails with the 3xx', async () => {
    const target = await receiver('127.0.0.2')
    const bouncer = await receiver('127.0.0.1', 0, (res) => res.writeHead(307, { location: `http://127.0.0.2:${target.port}/stolen` }).end())
    try {
      const { api } = await adminOf(open)
      const hook = await api('post', '/webhooks', { url: `http://127.0.0.1:${bouncer.port}/hook`, events: ['message.created'] })
      const d = await firstTry(api, (hook.body as { id: string }).id)
      expect(d).toMatchObject({ status: 'pending', lastStatus: 307, lastError: 'HTTP 307' })
      expect(bouncer.got.length).toBeGreaterThanOrEqual(1)
      expect(new Set(bouncer.got)).toEqual(new Set(['/hook']))
      expect(target.got).toEqual([])
    } finally {
      await bouncer.close()
      await target.close()
    }
  })
})
