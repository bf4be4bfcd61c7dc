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
// sent when the ack of the last arrives. BENCH_WARMUP_SECONDS (2) are not counted, then
// BENCH_SECONDS (8) are. Also shown: messages per CPU-second of the server process, a figure
// that holds better than wall-clock rates when other work shares the machine.
import { agentAuth, clientId, connect, prepareSites, startConversation, visitorAuth } from './lib/chat.mjs'
import { tempDatabase, withDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, pool, round, sleep, verdict } from './lib/stats.mjs'

export const name = 'throughput'

const GOAL = 0.25

export async function run() {
  const levels = (process.env.BENCH_PAIRS ?? '25,100,250').split(',').map(Number)
  if (levels.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_PAIRS must be a comma-separated list of conversation counts')
  const window = envNumber('BENCH_WINDOW', 1)
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2)
  const seconds = envNumber('BENCH_SECONDS', 8)
  const results = []
  for (const pairs of levels) {
    const db = await tempDatabase()
    let bare, ours
    try {
      bare = await measure('bare', {}, { pairs, window, warmup, seconds })
      ours = await measure('ours', { databaseUrl: db.url }, { pairs, window, warmup, seconds })
      ours.stored = await withDatabase(db.name, async (c) => Number((await c.query("SELECT count(*) AS n FROM mod_chat_messages WHERE sender_type <> 'system'")).rows[0].n))
    } finally {
      await db.drop()
    }
    const ratio = ours.perSecond / bare.perSecond
    const cpuRatio = ours.perCpuSecond / bare.perCpuSecond
    const ok = ratio >= GOAL && ours.stored === ours.ackedTotal && ours.errors === 0
    results.push({ pairs, rows: [bare, ours], ratio: round(ratio, 4), cpuRatio: round(cpuRatio, 4), status: verdict(ok), ok })
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
        `(per server CPU-second: ${round(r.cpuRatio * 100, 1)}%) · goal ≥ ${GOAL * 100}% · ${r.status}`,
    )
  }
  const ok = results.every((r) => r.ok)
  return {
    name,
    settings: { levels, window, warmupSeconds: warmup, seconds },
    levels: results,
    goal: `ours ≥ ${GOAL * 100}% of bare msg/s at every level`,
    status: verdict(ok),
    ok,
  }
}

async function measure(kind, options, { pairs, window, warmup, seconds }) {
  const server = await startServer(kind, options)
  const sockets = []
  try {
    const sites = await prepareSites(server, pairs)
    const convs = await pool(sites, 8, async (site) => {
      const agent = await connect(server.url, '/agent', agentAuth(server, site))
      const visitor = await connect(server.url, '/visitor', await visitorAuth(server, site))
      sockets.push(agent, visitor)
      return { agent, visitor, conversationId: await startConversation(visitor) }
    })

    let running = true
    let measuring = false
    let acked = 0
    let ackedTotal = 0
    let delivered = 0
    let errors = 0
    let firstError
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
        if (measuring) acked++
      }
    }
    for (const c of convs) {
      // Deliveries to the other side (bare also echoes each message to its sender; not counted).
      c.agent.on('message:created', (m) => {
        if (measuring && m.senderType === 'visitor') delivered++
      })
      c.visitor.on('message:created', (m) => {
        if (measuring && m.senderType === 'agent') delivered++
      })
    }
    const loops = convs.flatMap((c) =>
      Array.from({ length: window }, () => [loop(c.visitor, c.conversationId), loop(c.agent, c.conversationId)]).flat(),
    )
    await sleep(warmup * 1000)
    const cpu0 = await server.call('cpu')
    const t0 = performance.now()
    measuring = true
    await sleep(seconds * 1000)
    measuring = false
    const elapsed = (performance.now() - t0) / 1000
    const cpu = ((await server.call('cpu')) - cpu0) / 1e6
    running = false
    await Promise.all(loops)
    if (firstError) console.warn(`  ${kind}: ${errors} sends failed, the first with ${JSON.stringify(firstError)}`)
    return {
      kind,
      perSecond: acked / elapsed,
      deliveredPerSecond: delivered / elapsed,
      perCpuSecond: acked / cpu,
      serverCpuSeconds: round(cpu, 2),
      seconds: round(elapsed, 2),
      acked,
      ackedTotal,
      delivered,
      errors,
    }
  } finally {
    for (const s of sockets) s.disconnect()
    await server.stop()
  }
}
