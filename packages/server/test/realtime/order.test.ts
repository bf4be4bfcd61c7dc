// Message order, as packages/protocol/README.md ("Message order") defines it, held by raw
// socket.io clients that follow that document and nothing else: two server processes over Redis
// take an agent's messages (private notes among them) alternately, so that commits of the two
// race, while a visitor and an agent, each a raw client, drop their connection and come back,
// again and again, on either process. Each applies a message only when its `prevSeq` is at or
// below its watermark, keeps the others aside and syncs; in the end each has applied every
// message it can see, once, in seq order, and lost none.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io as ioClient, type Socket } from 'socket.io-client'
import type { LiveMessage, Message, MessagePage } from '@live-chat/protocol'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

const MESSAGES = 300
const RECONNECTS = 40

let fixtures: TestServer
let nodes: ServerProcess[] = []
beforeAll(async () => {
  ;[fixtures, ...nodes] = await Promise.all([startServer(), startProcess(), startProcess()])
}, 120_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => stopProcess(n)))
  await fixtures?.close()
})

/** A client that follows the document: a watermark, messages kept aside, a sync on any doubt. */
class RawFollower {
  watermark = 0
  applied: number[] = []
  aside = new Map<number, LiveMessage>()
  outOfOrder = 0
  syncs = 0
  socket: Socket | undefined
  private syncing: Promise<void> | undefined

  constructor(
    private readonly namespace: '/visitor' | '/agent',
    private readonly auth: Record<string, unknown>,
    private readonly conversationId: string,
  ) {}

  async connect(url: string): Promise<void> {
    this.socket?.disconnect()
    const socket = ioClient(url + this.namespace, { auth: this.auth, transports: ['websocket'], reconnection: false, forceNew: true })
    this.socket = socket
    socket.on('message:created', (m: LiveMessage) => this.onMessage(m))
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    // After every (re)connection: everything after the watermark.
    await this.sync()
  }

  private onMessage(m: LiveMessage): void {
    if (m.conversationId !== this.conversationId || m.seq <= this.watermark) return
    if (m.prevSeq !== undefined && m.prevSeq <= this.watermark) return this.apply(m)
    this.outOfOrder++
    this.aside.set(m.seq, m)
    void this.sync()
  }

  private apply(m: Message): void {
    this.applied.push(m.seq)
    this.watermark = m.seq
    this.aside.delete(m.seq)
  }

  /** messages:sync after the watermark, every page; one at a time (a second call waits for the first, then runs again). */
  sync(): Promise<void> {
    const run = async () => {
      for (;;) {
        this.syncs++
        const ack = (await this.socket!.timeout(5_000).emitWithAck('messages:sync', { conversationId: this.conversationId, afterSeq: this.watermark })) as { ok: boolean; data: MessagePage }
        if (!ack.ok) throw new Error(`sync refused: ${JSON.stringify(ack)}`)
        for (const m of ack.data.messages) if (m.seq > this.watermark) this.apply(m)
        if (!ack.data.hasMore) break
      }
      for (const seq of [...this.aside.keys()]) if (seq <= this.watermark) this.aside.delete(seq)
    }
    const next = (this.syncing ?? Promise.resolve()).then(run, run)
    this.syncing = next.catch(() => undefined)
    return next
  }
}

describe('message order over two processes, as the protocol document says', () => {
  it(`raw clients that follow it apply all ${MESSAGES} messages once and in order across ${RECONNECTS} reconnects`, async () => {
    const site = await fixtures.fx.site()
    const ada = await fixtures.fx.agent(site.id, { name: 'Ada', capacity: 0 })
    const session = await fixtures.fx.visitorSession(site.id)
    const started = await fixtures.services.conversations.start(
      { kind: 'visitor', siteId: site.id, visitorId: session.visitor.id },
      { clientKey: 'k', message: { clientId: 'c0', text: 'hello' } },
    )
    const id = started.conversation.id
    const visitor = new RawFollower('/visitor', { token: session.token }, id)
    const agent = new RawFollower('/agent', { token: ada.token, siteId: site.id }, id)
    await Promise.all([visitor.connect(nodes[0]!.url), agent.connect(nodes[1]!.url)])

    // The agent's messages, every fifth a private note, sent by several senders at once to both processes.
    let next = 0
    const send = async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        const node = nodes[i % 2]!
        const res = await fetch(`${node.url}/api/sites/${site.id}/conversations/${id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: `m${i}_${crypto.randomBytes(3).toString('hex')}`, text: `message ${i}`, private: i % 5 === 4 }),
        })
        expect(res.status).toBe(201)
      }
    }
    // Meanwhile both clients come back, again and again, on either process.
    let done = false
    const churn = async () => {
      for (let k = 0; k < RECONNECTS && !done; k++) {
        await new Promise((r) => setTimeout(r, 30 + Math.random() * 60))
        await Promise.all([visitor.connect(nodes[k % 2]!.url), agent.connect(nodes[(k + 1) % 2]!.url)])
      }
    }
    const churning = churn()
    await Promise.all(Array.from({ length: 4 }, send))
    done = true
    await churning

    const stored = await fixtures.db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: id }, orderBy: { seq: 'asc' }, select: { seq: true, isPrivate: true } }))
    expect(stored).toHaveLength(MESSAGES + 1)
    const all = stored.map((m) => m.seq)
    const visible = stored.filter((m) => !m.isPrivate).map((m) => m.seq)
    await eventually(() => agent.watermark === all.at(-1) && visitor.watermark === visible.at(-1), 10_000, 'both clients to hold the last message')
    expect(agent.applied).toEqual(all)
    expect(visitor.applied).toEqual(visible)
    console.log(
      `message order: ${MESSAGES} messages over 2 processes, ${RECONNECTS} reconnects each; ` +
        `announcements not applied at once (out of order or after a gap): agent ${agent.outOfOrder}, visitor ${visitor.outOfOrder}; syncs: agent ${agent.syncs}, visitor ${visitor.syncs}`,
    )
    visitor.socket?.disconnect()
    agent.socket?.disconnect()
  }, 120_000)
})
