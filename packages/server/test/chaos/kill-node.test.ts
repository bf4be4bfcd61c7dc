// kill -9 one of three server processes mid-conversation. The processes share Postgres and
// Redis behind a round-robin TCP load balancer; visitors and agents talk through the SDK. The
// dead process's clients reconnect through the balancer to the others, their outboxes resend
// what was not acked, everyone syncs what they missed, and the books balance: every message
// sent is stored once and received once by the other side, with no gap in seq.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { startProxy, type TcpProxy } from '../tcp-proxy.js'
import { socketOptions, socketsOn, Traffic } from './traffic.js'

const VISITORS = 6
const AGENTS = 3
const PER_SIDE = 30

let fixtures: TestServer
let nodes: ServerProcess[] = []
let lb: TcpProxy
const clients: { disconnect(): void }[] = []

beforeAll(async () => {
  ;[fixtures, ...nodes] = await Promise.all([startServer(), startProcess(), startProcess(), startProcess()])
  lb = await startProxy(nodes.map((n) => n.port))
}, 120_000)
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await Promise.all(nodes.map((n) => stopProcess(n)))
  await lb?.close()
  await fixtures?.close()
})

describe('three server processes, one killed', () => {
  it('kill -9 mid-conversation: sent == stored == received, each once, no gap in seq', async () => {
    const url = `http://127.0.0.1:${lb.port}`
    const site = await fixtures.fx.site()
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, async () => {
        const a = await fixtures.fx.agent(site.id, { status: 'online', capacity: 10 })
        const agent = new AgentClient({ url, token: a.token, socketOptions })
        clients.push(agent)
        await agent.connect(site.id)
        return agent
      }),
    )
    const visitors = Array.from({ length: VISITORS }, () => {
      const v = new LiveChatClient({ url, siteId: site.id, storage: 'memory', socketOptions })
      clients.push(v)
      return v
    })
    const traffic = new Traffic(visitors, agents)
    await traffic.open(visitors, agents)

    let victim: ServerProcess | undefined
    let victimSockets = 0
    await traffic.run(PER_SIDE, 40, async () => {
      // The process holding the most of the clients' sockets right now.
      const held = await Promise.all(nodes.map((n) => socketsOn(n.url)))
      victimSockets = Math.max(...held)
      victim = nodes[held.indexOf(victimSockets)]!
      victim.child.kill('SIGKILL')
      await victim.exited
    })
    expect(victim!.child.signalCode).toBe('SIGKILL')
    expect(victimSockets).toBeGreaterThan(0)
    await traffic.settle(60_000)

    const counts = await traffic.count(inject('databaseUrl'))
    console.log(
      `chaos kill -9: sent=${counts.sent} stored=${counts.stored} received=${counts.received} ` +
        `(3 processes, ${VISITORS} visitors, ${AGENTS} agents; the killed one held ${victimSockets} of their sockets; ${traffic.disconnected} client disconnects)`,
    )
    expect(counts.problems).toEqual([])
    expect(traffic.disconnected).toBeGreaterThan(0)
    expect(counts.sent).toBe(VISITORS * PER_SIDE * 2)
    expect(counts.stored).toBe(counts.sent)
    expect(counts.received).toBe(counts.sent)
    // The survivors still serve everyone.
    await eventually(() => [...visitors, ...agents].every((c) => c.connected), 10_000, 'every client connected')
  })
})
