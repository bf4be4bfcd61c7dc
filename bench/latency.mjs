// Latency: visitor→agent delivery at a fixed rate, against bare Socket.io 4.8 in the same run.
//
// One site, one agent socket, BENCH_LATENCY_VISITORS visitors (50) with a conversation each.
// Messages are sent open loop at BENCH_LATENCY_RATE (1,000/s in all), round robin over the
// visitors; a message's latency is from the moment it was due to be sent (not when the client got
// round to it, so a stalled sender counts against the figure) until the agent's socket receives
// its `message:created`. BENCH_WARMUP_SECONDS (2) are not counted, then BENCH_LATENCY_SECONDS
// (10) are. The ack's round trip (stored, for ours) is shown beside it.
import { agentAuth, clientId, connect, prepareSites, startConversation, visitorAuth } from './lib/chat.mjs'
import { tempDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, pool, quantile, round, sleep, verdict } from './lib/stats.mjs'

export const name = 'latency'

/** Ours' p99 at most this many times bare's. */
const GOAL = 3

export async function run() {
  const settings = {
    visitors: envNumber('BENCH_LATENCY_VISITORS', 50),
    rate: envNumber('BENCH_LATENCY_RATE', 1000),
    warmup: envNumber('BENCH_WARMUP_SECONDS', 2),
    seconds: envNumber('BENCH_LATENCY_SECONDS', 10),
  }
  const db = await tempDatabase()
  let bare, ours
  try {
    bare = await measure('bare', {}, settings)
    ours = await measure('ours', { databaseUrl: db.url }, settings)
  } finally {
    await db.drop()
  }
  const ratio = ours.p99 / bare.p99
  const ok = ratio <= GOAL && ours.undelivered === 0
  const rows = [bare, ours]
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        r.kind,
        {
          'sent/s': round(r.sentPerSecond, 0),
          'delivery p50 ms': round(r.p50, 2),
          'delivery p99 ms': round(r.p99, 2),
          'delivery max ms': round(r.max, 1),
          'ack p50 ms': round(r.ackP50, 2),
          'ack p99 ms': round(r.ackP99, 2),
          samples: r.samples,
          'undelivered after +5 s': r.undelivered,
          errors: r.errors,
        },
      ]),
    ),
  )
  console.log(
    `latency at ${settings.rate} msg/s: ours p50 ${round(ours.p50, 2)} ms / p99 ${round(ours.p99, 2)} ms vs bare ${round(bare.p50, 2)} / ${round(bare.p99, 2)} ms: ` +
      `p99 ${round(ratio, 2)}× bare (p50 ${round(ours.p50 / bare.p50, 2)}×) · goal p99 ≤ ${GOAL}× bare · ${verdict(ok)}`,
  )
  return {
    name,
    settings,
    rows,
    ratio: round(ratio, 3),
    p50Ratio: round(ours.p50 / bare.p50, 3),
    goal: `ours p99 ≤ ${GOAL}× bare p99`,
    status: verdict(ok),
    ok,
  }
}

async function measure(kind, options, { visitors, rate, warmup, seconds }) {
  const server = await startServer(kind, options)
  const sockets = []
  try {
    const [site] = await prepareSites(server, 1)
    const agent = await connect(server.url, '/agent', agentAuth(server, site))
    sockets.push(agent)
    const senders = await pool(Array.from({ length: visitors }), 8, async () => {
      const socket = await connect(server.url, '/visitor', await visitorAuth(server, site))
      sockets.push(socket)
      return { socket, conversationId: await startConversation(socket) }
    })

    /** clientId → when it was due, for the messages being measured. */
    const due = new Map()
    const delivery = []
    const acks = []
    let errors = 0
    let firstError
    agent.on('message:created', (m) => {
      const t = due.get(m.clientId)
      if (t === undefined) return
      due.delete(m.clientId)
      delivery.push(performance.now() - t)
    })
    const send = (at, measured) => {
      const s = senders[sent % senders.length]
      const id = clientId()
      if (measured) due.set(id, at)
      s.socket.emit('message:send', { conversationId: s.conversationId, clientId: id, text: 'Do you ship to Norway?' }, (reply) => {
        if (!reply?.ok) {
          errors++
          firstError ??= reply?.error
          due.delete(id)
        } else if (measured) acks.push(performance.now() - at)
      })
    }

    // Open loop: every millisecond, send what is due by now.
    const total = Math.round(rate * (warmup + seconds))
    const warmupCount = Math.round(rate * warmup)
    const interval = 1000 / rate
    let sent = 0
    const start = performance.now()
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now()
        while (sent < total && start + sent * interval <= now) {
          send(start + sent * interval, sent >= warmupCount)
          sent++
        }
        if (sent >= total) {
          clearInterval(timer)
          resolve()
        }
      }, 1)
    })
    const elapsed = (performance.now() - start) / 1000
    // Let the last ones arrive (up to 5 s; a server that cannot keep up has a backlog left).
    for (let i = 0; i < 100 && due.size > 0; i++) await sleep(50)
    if (firstError) console.warn(`  ${kind}: ${errors} sends failed, the first with ${JSON.stringify(firstError)}`)
    return {
      kind,
      sentPerSecond: sent / elapsed,
      samples: delivery.length,
      p50: quantile(delivery, 0.5),
      p99: quantile(delivery, 0.99),
      max: quantile(delivery, 1),
      ackP50: quantile(acks, 0.5),
      ackP99: quantile(acks, 0.99),
      undelivered: due.size,
      errors,
    }
  } finally {
    for (const s of sockets) s.disconnect()
    await server.stop()
  }
}
