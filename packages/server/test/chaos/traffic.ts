// Conversation traffic for the chaos tests, and its books: every message a client is asked to
// send (its clientId, taken from the outbox the moment send() is called), every `message` event
// each client sees, and at the end the rows in Postgres. sent == stored == received, each once,
// and every client saw every seq of its conversations with no gap.
import pg from 'pg'
import { AgentClient, LiveChatClient, type Message, type SocketClientOptions } from '@live-chat/sdk'
import { eventually } from '../helpers.js'

/** How many sockets (both namespaces) a server process holds, from its /metrics. */
export async function socketsOn(serverUrl: string): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text()
  return [...text.matchAll(/^livechat_socket_connections\{namespace="\w+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0)
}

/** Websocket only: a load balancer without sticky sessions cannot carry long-polling. Reconnect fast. */
export const socketOptions: SocketClientOptions = { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 }

export interface Pair {
  visitor: LiveChatClient
  agent: AgentClient
  conversationId: string
}

interface Sent {
  clientId: string
  conversationId: string
  side: 'visitor' | 'agent'
  done: Promise<Message>
}

export interface Counts {
  sent: number
  /** Rows in Postgres with a sent clientId (each once: `doubled` says otherwise). */
  stored: number
  /** `message` events on the other side carrying a sent clientId. */
  received: number
  problems: string[]
}

export class Traffic {
  readonly sent: Sent[] = []
  /** Every `message` event each client saw. */
  private readonly seen = new Map<LiveChatClient | AgentClient, Message[]>()
  private disconnects = 0

  pairs: Pair[] = []

  /** Watches the clients from now on (before their conversations start: seq 1 counts too). */
  constructor(visitors: LiveChatClient[], agents: AgentClient[]) {
    const watch = (c: { on(e: 'message', fn: (m: Message) => void): unknown; on(e: 'disconnected', fn: () => void): unknown }) => {
      const list: Message[] = []
      this.seen.set(c as LiveChatClient | AgentClient, list)
      c.on('message', (m) => list.push(m))
      c.on('disconnected', () => this.disconnects++)
    }
    visitors.forEach(watch)
    agents.forEach(watch)
  }

  /** Opens a conversation for each visitor and gives it an agent (round robin). */
  async open(visitors: LiveChatClient[], agents: AgentClient[]): Promise<void> {
    this.pairs = await Promise.all(
      visitors.map(async (visitor, i) => {
        const { conversation } = await visitor.startConversation()
        const agent = agents[i % agents.length]!
        // The agent follows the conversation from its first seq (synced after every reconnect).
        agent.watch(conversation.id, 0)
        return { visitor, agent, conversationId: conversation.id }
      }),
    )
  }

  /** How many times a client's socket dropped since the traffic started watching. */
  get disconnected(): number {
    return this.disconnects
  }

  /** Asks one side of a pair to send a message; books its clientId at once. */
  send(pair: Pair, side: 'visitor' | 'agent', text: string): void {
    const client = side === 'visitor' ? pair.visitor : pair.agent
    const done = client.send(pair.conversationId, text)
    // send() queues synchronously: the newest entry of the outbox is this one.
    const entry = client.pendingMessages(pair.conversationId).at(-1)!
    done.catch(() => undefined) // judged in count()
    this.sent.push({ clientId: entry.clientId, conversationId: pair.conversationId, side, done })
  }

  /**
   * Both sides of every pair send `perSide` messages, one every `intervalMs` (not waiting for
   * acks: the outboxes queue them). `during` runs once a third of them have been asked for.
   */
  async run(perSide: number, intervalMs: number, during: () => Promise<void>): Promise<void> {
    let fault: Promise<void> | undefined
    const third = Math.floor((perSide * this.pairs.length * 2) / 3)
    for (let n = 0; n < perSide; n++) {
      this.pairs.forEach((pair, i) => {
        this.send(pair, 'visitor', `v${i}:${n}`)
        this.send(pair, 'agent', `a${i}:${n}`)
      })
      if (!fault && this.sent.length >= third) fault = during()
      await new Promise((r) => setTimeout(r, intervalMs))
    }
    await fault
  }

  /** Waits for every send to be acked, then until every message reached the other side (or `ms`). */
  async settle(ms: number): Promise<void> {
    await Promise.race([
      Promise.allSettled(this.sent.map((s) => s.done)),
      new Promise((r) => setTimeout(r, ms)),
    ])
    await eventually(() => this.missing().length === 0, ms, 'every message on the other side').catch(() => undefined)
  }

  /** The books, checked against Postgres (`databaseUrl`: a login that sees every row, e.g. the owner). */
  async count(databaseUrl: string): Promise<Counts> {
    const problems: string[] = []
    const acked = await Promise.allSettled(this.sent.map((s) => s.done))
    acked.forEach((r, i) => {
      if (r.status === 'rejected') problems.push(`send ${this.sent[i]!.clientId} failed: ${String(r.reason)}`)
    })
    const ids = [...new Set(this.pairs.map((p) => p.conversationId))]
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    let rows: { client_id: string | null; n: number }[]
    let last: { id: string; last_seq: number }[]
    try {
      rows = (await db.query(`SELECT client_id, count(*)::int AS n FROM mod_chat_messages WHERE conversation_id = ANY($1::uuid[]) AND sender_type IN ('visitor', 'agent') GROUP BY client_id`, [ids])).rows
      last = (await db.query(`SELECT id, last_seq FROM mod_chat_conversations WHERE id = ANY($1::uuid[])`, [ids])).rows
    } finally {
      await db.end()
    }
    const storedCount = new Map(rows.map((r) => [r.client_id, r.n]))
    let stored = 0
    for (const s of this.sent) {
      const n = storedCount.get(s.clientId) ?? 0
      stored += n
      if (n !== 1) problems.push(`${s.side} message ${s.clientId} stored ${n} times`)
    }
    const sentIds = new Set(this.sent.map((s) => s.clientId))
    for (const r of rows) if (!sentIds.has(r.client_id ?? '')) problems.push(`a stored message nobody sent: ${r.client_id}`)

    let received = 0
    const got = this.received()
    for (const s of this.sent) {
      const n = got.get(s.clientId) ?? 0
      received += n
      if (n !== 1) problems.push(`${s.side} message ${s.clientId} received ${n} times by the other side`)
    }
    // No gaps: each side saw every seq of its conversation, each once.
    for (const { id, last_seq } of last) {
      for (const pair of this.pairs.filter((p) => p.conversationId === id)) {
        for (const [side, client] of [['visitor', pair.visitor], ['agent', pair.agent]] as const) {
          const seqs = this.seen.get(client)!.filter((m) => m.conversationId === id).map((m) => m.seq)
          const expected = Array.from({ length: last_seq }, (_, i) => i + 1)
          if (JSON.stringify([...seqs].sort((a, b) => a - b)) !== JSON.stringify(expected))
            problems.push(`the ${side} of ${id} saw seqs ${summary(seqs)}, not 1..${last_seq} once each`)
        }
      }
    }
    return { sent: this.sent.length, stored, received, problems }
  }

  /** clientId → how many times the other side saw it. */
  private received(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const pair of this.pairs) {
      for (const [client, from] of [[pair.agent, 'visitor'], [pair.visitor, 'agent']] as const) {
        for (const m of this.seen.get(client)!) {
          if (m.conversationId !== pair.conversationId || m.senderType !== from || !m.clientId) continue
          counts.set(m.clientId, (counts.get(m.clientId) ?? 0) + 1)
        }
      }
    }
    return counts
  }

  private missing(): Sent[] {
    const got = this.received()
    return this.sent.filter((s) => !got.has(s.clientId))
  }
}

function summary(seqs: number[]): string {
  const sorted = [...seqs].sort((a, b) => a - b)
  return sorted.length > 12 ? `${sorted.slice(0, 5).join(',')} … ${sorted.slice(-5).join(',')} (${sorted.length})` : sorted.join(',')
}
