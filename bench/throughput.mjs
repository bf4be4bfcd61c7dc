// Throughput: visitor↔agent messages per second, every one of ours stored before its ack,
// against bare Socket.io 4.8 doing the same room broadcast with acks, in the same run.
//
// BENCH_PAIRS conversations (a list of levels, default 25,100,250, each measured on both servers
// and judged apart; the bench passes when every level does), each in its own site with one
// agent, so every message reaches one agent and the visitor's own room on both servers (the bare
// server broadcasts like ours: to `site:<id>` in /agent and `visitor:<id>` in /visitor; ours
// leaves out the socket that sent the message, whose ack carries it, where bare's plain broadcast
// echoes it back too, so bare writes three packets per message and ours two). Visitor and agent
// both send, closed loop: BENCH_WINDOW messages in flight per socket (default 1), the next one
// sent when the ack of the last arrives. Also shown: messages per CPU-second of the server
// process, a figure that holds better than wall-clock rates when other work shares the machine.
//
// At each level both servers stay up and take turns over BENCH_ROUNDS (3) rounds (bare then
// ours, then ours then bare, ...), as in latency.mjs: each round sends for BENCH_WARMUP_SECONDS
// (2), not counted, then BENCH_SECONDS (5), counted; a kind's rate is its messages over its
// seconds, all rounds together, and each round's ratio is printed and kept too.
import { agentAuth, clientId, connect, prepareSites, startConversation, visitorAuth } from './lib/chat.mjs'
import { tempDatabase, withDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, pool, round, sleep, takeTurns, verdict } from './lib/stats.mjs'

export const name = 'throughput'

/** The goal (issue 19) at a level: ours ≥ this share of bare's msg/s, overall and in every round. */
const goalAt = (pairs) => (pairs >= 250 ? 0.6 : 0.5)

export async function run() {
  const levels = (process.env.BENCH_PAIRS ?? '25,100,250').split(',').map(Number)
  if (levels.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_PAIRS must be a comma-separated list of conversation counts')
  const window = envNumber('BENCH_WINDOW', 1)
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2)
  const seconds = envNumber('BENCH_SECONDS', 5)
  const rounds = envNumber('BENCH_ROUNDS', 3)
  const results = []
  for (const pairs of levels) {
    const db = await tempDatabase()
    const rigs = []
    let bare, ours, perRound
    try {
      const bareRig = await rig('bare', {}, pairs, rigs)
      const oursRig = await rig('ours', { databaseUrl: db.url }, pairs, rigs)
      const measured = await takeTurns(bareRig, oursRig, rounds, (one) => measure(one, { window, warmup, seconds }))
      bare = summarize('bare', measured.bare)
      ours = summarize('ours', measured.ours)
      perRound = measured.ours.map((o, i) => round((100 * o.acked) / o.seconds / (measured.bare[i].acked / measured.bare[i].seconds), 1))
      for (const one of rigs.splice(0)) await one.close()
      ours.stored = await withDatabase(db.name, async (c) => Number((await c.query("SELECT count(*) AS n FROM mod_chat_messages WHERE sender_type <> 'system'")).rows[0].n))
    } finally {
      for (const one of rigs) await one.close()
      await db.drop()
    }
    const ratio = ours.perSecond / bare.perSecond
    const cpuRatio = ours.perCpuSecond / bare.perCpuSecond
    const goal = goalAt(pairs)
    const ok = ratio >= goal && perRound.every((x) => x >= goal * 100) && ours.stored === ours.ackedTotal && ours.errors === 0
    results.push({ pairs, rows: [bare, ours], ratio: round(ratio, 4), cpuRatio: round(cpuRatio, 4), rounds: perRound, goal, status: verdict(ok), ok })
  }
  const table = {}
  for (const r of results) {
    for (const x of r.rows) {
      table[`${r.pairs} conversations, ${x.kind}`] = {
        'msg/s (acked)': round(x.perSecond, 0),
        'delivered/s': round(x.deliveredPerSecond, 0),
        'msg per server CPU-s': round(x.perCpuSecond, 0),
        errors: x.errors,
        stored: x.kind === 'ours' ? `${x.stored} of ${x.ackedTotal} acked` : '—',
        'ours/bare': x.kind === 'ours' ? `${round(r.ratio * 100, 1)}%` : '',
      }
    }
  }
  console.table(table)
  for (const r of results) {
    const [bare, ours] = r.rows
    console.log(
      `throughput, ${r.pairs} conversations: ours ${round(ours.perSecond, 0)} msg/s = ${round(r.ratio * 100, 1)}% of bare ${round(bare.perSecond, 0)} msg/s ` +
        `(per server CPU-second: ${round(r.cpuRatio * 100, 1)}%; each round: ${r.rounds.map((x) => `${x}%`).join(', ')}) · goal ≥ ${r.goal * 100}% overall and in every round · ${r.status}`,
    )
  }
  const ok = results.every((r) => r.ok)
  return {
    name,
    settings: { levels, window, warmupSeconds: warmup, seconds, rounds },
    levels: results,
    goal: `ours ≥ ${goalAt(1) * 100}% of bare msg/s (≥ ${goalAt(250) * 100}% from 250 conversations) at every level, overall and in every round`,
    status: verdict(ok),
    ok,
  }
}

