// Latency: visitor→agent delivery at a fixed rate, against bare Socket.io 4.8 in the same run.
//
// One site, one agent socket, BENCH_LATENCY_VISITORS visitors (50) with a conversation each, on
// each server. Messages are sent open loop at BENCH_LATENCY_RATE (1,000/s in all), round robin
// over the visitors; a message's latency is from the moment it was due to be sent (not when the
// client got round to it, so a stalled sender counts against the figure) until the agent's socket
// receives its `message:created`. The ack's round trip (stored, for ours) is shown beside it.
//
// Both servers stay up for the whole bench and are measured in BENCH_LATENCY_ROUNDS (3) rounds,
// taking turns (bare then ours, then ours then bare, ...): each round sends for
// BENCH_WARMUP_SECONDS (2), not counted, then for BENCH_LATENCY_SECONDS (10), counted. The
// figures are over every counted sample of a kind, all rounds together. On a small machine, one
// stall (another process, the VM's neighbour) in a single 10-second window moved one kind's p99
// by half or more; taking turns spreads the machine's moods over both kinds, and every round's own
// figures are printed and kept too.
import { agentAuth, clientId, connect, prepareSites, startConversation, visitorAuth } from './lib/chat.mjs'
import { tempDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, pool, quantile, round, sleep, takeTurns, verdict } from './lib/stats.mjs'

export const name = 'latency'

/** Ours' p99 at most this many times bare's, overall and in every round (issue 19). */
const GOAL = 2

export async function run() {
  const settings = {
    visitors: envNumber('BENCH_LATENCY_VISITORS', 50),
    rate: envNumber('BENCH_LATENCY_RATE', 1000),
    warmup: envNumber('BENCH_WARMUP_SECONDS', 2),
    seconds: envNumber('BENCH_LATENCY_SECONDS', 10),
    rounds: envNumber('BENCH_LATENCY_ROUNDS', 3),
  }
  const db = await tempDatabase()
  const rigs = []
  try {
    const bare = await rig('bare', {}, settings, rigs)
    const ours = await rig('ours', { databaseUrl: db.url }, settings, rigs)
    return report(settings, await takeTurns(bare, ours, settings.rounds, (one) => measure(one, settings)))
  } finally {
    for (const one of rigs) await one.close()
    await db.drop()
  }
}

/** `measured`: each kind's rounds, in order (see takeTurns). */
function report(settings, measured) {
  const rounds = measured.bare.map((b, i) => ({ bare: b, ours: measured.ours[i] }))
  const all = (kind) => summarize(kind, measured[kind])
  const bare = all('bare')
  const ours = all('ours')
  const ratio = ours.p99 / bare.p99
  const rows = [bare, ours]
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        `${r.kind} (${rounds.length} rounds)`,
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
  const perRound = rounds.map((r, i) => ({
    round: i + 1,
    bare: { p50: round(quantile(r.bare.delivery, 0.5), 2), p99: round(quantile(r.bare.delivery, 0.99), 2) },
    ours: { p50: round(quantile(r.ours.delivery, 0.5), 2), p99: round(quantile(r.ours.delivery, 0.99), 2) },
    ratio: round(quantile(r.ours.delivery, 0.99) / quantile(r.bare.delivery, 0.99), 2),
  }))
  const ok = ratio <= GOAL && perRound.every((r) => r.ratio <= GOAL) && ours.undelivered === 0
  console.log(`  each round, p99 ours / bare: ${perRound.map((r) => `${r.ours.p99} / ${r.bare.p99} ms = ${r.ratio}×`).join(' · ')}`)
  console.log(
    `latency at ${settings.rate} msg/s: ours p50 ${round(ours.p50, 2)} ms / p99 ${round(ours.p99, 2)} ms vs bare ${round(bare.p50, 2)} / ${round(bare.p99, 2)} ms: ` +
      `p99 ${round(ratio, 2)}× bare (p50 ${round(ours.p50 / bare.p50, 2)}×) · goal p99 ≤ ${GOAL}× bare overall and in every round · ${verdict(ok)}`,
  )
  return {
    name,
    settings,
    rows: rows.map(({ delivery, acks, ...r }) => r),
    rounds: perRound,
    ratio: round(ratio, 3),
    p50Ratio: round(ours.p50 / bare.p50, 3),
    goal: `ours p99 ≤ ${GOAL}× bare p99, overall and in every round`,
    status: verdict(ok),
    ok,
  }
}

/** One kind's figures over the samples of all its rounds. */
function summarize(kind, measured) {
  const delivery = measured.flatMap((m) => m.delivery)
  const acks = measured.flatMap((m) => m.acks)
  const sum = (f) => measured.reduce((a, m) => a + f(m), 0)
  return {
    kind,
    sentPerSecond: sum((m) => m.sent) / sum((m) => m.elapsed),
    samples: delivery.length,
    p50: quantile(delivery, 0.5),
    p99: quantile(delivery, 0.99),
    max: quantile(delivery, 1),
    ackP50: quantile(acks, 0.5),
    ackP99: quantile(acks, 0.99),
    undelivered: sum((m) => m.undelivered),
    errors: sum((m) => m.errors),
    delivery,
    acks,
  }
}

/** A server with its agent and visitors connected, each visitor with a conversation; close() ends it. */
async function rig(kind, options, { visitors }, rigs) {
  const server = await startServer(kind, options)
  const sockets = []
  const one = {
    kind,
    sockets,
    async close() {
      for (const s of sockets) s.disconnect()
      await server.stop()
    },
  }
  rigs.push(one)
  const [site] = await prepareSites(server, 1)
  one.agent = await connect(server.url, '/agent', agentAuth(server, site))
  sockets.push(one.agent)
  one.senders = await pool(Array.from({ length: visitors }), 8, async () => {
    const socket = await connect(server.url, '/visitor', await visitorAuth(server, site))
    sockets.push(socket)
    return { socket, conversationId: await startConversation(socket) }
  })
  return one
}

/** One round on one server: the warm-up, then the counted sends; the delivery and ack latencies of those. */
async function measure({ kind, agent, senders }, { rate, warmup, seconds }) {
  /** clientId → when it was due, for the messages being measured. */
  const due = new Map()
  const delivery = []
  const acks = []
  let errors = 0
  let firstError
  const received = (m) => {
    const t = due.get(m.clientId)
    if (t === undefined) return
    due.delete(m.clientId)
    delivery.push(performance.now() - t)
  }
  agent.on('message:created', received)
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
  agent.off('message:created', received)
  if (firstError) console.warn(`  ${kind}: ${errors} sends failed, the first with ${JSON.stringify(firstError)}`)
  return { delivery, acks, sent, elapsed, undelivered: due.size, errors }
}
