// Memory: the server's RSS per idle visitor connection at 1k / 10k / 50k / 100k connections on one
// server process, against bare Socket.io 4.8 holding the same connections, in the same run.
//
// The server runs in its own process (started with --expose-gc); RSS is read there once it has
// settled (collections until it stops going down, see server-child `rss`). Visitors are created
// over the REST API (POST …/visitor-sessions, one per connection) by a first server process, then
// connected over websocket only to a fresh one, 100 handshakes at a time, from client processes of
// their own (lib/idle-visitors.mjs, as the failover bench's: up to 25,000 sockets each) and from
// 127.0.0.2 and up (20,000 sockets an address: one address opens about 28k connections to a
// port); each level adds connections to the previous one. A few hundred connections are opened and closed first so that
// lazily built things (code, pools, caches) are in the baseline, not in the figure. Heap per connection
// (V8's live objects) is shown beside RSS: it moves less with the allocator's moods.
// Also printed: the connect rate and the server's CPU per handshake, over the handshakes alone
// (not the settling between levels), against bare's (issue 19 item 2).
//
// Then agents' sockets: BENCH_MEMORY_AGENT_SOCKETS (default 1000) dashboards of one agent who has
// BENCH_MEMORY_AGENT_CHATS (500) conversations open, connected on top of the visitors, each
// measured the same way (RSS and heap per socket, against bare's /agent sockets); shown beside the
// goal, not judged by it (the goal is the idle visitor's).
//
// BENCH_MEMORY_STEPS: the levels (default 1000,10000,50000,100000). Every connection is a file
// descriptor in the server's process: the soft `ulimit -n` must exceed the largest level and the
// agents' sockets (it is checked below, and higher levels are skipped with a warning; raise it in
// the shell that runs the bench, e.g. `ulimit -n 120000`, where the hard limit, `ulimit -Hn`, allows).
import { agentAuth, connect, prepareSites, visitorAuth } from './lib/chat.mjs'
import { tempDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, openFilesLimit, pool, round, sleep, verdict } from './lib/stats.mjs'
import path from 'node:path'
import { root } from './lib/servers.mjs'
import { forkIdleVisitors, socketsPerProcess } from './lib/idle-visitors-process.mjs'

export const name = 'memory'

