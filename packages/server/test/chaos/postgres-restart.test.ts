// Postgres goes away mid-send and comes back (a private cluster: the shared one stays up).
// Meanwhile sends fail with a retryable error (the server stays up and says unavailable, and
// /readyz says the database is down); the SDK outboxes retry; once Postgres is back the
// server's connection pool recovers and every message ends stored once and received once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Ack, Message } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { ask, connectRaw, eventually, rawSocket, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js'
import { socketOptions, Traffic } from './traffic.js'

const bin = postgresBinaries()
if (!bin) console.warn('SKIPPED the Postgres restart test: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (install postgresql; .ci/run does)')

const VISITORS = 3
const PER_SIDE = 30

let pgc: PrivatePostgres
let fixtures: TestServer
let server: ServerProcess
const clients: { disconnect(): void }[] = []

beforeAll(async () => {
  if (!bin) return
  pgc = await startPrivatePostgres(bin)
  ;[fixtures, server] = await Promise.all([
    openDatabase({ url: pgc.url, migrate: false, poolSize: 3 }).then((db) => startServer({ db })),
    startProcess({ DATABASE_URL: pgc.url, REDIS_URL: '' }),
  ])
}, 120_000)
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await stopProcess(server)
  await fixtures?.close().catch(() => undefined)
  await pgc?.destroy()
})

describe.skipIf(!bin)('Postgres restarted mid-send', () => {
  it('sends fail as retryable while it is down, the outbox retries, and every message is stored once', async () => {
    const url = server.url
    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id, { status: 'online', capacity: 10 })
    const agent = new AgentClient({ url, token: a.token, socketOptions })
    clients.push(agent)
    await agent.connect(site.id)
    const visitors = Array.from({ length: VISITORS }, () => {
      const v = new LiveChatClient({ url, siteId: site.id, storage: 'memory', socketOptions })
      clients.push(v)
      return v
    })
    const traffic = new Traffic(visitors, [agent])
    await traffic.open(visitors, [agent])

    // A raw socket to see the server's answers during the outage first hand.
    const session = await fixtures.fx.visitorSession(site.id)
    const probe = await connectRaw(rawSocket(url, '/visitor', { token: session.token }))
    clients.push(probe)
    const started = await ask<Ack<{ conversation: { id: string } }>>(probe, 'conversation:start', { clientKey: crypto.randomUUID() })
    if (!started.ok) throw new Error(started.error.message)
    const probeSend = { conversationId: started.data.conversation.id, clientId: crypto.randomUUID(), text: 'sent during the outage' }

    let duringOutage: { ack: Ack<Message>; ready: { status: number; body: unknown } } | undefined
    await traffic.run(PER_SIDE, 60, async () => {
      await pgc.stop()
      const ack = await ask<Ack<Message>>(probe, 'message:send', probeSend)
      const r = await fetch(`${url}/readyz`)
      duringOutage = { ack, ready: { status: r.status, body: await r.json() } }
      await new Promise((r) => setTimeout(r, 2_000))
      await pgc.start()
    })
    expect(duringOutage?.ack).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } })
    expect(duringOutage?.ready).toMatchObject({ status: 503, body: { ok: false, database: 'unavailable', failed: ['database'] } })
    expect(server.child.exitCode).toBeNull() // still up

    await traffic.settle(60_000)
    // The pool recovered: ready again, and the probe's retry (same clientId) is stored once.
    await eventually(async () => (await fetch(`${url}/readyz`)).ok, 10_000, 'ready again')
    expect(await ask(probe, 'message:send', probeSend)).toMatchObject({ ok: true, data: { clientId: probeSend.clientId } })
    expect(await ask(probe, 'message:send', probeSend)).toMatchObject({ ok: true, data: { clientId: probeSend.clientId } })

    const counts = await traffic.count(pgc.url)
    console.log(`chaos Postgres restart: sent=${counts.sent} stored=${counts.stored} received=${counts.received} (${VISITORS} visitors, 1 agent, Postgres down ~2 s)`)
    expect(counts.problems).toEqual([])
    expect(counts.sent).toBe(VISITORS * PER_SIDE * 2)
    expect(counts.stored).toBe(counts.sent)
    expect(counts.received).toBe(counts.sent)
  })
})
