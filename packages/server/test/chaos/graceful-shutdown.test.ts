// SIGTERM to a server process in the middle of a burst of sends. The process stops accepting,
// finishes the commands it started (each acked, each stored once), refuses new ones with a
// retryable error, closes its clients' transports and exits 0. Its SDK clients reconnect
// through the load balancer to the other process and their outboxes resend what was not
// acked: everything ends stored once.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Ack, Message } from '@live-chat/protocol'
import type { Socket } from 'socket.io-client'
import { connectRaw, rawSocket, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { startProxy, type TcpProxy } from '../tcp-proxy.js'
import { socketOptions, socketsOn, Traffic } from './traffic.js'

const RAW_SOCKETS = 4
const RAW_BURST = 25
const VISITORS = 4

let fixtures: TestServer
let one: ServerProcess
let two: ServerProcess
let lb: TcpProxy
const clients: { disconnect(): void }[] = []

beforeAll(async () => {
  ;[fixtures, one, two] = await Promise.all([startServer(), startProcess(), startProcess()])
  lb = await startProxy([one.port, two.port])
}, 120_000)
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await Promise.all([stopProcess(one), stopProcess(two)])
  await lb?.close()
  await fixtures?.close()
})

describe('graceful shutdown', () => {
  it('SIGTERM during a burst: what was acked is stored once, the rest is refused as retryable and resent elsewhere', async () => {
    const url = `http://127.0.0.1:${lb.port}`
    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id, { status: 'online', capacity: 20 })
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

    // The process to stop: the one holding more of the SDK clients' sockets.
    const [onOne, onTwo] = await Promise.all([socketsOn(one.url), socketsOn(two.url)])
    const [target] = onOne >= onTwo ? [one, two] : [two, one]
    expect(Math.max(onOne, onTwo)).toBeGreaterThan(0)

    // Raw sockets straight to that process, each with its own conversation.
    const raws: { socket: Socket; conversationId: string }[] = []
    for (let i = 0; i < RAW_SOCKETS; i++) {
      const session = await fixtures.fx.visitorSession(site.id)
      const socket = await connectRaw(rawSocket(target.url, '/visitor', { token: session.token }))
      clients.push(socket)
      const started = (await socket.timeout(10_000).emitWithAck('conversation:start', { clientKey: crypto.randomUUID() })) as Ack<{ conversation: { id: string } }>
      if (!started.ok) throw new Error(started.error.message)
      raws.push({ socket, conversationId: started.data.conversation.id })
    }

    // The burst: the SDK clients queue theirs; the raw sockets fire all of theirs at once.
    for (let n = 0; n < 15; n++) traffic.pairs.forEach((p, i) => (traffic.send(p, 'visitor', `v${i}:${n}`), traffic.send(p, 'agent', `a${i}:${n}`)))
    const rawSends = raws.flatMap(({ socket, conversationId }) =>
      Array.from({ length: RAW_BURST }, (_, n) => {
        const clientId = crypto.randomUUID()
        const ack = (socket.timeout(20_000).emitWithAck('message:send', { conversationId, clientId, text: `raw ${n}` }) as Promise<Ack<Message>>).then(
          (r) => ({ clientId, ack: r }),
          (e: unknown) => ({ clientId, lost: String(e) }),
        )
        return ack
      }),
    )
    // Once the first ack is back, the rest of the burst is being worked on: SIGTERM.
    await Promise.race(rawSends)
    target.child.kill('SIGTERM')
    const results = await Promise.all(rawSends)
    expect(await target.exited).toBe(0)

    // Every raw command was answered (none cut off by the shutdown): stored, or refused as retryable.
    const lost = results.filter((r) => 'lost' in r)
    const acked = results.filter((r) => 'ack' in r && r.ack.ok).map((r) => r.clientId)
    const refused = results.filter((r) => 'ack' in r && !r.ack.ok)
    for (const r of refused) expect('ack' in r && !r.ack.ok && r.ack.error).toMatchObject({ code: 'unavailable', retryable: true })
    expect(lost).toEqual([])

    const db = new pg.Client({ connectionString: inject('databaseUrl') })
    await db.connect()
    const stored = new Map(
      (await db.query<{ client_id: string; n: number }>(`SELECT client_id, count(*)::int AS n FROM mod_chat_messages WHERE client_id = ANY($1) GROUP BY client_id`, [results.map((r) => r.clientId)])).rows.map((r) => [r.client_id, r.n]),
    )
    await db.end()
    expect(acked.filter((id) => stored.get(id) !== 1)).toEqual([]) // acked: stored, once
    expect(refused.filter((r) => stored.has(r.clientId))).toEqual([]) // refused: never started

    // The SDK clients: whatever the stopped process did not ack went to the other one.
    await traffic.settle(30_000)
    const counts = await traffic.count(inject('databaseUrl'))
    console.log(
      `chaos SIGTERM: raw sends=${results.length} acked+stored=${acked.length} refused(retryable)=${refused.length} cut=${lost.length}; ` +
        `SDK sent=${counts.sent} stored=${counts.stored} received=${counts.received} (${traffic.disconnected} client disconnects)`,
    )
    expect(counts.problems).toEqual([])
    expect(traffic.disconnected).toBeGreaterThan(0)
    expect(counts.stored).toBe(counts.sent)
    expect(counts.received).toBe(counts.sent)
    expect(target.output.join('')).not.toMatch(/"level":(50|60)/) // no error logged on the way out
  })
})