const KB = 1024
// V8 grows its young generation under a burst of allocations (thousands of handshakes) and gives
// it back whenever it likes, and it drops the bytecode of functions unused for a few collections
// (start-up code) as the readings' forced collections go by: tens of MB of RSS that belong to no
// connection. Both servers run with the young generation fixed at 1 MB and bytecode kept, so the
// figures are the connections' own memory.
const NODE_FLAGS = ['--min-semi-space-size=1', '--max-semi-space-size=1', '--no-flush-bytecode']
// Likewise glibc's malloc keeps freed memory in per-thread arenas and gives it back when it
// likes (a baseline could hold 20 MB the first level then returns): small trim and mmap
// thresholds and two arenas make RSS follow what is in use, for both servers.
const ENV = { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=2' }
/** Ours' RSS per idle visitor connection at most this many times bare's, at every step (issue 19). */
const GOAL_RATIO = 1.1
/** Connections opened (in one batch, as the measured ones are) and closed before the baseline. */
const BATCH = 100
const WARM = 2 * BATCH
/** Visitor sockets per client process (lib/idle-visitors.mjs), and per source address. */
const PER_PROCESS = 25_000
const ADDRESS_SOCKETS = 20_000
const OPEN_TIMEOUT_MS = 600_000
const fixtures = path.join(root, 'bench/lib/fixtures.mjs')

export async function run() {
  let steps = (process.env.BENCH_MEMORY_STEPS ?? '1000,10000,50000,100000').split(',').map(Number)
  if (steps.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_MEMORY_STEPS must be a comma-separated list of connection counts')
  steps = [...new Set(steps)].sort((a, b) => a - b)
  const limit = openFilesLimit()
  const agentSockets = envNumber('BENCH_MEMORY_AGENT_SOCKETS', 1000)
  const agentChats = envNumber('BENCH_MEMORY_AGENT_CHATS', 500)
  const usable = limit - 500 - agentSockets
  if (steps.at(-1) > usable) {
    console.warn(`  ulimit -n is ${limit}: levels above ${usable} connections are skipped (run \`ulimit -n 120000\` first to measure them all, where the hard limit, \`ulimit -Hn\`, allows)`)
    steps = steps.filter((n) => n <= usable)
  }
  const db = await tempDatabase()
  let bare, ours
  try {
    bare = await measure('bare', {}, steps, { sockets: agentSockets, chats: agentChats })
    ours = await measure('ours', { databaseUrl: db.url }, steps, { sockets: agentSockets, chats: agentChats })
  } finally {
    await db.drop()
  }
  const rows = steps.map((n, i) => {
    const b = bare.levels[i]
    const o = ours.levels[i]
    const ok = o.perConnection <= GOAL_RATIO * b.perConnection
    return {
      connections: n,
      bareKB: round(b.perConnection / KB, 1),
      oursKB: round(o.perConnection / KB, 1),
      ratio: round(o.perConnection / b.perConnection, 2),
      bareDeltaMB: round(b.delta / KB / KB, 1),
      oursDeltaMB: round(o.delta / KB / KB, 1),
      bareHeapKB: round(b.heapPerConnection / KB, 1),
      oursHeapKB: round(o.heapPerConnection / KB, 1),
      bareHeapCommittedKB: round(b.heapCommittedPerConnection / KB, 1),
      oursHeapCommittedKB: round(o.heapCommittedPerConnection / KB, 1),
      goal: `≤ ${GOAL_RATIO}× bare`,
      status: verdict(ok),
      ok,
    }
  })
  const agents = {
    sockets: agentSockets,
    openConversations: agentChats,
    bareKB: round(bare.agents.perConnection / KB, 1),
    oursKB: round(ours.agents.perConnection / KB, 1),
    ratio: round(ours.agents.perConnection / bare.agents.perConnection, 2),
    bareHeapKB: round(bare.agents.heapPerConnection / KB, 1),
    oursHeapKB: round(ours.agents.heapPerConnection / KB, 1),
  }
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        `${r.connections} connections`,
        {
          'bare KB/conn': r.bareKB,
          'ours KB/conn': r.oursKB,
          'ours/bare': r.ratio,
          'bare ΔRSS MB': r.bareDeltaMB,
          'ours ΔRSS MB': r.oursDeltaMB,
          'bare heap KB/conn': r.bareHeapKB,
          'ours heap KB/conn': r.oursHeapKB,
          goal: r.goal,
          status: r.status,
        },
      ]).concat([
        [
          `${agents.sockets} agent sockets`,
          {
            'bare KB/conn': agents.bareKB,
            'ours KB/conn': agents.oursKB,
            'ours/bare': agents.ratio,
            'bare heap KB/conn': agents.bareHeapKB,
            'ours heap KB/conn': agents.oursHeapKB,
            goal: `measured (${agents.openConversations} open chats)`,
          },
        ],
      ]),
    ),
  )
  console.log(
    `memory: ours ${rows.map((r) => `${r.oursKB} KB`).join(' / ')} per idle visitor connection at ${steps.join(' / ')} ` +
      `(${rows.map((r) => `${r.ratio}×`).join(' / ')} bare's ${rows.map((r) => `${r.bareKB} KB`).join(' / ')}) · goal ≤ ${GOAL_RATIO}× bare at each step · ${verdict(rows.every((r) => r.ok))}`,
  )
  console.log(
    `memory: connect rate (handshakes only, ${BATCH} at a time, from ${plural(clientProcesses(steps.at(-1)), 'client process', 'client processes')}): ours ${ours.connect.perSecond}/s, bare ${bare.connect.perSecond}/s; ` +
      `server CPU per handshake: ours ${ours.connect.cpuMicrosPerHandshake} µs = ${round(ours.connect.cpuMicrosPerHandshake / bare.connect.cpuMicrosPerHandshake, 1)}× bare's ${bare.connect.cpuMicrosPerHandshake} µs`,
  )
  console.log(
    `memory: ours ${agents.oursKB} KB per agent socket (${agents.sockets} dashboards of an agent with ${agents.openConversations} open conversations, on top of the visitors) = ${agents.ratio}× bare's ${agents.bareKB} KB; heap ${agents.oursHeapKB} KB vs ${agents.bareHeapKB} KB`,
  )
  return {
    name,
    settings: { steps, openFilesLimit: limit, agentSockets, agentChats },
    agents,
    baselines: { bare: bare.baseline, ours: ours.baseline },
    timings: { bare: { sessionsSeconds: bare.sessionsSeconds, connectSeconds: bare.connectSeconds }, ours: { sessionsSeconds: ours.sessionsSeconds, connectSeconds: ours.connectSeconds } },
    connect: { bare: bare.connect, ours: ours.connect, cpuRatio: round(ours.connect.cpuMicrosPerHandshake / bare.connect.cpuMicrosPerHandshake, 2) },
    rows,
    goal: `ours ≤ ${GOAL_RATIO}× bare's RSS per idle visitor connection at every step`,
    status: verdict(rows.every((r) => r.ok)),
    ok: rows.every((r) => r.ok),
  }
}

