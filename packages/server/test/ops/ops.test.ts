// Operability: /readyz (database, Redis, draining), Prometheus /metrics (who may read it, and
// what it counts), and close()'s drain: new commands refused with a retryable error while
// in-flight requests finish, then the transports close so clients reconnect elsewhere.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LiveChatClient } from '@live-chat/sdk'
import { createApp, type AppOptions, type LiveChatApp } from '../../src/app.js'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'
import { startProxy } from '../tcp-proxy.js'
import { ask, connectRaw, rawSocket, SECRET, startServer, waitFor, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer({ redisUrl: inject('redisUrl') })
})
afterAll(() => s.close())

/** An app with its own options (env, token, drain bound) on the run's database (or `dbUrl`). */
async function startApp(extra: Partial<AppOptions>, dbUrl = inject('databaseUrl')): Promise<{ app: LiveChatApp; db: Database; url: string; close(): Promise<void> }> {
  const db = await openDatabase({ url: dbUrl, migrate: false, poolSize: 3 })
  const app = await createApp({ db, secret: SECRET, env: 'test', logger: createLogger('silent'), ...extra })
  const { port } = await app.listen(0, '127.0.0.1')
  return { app, db, url: `http://127.0.0.1:${port}`, close: async () => (await app.close(), await db.close()) }
}

/** An app whose database connections go through a plug the test can pull (proxy.close()). */
async function appBehindPlug() {
  const db = new URL(inject('databaseUrl'))
  const proxy = await startProxy([Number(db.port || 5432)], db.hostname)
  db.host = `127.0.0.1:${proxy.port}`
  return { proxy, a: await startApp({}, db.toString()) }
}