/** One kind's figures over all its rounds. */
function summarize(kind, measured) {
  const sum = (f) => measured.reduce((a, m) => a + f(m), 0)
  const elapsed = sum((m) => m.seconds)
  const cpu = sum((m) => m.cpu)
  return {
    kind,
    perSecond: sum((m) => m.acked) / elapsed,
    deliveredPerSecond: sum((m) => m.delivered) / elapsed,
    perCpuSecond: sum((m) => m.acked) / cpu,
    serverCpuSeconds: round(cpu, 2),
    seconds: round(elapsed, 2),
    acked: sum((m) => m.acked),
    ackedTotal: sum((m) => m.ackedTotal),
    delivered: sum((m) => m.delivered),
    errors: sum((m) => m.errors),
  }
}

/** A server with `pairs` sites, each with its agent and a visitor in a conversation; close() ends it. */
async function rig(kind, options, pairs, rigs) {
  const server = await startServer(kind, options)
  const sockets = []
  const one = {
    kind,
    server,
    counts: { measuring: false, delivered: 0 },
    async close() {
      for (const s of sockets) s.disconnect()
      await server.stop()
    },
  }
  rigs.push(one)
  const sites = await prepareSites(server, pairs)
  one.convs = await pool(sites, 8, async (site) => {
    const agent = await connect(server.url, '/agent', agentAuth(server, site))
    const visitor = await connect(server.url, '/visitor', await visitorAuth(server, site))
    sockets.push(agent, visitor)
    return { agent, visitor, conversationId: await startConversation(visitor) }
  })
  for (const c of one.convs) {
    // Deliveries to the other side (bare also echoes each message to its sender; not counted).
    c.agent.on('message:created', (m) => {
      if (one.counts.measuring && m.senderType === 'visitor') one.counts.delivered++
    })
    c.visitor.on('message:created', (m) => {
      if (one.counts.measuring && m.senderType === 'agent') one.counts.delivered++
    })
  }
  return one
}

/** One round on one server: every socket sends in a closed loop; the warm-up, then the counted seconds. */
async function measure({ kind, server, convs, counts }, { window, warmup, seconds }) {
  let running = true
  let acked = 0
  let ackedTotal = 0
  let errors = 0
  let firstError
  counts.delivered = 0
  const text = 'Hello! Is the blue jacket still available in a medium size?'
  const loop = async (socket, conversationId) => {
    while (running) {
      const reply = await socket.emitWithAck('message:send', { conversationId, clientId: clientId(), text })
      if (!reply?.ok) {
        errors++
        firstError ??= reply?.error
        continue
      }
      ackedTotal++
      if (counts.measuring) acked++
    }
  }
  const loops = convs.flatMap((c) =>
    Array.from({ length: window }, () => [loop(c.visitor, c.conversationId), loop(c.agent, c.conversationId)]).flat(),
  )
  await sleep(warmup * 1000)
  const cpu0 = await server.call('cpu')
  const t0 = performance.now()
  counts.measuring = true
  await sleep(seconds * 1000)
  counts.measuring = false
  const elapsed = (performance.now() - t0) / 1000
  const cpu = ((await server.call('cpu')) - cpu0) / 1e6
  running = false
  await Promise.all(loops)
  if (firstError) console.warn(`  ${kind}: ${errors} sends failed, the first with ${JSON.stringify(firstError)}`)
  return { seconds: elapsed, cpu, acked, ackedTotal, delivered: counts.delivered, errors }
}