async function measure(kind, options, steps, agentLevel) {
  const max = steps.at(-1)
  // The sessions are made by one server process and used on a fresh one (tokens outlive it), so
  // that the memory of making them is not in the baseline.
  const maker = await startServer(kind, options)
  const t0 = performance.now()
  let site, auths
  try {
    ;[site] = await prepareSites(maker, 1)
    auths = await pool(Array.from({ length: max + WARM }), 16, () => visitorAuth(maker, site))
    if (kind === 'ours') await maker.invoke(fixtures, 'openConversations', { siteId: site.siteId, agentToken: site.agentToken, count: agentLevel.chats })
  } finally {
    await maker.kill()
  }
  const sessionsSeconds = (performance.now() - t0) / 1000
  if (kind === 'ours') process.stdout.write(`  ours: ${auths.length} visitor sessions created over HTTP in ${round(sessionsSeconds, 0)} s\n`)
  const server = await startServer(kind, { ...options, migrate: false }, NODE_FLAGS, ENV)
  const sockets = []
  const clients = Array.from({ length: clientProcesses(max) }, () => forkIdleVisitors())
  try {
    // Warm up: connect and leave, so what is built once is in the baseline.
    const warm = forkIdleVisitors()
    await opened(warm.open(server.url, auths.slice(max).map((auth, i) => ({ auth, address: addressOf(i) })), BATCH))
    await warm.close()
    await settle(server, 0)
    const baseline = await server.rss()
    const levels = []
    const t1 = performance.now()
    // The handshakes alone (not the settling between levels): wall time and the server's CPU.
    const handshakes = { ms: 0, cpuMicros: 0 }
    for (const n of steps) {
      const cpu0 = await server.call('cpu')
      const h0 = performance.now()
      // The level's new visitors, dealt over the client processes, BATCH handshakes at a time in all.
      const from = levels.at(-1)?.connections ?? 0
      const share = clients.map(() => [])
      for (let i = from; i < n; i++) share[i % clients.length].push({ auth: auths[i], address: addressOf(i) })
      await opened(Promise.all(clients.map((c, k) => c.open(server.url, share[k], Math.ceil(BATCH / clients.length)))))
      handshakes.ms += performance.now() - h0
      handshakes.cpuMicros += (await server.call('cpu')) - cpu0
      await settle(server, n)
      const m = await server.rss()
      levels.push({
        connections: n,
        rss: m.rss,
        delta: m.rss - baseline.rss,
        perConnection: (m.rss - baseline.rss) / n,
        heapPerConnection: (m.heapUsed - baseline.heapUsed) / n,
        heapCommittedPerConnection: (m.heapTotal - baseline.heapTotal) / n,
      })
      process.stdout.write(`  ${kind}: ${n} connections, ${round((m.rss - baseline.rss) / n / KB, 1)} KB RSS each (${round((performance.now() - t1) / 1000, 0)} s)\n`)
    }
    // The agent's dashboards, on top of the visitors: measured from the last visitor level.
    const before = await server.rss()
    const agent = agentAuth(server, site)
    for (let i = 0; i < agentLevel.sockets; i += BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, agentLevel.sockets - i) }, () => connect(server.url, '/agent', agent, 120_000)))
      sockets.push(...batch)
    }
    await settle(server, max, agentLevel.sockets)
    const m = await server.rss()
    const agents = {
      perConnection: (m.rss - before.rss) / agentLevel.sockets,
      heapPerConnection: (m.heapUsed - before.heapUsed) / agentLevel.sockets,
    }
    process.stdout.write(`  ${kind}: ${agentLevel.sockets} agent sockets, ${round(agents.perConnection / KB, 1)} KB RSS each\n`)
    const rate = { perSecond: round((max * 1000) / handshakes.ms, 0), cpuMicrosPerHandshake: round(handshakes.cpuMicros / max, 0) }
    return { kind, baseline, levels, agents, connect: rate, sessionsSeconds: round(sessionsSeconds, 1), connectSeconds: round((performance.now() - t1) / 1000, 1) }
  } finally {
    // Closing 100k sockets one by one is slow and measures nothing: the process goes, then the clients.
    await server.kill()
    for (const s of sockets) s.disconnect()
    await Promise.all(clients.map((c) => c.close()))
  }
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`

/** Client processes for `n` idle visitors: one holds at most PER_PROCESS sockets (and `ulimit -n`). */
const clientProcesses = (n) => Math.ceil(n / socketsPerProcess(PER_PROCESS))

/** Visitor i's source address: 127.0.0.2 and up, one per ADDRESS_SOCKETS (one address opens about 28k connections to a port). */
const addressOf = (i) => `127.0.0.${2 + (Math.floor(i / ADDRESS_SOCKETS) % 250)}`

/** Sockets that do not all connect within OPEN_TIMEOUT_MS fail the bench (the server refused or hung). */
async function opened(connecting) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`memory: visitors not all connected within ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS)
  })
  try {
    return await Promise.race([connecting, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Waits until the server holds `n` visitor sockets (and `agents` agent sockets) and its connection work is done. */
async function settle(server, n, agents = 0) {
  for (let i = 0; i < 600; i++) {
    const { visitor, agent } = await server.call('sockets')
    if (visitor === n && agent === agents) break
    await sleep(100)
  }
  // The connections' own work (presence rows, announcements, the queue) goes on after their
  // handshakes: wait until the live heap stops moving (two readings a second apart within 1%).
  let last = await server.call('heap')
  for (let i = 0; i < 30; i++) {
    await sleep(1000)
    const now = await server.call('heap')
    if (Math.abs(now - last) <= 0.01 * last) break
    last = now
  }
}