/** The value of one sample of the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('/readyz', () => {
  it('is ready when the database answers and Redis is connected, and says which part is which', async () => {
    const r = await fetch(`${s.url}/readyz`)
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({ ok: true, database: 'ok', redis: 'ok', draining: false, failed: [] })
  })

  it('reports Redis as off when it is not configured, and the database as unavailable once it is gone', async () => {
    const { proxy, a } = await appBehindPlug()
    try {
      expect(await (await fetch(`${a.url}/readyz`)).json()).toMatchObject({ ok: true, redis: 'off' })
      await proxy.close()
      const r = await fetch(`${a.url}/readyz`)
      expect(r.status).toBe(503)
      expect(await r.json()).toEqual({ ok: false, database: 'unavailable', redis: 'off', draining: false, failed: ['database'] })
    } finally {
      await a.close()
    }
  })
})

describe('/metrics', () => {
  it('counts connections, stored messages, send latency and queue lengths', async () => {
    const site = await s.fx.site() // no agents: the conversation waits in the queue
    const visitor = new LiveChatClient({ url: s.url, siteId: site.id, storage: 'memory' })
    try {
      const before = await (await fetch(`${s.url}/metrics`)).text()
      const { conversation } = await visitor.startConversation({ message: 'first' })
      await visitor.send(conversation.id, 'second')
      await visitor.send(conversation.id, 'third')
      const r = await fetch(`${s.url}/metrics`)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await r.text()
      // Default process metrics, then the app's.
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
      expect(sample(text, 'livechat_socket_connections', 'namespace="visitor"')).toBe(1)
      expect(sample(text, 'livechat_socket_connections', 'namespace="agent"')).toBe(0)
      const stored = (t: string) => sample(t, 'livechat_messages_stored_total', 'sender="visitor"') ?? 0
      expect(stored(text) - stored(before)).toBe(3)
      const sends = (t: string) => sample(t, 'livechat_message_send_seconds_count', 'namespace="visitor",outcome="ok"') ?? 0
      expect(sends(text) - sends(before)).toBe(2) // the first message came with conversation:start
      expect(sample(text, 'livechat_queue_length', 'queue="waiting_conversations"')).toBeGreaterThanOrEqual(1)
      expect(sample(text, 'livechat_queue_length', 'queue="webhook_deliveries"')).toBeGreaterThanOrEqual(0)
      expect(sample(text, 'livechat_queue_length', 'queue="email_jobs"')).toBeGreaterThanOrEqual(0)
      expect(sample(text, 'livechat_queue_length', 'queue="events"')).toBeGreaterThanOrEqual(0)
    } finally {
      visitor.disconnect()
    }
  })

  it('a resend of a stored message is not counted again', async () => {
    const site = await s.fx.site()
    const session = await s.fx.visitorSession(site.id)
    const socket = await connectRaw(rawSocket(s.url, '/visitor', { token: session.token }))
    try {
      const started = await ask<{ ok: true; data: { conversation: { id: string } } }>(socket, 'conversation:start', { clientKey: crypto.randomUUID() })
      const send = { conversationId: started.data.conversation.id, clientId: crypto.randomUUID(), text: 'once' }
      const count = async () => sample(await (await fetch(`${s.url}/metrics`)).text(), 'livechat_messages_stored_total', 'sender="visitor"') ?? 0
      const before = await count()
      expect(await ask(socket, 'message:send', send)).toMatchObject({ ok: true })
      expect(await ask(socket, 'message:send', send)).toMatchObject({ ok: true })
      expect((await count()) - before).toBe(1)
    } finally {
      socket.disconnect()
    }
  })

  it('leaves the queue lengths out (not stale) when the database does not answer, and still serves the rest', async () => {
    const { proxy, a } = await appBehindPlug()
    try {
      expect(sample(await (await fetch(`${a.url}/metrics`)).text(), 'livechat_queue_length', 'queue="email_jobs"')).toBeGreaterThanOrEqual(0)
      await proxy.close()
      const text = await (await fetch(`${a.url}/metrics`)).text()
      expect(sample(text, 'livechat_queue_length', 'queue="waiting_conversations"')).toBeUndefined()
      expect(sample(text, 'livechat_queue_length_failures_total')).toBe(1)
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    } finally {
      await a.close()
    }
  })

  it('needs the bearer token when METRICS_TOKEN is set, and is off in production without one', async () => {
    const token = 'metrics-token-0123456789abcdef'
    const guarded = await startApp({ metricsToken: token, env: 'production' })
    const closed = await startApp({ env: 'production' })
    try {
      const none = await fetch(`${guarded.url}/metrics`)
      expect(none.status).toBe(401)
      expect(none.headers.get('www-authenticate')).toBe('Bearer')
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401)
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      expect(ok.status).toBe(200)
      expect(await ok.text()).toContain('livechat_socket_connections')
      const off = await fetch(`${closed.url}/metrics`)
      expect(off.status).toBe(404)
      expect((await off.json()).error.message).toContain('METRICS_TOKEN')
      // /readyz stays public: a load balancer has no token.
      expect((await fetch(`${closed.url}/readyz`)).status).toBe(200)
    } finally {
      await Promise.all([guarded.close(), closed.close()])
    }
  })
})

describe('close() drains', () => {
  it('waits for an in-flight request, refuses new socket commands as retryable meanwhile, then closes transports', async () => {
    const a = await startApp({ shutdownTimeoutMs: 30_000 })
    const site = await s.fx.site()
    const session = await s.fx.visitorSession(site.id)
    const socket = await connectRaw(rawSocket(a.url, '/visitor', { token: session.token }))
    try {
      // A request whose body is still arriving is in flight.
      const body = JSON.stringify({ page: { url: 'https://shop.test/' } })
      const { port } = new URL(a.url)
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' }
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/sites/${site.id}/visitor-sessions`, headers })
      const response = new Promise<number>((resolve, reject) => req.once('response', (res) => (res.resume(), resolve(res.statusCode!))).once('error', reject))
      // "100 Continue" comes once the server has the request (and Express is running it).
      await new Promise((resolve) => req.once('continue', resolve).flushHeaders())
      req.write(body.slice(0, 10))

      let closed = false
      const closing = a.app.close().then(() => (closed = true))
      const disconnected = waitFor<string>((fn) => (socket.on('disconnect', fn), () => socket.off('disconnect', fn)), () => true, 20_000, 'disconnect')
      const refused = await ask<{ ok: boolean; error: { code: string; retryable: boolean } }>(socket, 'message:send', {
        conversationId: crypto.randomUUID(),
        clientId: crypto.randomUUID(),
        text: 'during the drain',
      })
      expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } })
      expect(closed).toBe(false) // the request is still open

      req.end(body.slice(10))
      expect(await response).toBe(201)
      await closing
      // A transport close (not a server-side disconnect): socket.io clients reconnect by themselves.
      expect(await disconnected).toBe('transport close')
    } finally {
      socket.disconnect()
      await a.app.close()
      await a.db.close()
    }
  })
})
