// Failover: losing a server process under load, then a graceful scale-in (issue 19, items 4 and 5).
//
// Three of our server processes (Redis adapter, one temp database, TRUST_PROXY) behind Debian's
// nginx running the shipped deploy/nginx/live-chat.conf, rewritten for local ports as
// packages/server/test/deploy/nginx.test.ts `configFor` does (its [listen] line on a free port of
// 127.0.0.1, its [replica] line once per process; nothing else changes). The upstream is sticky by
// client address (`hash $remote_addr consistent`), so the clients are spread over the loopback
// addresses 127.0.0.2…127.0.0.(BENCH_FAILOVER_ADDRESSES + 1) (socket.io-client's `localAddress`,
// which engine.io-client hands to ws), which also lifts the ~28k ephemeral ports per address.
//
// Clients (raw socket.io-client sockets over websocket, with socket.io-client's default
// reconnection as the SDK leaves it: 1 s doubling to 5 s, randomizationFactor 0.5; the agents and
// the visitors who talk in this process, the idle visitors in processes of their own of up to
// 10,000 sockets each, lib/idle-visitors.mjs, which report every connect, drop and attempt here):
// BENCH_FAILOVER_AGENTS agents (50), each in its own site; BENCH_FAILOVER_VISITORS visitors
// (2,000) over those sites, idle but for BENCH_FAILOVER_PAIRS of them (4 per agent) who each have
// a conversation with their site's agent. Over those conversations visitors and agents exchange
// BENCH_FAILOVER_RATE messages a second in all (200), open loop, each with its own clientId,
// through an outbox per socket that does what the SDK's does (packages/sdk/src/outbox.ts): one
// message in flight, sent only while connected, resent with the same clientId after a reconnect,
// after an ack timeout (10 s) or a retryable error (backoff 1 s doubling); a non-retryable error
// drops it (and counts as an error). On every (re)connect a client first syncs its conversations
// from the last seq it holds (messages:sync, as the SDK does), then its outbox flushes.
//
// Then, with BENCH_FAILOVER_STEADY_SECONDS (10) of steady traffic before each step and after it:
// - phase A (node loss): the process holding the most sockets is killed (SIGKILL);
// - the lost process is replaced (a new one on its port, as an orchestrator would), then
// - phase B (scale-in): the process holding the most sockets gets SIGTERM (the server drains:
//   new commands are refused with a retryable error, in-flight ones finish, transports close).
// For each: the time until every client is connected again, reconnects per second (peak), the
// clients' connect errors (refused handshakes: those with an error body), nginx's 5xx answers,
// each dropped client's time away (p50/p99/max), and delivery latency (from when a message was due
// to when the other side first had it, live or by sync) before the step and during its storm
// (from the signal until all are back). After the traffic stops and every outbox is empty, both
// sides sync every conversation from the start; then the books, by the phase a message was due
// in: sent, acked, stored (rows by clientId in Postgres), received by the other side, lost (sent
// and never stored) and doubled (two rows for a clientId, or two different messages received for
// one). A resend is announced again by design (the other side drops the repeat by its seq/id, as
// the SDK does): those repeats are counted apart and are not doubles.
//
// PASS: lost = doubled = 0, every client back after both steps, no connect error in phase A (the
// reconnects stayed within what the survivors took: no handshake timed out, was refused or got a
// 502 from nginx), and no error any visitor saw in
// phase B (a refused handshake, a disconnect the client does not recover from by itself, an ack
// error the SDK would report). Retryable refusals while draining are counted and shown: the
// SDK's outbox resends them, the visitor sees nothing.
//
// Every socket is a file descriptor in a client process, twice in an nginx worker and once in a
// server, and no process may hold more than `ulimit -n`: the idle visitors are spread over client
// processes and nginx runs as many workers as they take (the listening socket shared by the
// kernel, reuseport); a server holds half of the clients while one of three is down, which caps
// the visitors at 2 × (ulimit -n − 1000) (the issue's 20,000 visitors and 200 agents fit in a
// limit of 20,000). BENCH_REDIS_URL (or TEST_REDIS_URL, else redis://127.0.0.1:6379).
import crypto from 'node:crypto'
import fs from 'node:fs'
import { io } from 'socket.io-client'
import { agentAuth, ask, prepareSites, visitorAuth } from './lib/chat.mjs'
import { tempDatabase, withDatabase } from './lib/database.mjs'
import { startNginx } from './lib/nginx.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, openFilesLimit, pool, quantile, round, sleep, verdict } from './lib/stats.mjs'
import { forkIdleVisitors, socketsPerProcess } from './lib/idle-visitors-process.mjs'

export const name = 'failover'

const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const PROCESSES = 3
const ACK_TIMEOUT_MS = 10_000
/** How long a step may take until every client is back before the bench gives up waiting. */
const BACK_TIMEOUT_MS = 120_000

export async function run() {
  const settings = {
    visitors: envNumber('BENCH_FAILOVER_VISITORS', 2000),
    agents: envNumber('BENCH_FAILOVER_AGENTS', 50),
    rate: envNumber('BENCH_FAILOVER_RATE', 200),
    steady: envNumber('BENCH_FAILOVER_STEADY_SECONDS', 10),
    addresses: envNumber('BENCH_FAILOVER_ADDRESSES', 32),
  }
  const limit = openFilesLimit()
  // Every socket is a descriptor in a client process, in an nginx worker (twice: the client's and
  // the upstream's) and in a server. Client processes and nginx workers are added as the clients
  // need; a server holds half of them while one of the three is down: the cap.
  const usable = 2 * (limit - 1000) - settings.agents
  if (settings.visitors > usable) {
    console.warn(`  ulimit -n is ${limit}: ${settings.visitors} visitors capped to ${usable} (run \`ulimit -n 65536\` first for more)`)
    settings.visitors = usable
  }
  settings.pairs = Math.min(settings.visitors, envNumber('BENCH_FAILOVER_PAIRS', settings.agents * 4))
  const clients = settings.visitors + settings.agents
  const perWorker = socketsPerProcess(10_000)
  settings.clientProcesses = 1 + Math.ceil((settings.visitors - settings.pairs) / perWorker)
  console.log(
    `  ${PROCESSES} processes behind nginx, ${settings.visitors} visitors + ${settings.agents} agents from ${settings.addresses} addresses, ` +
      `${settings.pairs} conversations exchanging ${settings.rate} msg/s; reconnection: socket.io-client's defaults (what the SDK uses); ` +
      `clients in ${settings.clientProcesses} processes (the idle visitors in ${settings.clientProcesses - 1})`,
  )

  const db = await tempDatabase()
  const servers = []
  let nginx
  const all = []
  const workers = []
  try {
    const common = { databaseUrl: db.url, redisUrl: REDIS_URL, trustProxy: true }
    servers.push(await startServer('ours', common))
    servers.push(...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startServer('ours', { ...common, migrate: false })))))
    nginx = await startNginx(servers.map((s) => s.port), clients, limit)
    const sites = await prepareSites(servers[0], settings.agents)
    const t0 = performance.now()
    // Sessions straight from the processes (REST, any of them: tokens are signed with the one secret).
    const auths = await pool(Array.from({ length: settings.visitors }), 24, (_, i) => visitorAuth(servers[i % PROCESSES], sites[i % settings.agents]))
    console.log(`  ${settings.visitors} visitor sessions in ${round((performance.now() - t0) / 1000, 1)} s`)

    const run = new Run(nginx.url, clients)
    const address = (i) => `127.0.0.${2 + (i % settings.addresses)}`
    const agents = sites.map((site, i) => new Client(run, 'agent', agentAuth(servers[0], site), address(i)))
    // The visitors who talk are clients of this process; the idle ones are in processes of their own.
    const visitors = auths.slice(0, settings.pairs).map((auth, i) => new Client(run, 'visitor', auth, address(settings.agents + i)))
    const idle = auths.slice(settings.pairs).map((auth, i) => ({ auth, address: address(settings.agents + settings.pairs + i) }))
    for (let i = 0; i < idle.length; i += perWorker) workers.push(new IdleVisitors(run, idle.slice(i, i + perWorker)))
    all.push(...agents, ...visitors, ...workers.flatMap((w) => w.proxies))
    const t1 = performance.now()
    await Promise.all([pool([...agents, ...visitors], 200, (c) => c.open()), ...workers.map((w) => w.open(nginx.url, Math.ceil(200 / workers.length)))])
    console.log(`  ${all.length} sockets connected through nginx in ${round((performance.now() - t1) / 1000, 1)} s`)
    const spread = await holdings(servers)
    console.log(`  sockets per process: ${spread.map((s) => s.sockets).join(' / ')}`)

    // The active conversations: visitor i with its site's agent.
    const pairs = await pool(visitors.slice(0, settings.pairs), 50, async (visitor, i) => {
      const started = await ask(visitor.socket, 'conversation:start', { clientKey: crypto.randomUUID() })
      const conversationId = started.conversation.id
      const agent = agents[i % settings.agents]
      visitor.conversations.set(conversationId, 0)
      agent.conversations.set(conversationId, 0)
      return { conversationId, visitor, agent }
    })

    const traffic = run.traffic(pairs, settings.rate)
    await sleep(settings.steady * 1000)

    // Phase A: kill -9 the process holding the most sockets.
    const before = await holdings(servers)
    const victim = before.filter((s) => s.alive).sort((a, b) => b.sockets - a.sockets)[0]
    const phaseA = await run.step('A', 'SIGKILL', victim, servers)
    await sleep(settings.steady * 1000)

    // The lost process is replaced, as an orchestrator would (a new one on its port: nginx sends it
    // new connections once its upstream is tried again), so that the scale-in leaves two, as the
    // loss did: one survivor alone would hold every client.
    const lost = servers.indexOf(victim.server)
    servers[lost] = await startServer('ours', { ...common, migrate: false, port: victim.server.port })
    console.log(`  process ${lost + 1} replaced (pid ${servers[lost].pid}, port ${servers[lost].port})`)
    await sleep(settings.steady * 1000)

    // Phase B: SIGTERM the survivor holding the most sockets.
    const middle = await holdings(servers)
    const drained = middle.filter((s) => s.alive).sort((a, b) => b.sockets - a.sockets)[0]
    const phaseB = await run.step('B', 'SIGTERM', drained, servers)
    await sleep(settings.steady * 1000)

    traffic.stop()
    // Outboxes of clients still away cannot empty: not worth a minute then.
    const drainedOk = await run.drainOutboxes(all, run.connected === run.total ? 60_000 : 10_000)
    await sleep(1000)
    // Both sides read every conversation from the start: what was never received live or by a reconnect sync.
    run.finalSync = true
    await pool([...agents, ...visitors.slice(0, settings.pairs)], 50, (c) => c.syncAll(true))
    const stored = await withDatabase(db.name, async (c) =>
      (await c.query('SELECT client_id, count(*)::int AS n FROM mod_chat_messages WHERE client_id LIKE $1 GROUP BY client_id', [`${run.prefix}%`])).rows,
    )
    // What an outbox still holds at the end (its client never got back): not stored, not lost either.
    for (const c of all) for (const e of c.queue) run.books.get(e.payload.clientId).pending = true
    for (const c of all) c.close()
    return report(settings, run, [phaseA, phaseB], stored, nginx, { drainedOk, spread: spread.map((s) => s.sockets), limit })
  } finally {
    for (const c of all) c.close()
    await Promise.all(workers.map((w) => w.close()))
    await nginx?.stop()
    for (const s of servers) await s.kill()
    await db.drop()
  }
}

/** CPU microseconds used so far by each server (null when gone), and by this process as `self`. */
async function cpuOf(servers, workers = []) {
  const out = await Promise.all(servers.map((s) => s.call('cpu').catch(() => null)))
  const own = process.cpuUsage()
  out.self = own.user + own.system + (await Promise.all(workers.map((w) => w.call('cpu').catch(() => 0)))).reduce((a, b) => a + b, 0)
  return out
}

/** The kernel's count of connections dropped because a listen queue was full (all of the machine's). */
function listenOverflows() {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n')
    const i = lines.findIndex((l) => l.startsWith('TcpExt:') && l.includes('ListenOverflows'))
    const names = lines[i].split(/\s+/)
    return Number(lines[i + 1].split(/\s+/)[names.indexOf('ListenOverflows')])
  } catch {
    return NaN
  }
}

/** Each process's socket count (0 for one that has exited). */
async function holdings(servers) {
  return Promise.all(
    servers.map(async (server) => {
      const n = await server.call('sockets').catch(() => null)
      return { server, alive: n !== null, sockets: n ? n.visitor + n.agent : 0 }
    }),
  )
}

/** The run's shared state: the message books, the connection counters, the steps' timelines. */
class Run {
  prefix = `fo_${crypto.randomBytes(3).toString('hex')}_`
  seq = 0
  /** clientId → { from, conversationId, due, phase, acked, attempts, received: Set of message ids, firstReceived, via } */
  books = new Map()
  connected = 0
  /** The step being measured (its counters), or null. */
  current = null
  phase = 'before'
  repeats = 0
  finalSync = false
  errors = { visitor: [], agent: [] }
  retryableRefusals = { visitor: 0, agent: 0 }
  ackTimeouts = 0
  resends = 0
  connectErrors = []
  clients = []
  /** The processes of idle visitors (IdleVisitors). */
  workers = []

  constructor(url, total) {
    this.url = url
    this.total = total
  }

  nextId() {
    return `${this.prefix}${(this.seq++).toString(36).padStart(5, '0')}`
  }

  /** Open loop: every 5 ms, the messages due by now, round robin over the pairs, visitor then agent. */
  traffic(pairs, rate) {
    const interval = 1000 / rate
    const start = performance.now()
    let n = 0
    const timer = setInterval(() => {
      const now = performance.now()
      while (start + n * interval <= now) {
        const pair = pairs[n % pairs.length]
        const from = Math.floor(n / pairs.length) % 2 === 0 ? pair.visitor : pair.agent
        const id = this.nextId()
        const due = start + n * interval
        this.books.set(id, { from: from.kind, conversationId: pair.conversationId, due, phase: this.phase, acked: null, received: new Set(), firstReceived: null, via: null })
        from.enqueue({ clientId: id, conversationId: pair.conversationId, text: `failover bench ${id}` })
        n++
      }
    }, 5)
    return { stop: () => clearInterval(timer) }
  }

  // `at`: when it happened (performance.now() of this process; an idle visitor's process says when).
  onConnect(client, reconnect, at = performance.now()) {
    this.connected++
    const step = this.current
    if (reconnect && step) {
      const t = at - step.at
      step.reconnects.push(t)
      if (client.attemptAt !== null && client.attemptAt >= step.at) step.handshakes.push(at - client.attemptAt)
      if (client.droppedAt !== null && client.droppedAt >= step.at) step.away.push(at - client.droppedAt)
      if (this.connected === this.total && step.dropped >= step.expected && step.allBack === null) {
        step.allBack = t
        step.storming = false
      }
    }
  }

  onAttempt(at = performance.now()) {
    const step = this.current
    if (step) step.attempts.push(at - step.at)
  }

  onDisconnect(client, reason, at = performance.now()) {
    this.connected--
    const step = this.current
    if (step) {
      step.dropped++
      step.drops.push(at - step.at)
      step.reasons[reason] = (step.reasons[reason] ?? 0) + 1
    }
    // The server said goodbye: socket.io-client does not reconnect by itself (nor does the SDK, but
    // for a page becoming visible again). A visitor left offline: counted, then brought back so
    // the books go on.
    if (reason === 'io server disconnect') {
      if (step) step.stranded.push(client.kind)
      setTimeout(() => client.socket.connect(), 1000 + Math.random() * 1000)
    }
  }

  onConnectError(client, e, at = performance.now()) {
    const step = this.current
    const refused = e.data !== undefined
    const entry = { kind: client.kind, address: client.address, message: e.message, data: e.data, refused, step: step?.name ?? null, at: step ? round(at - step.at, 0) : null }
    this.connectErrors.push(entry)
    if (step) {
      step.connectErrors++
      if (refused) step.refused.push(entry)
    }
    // A refused handshake stops socket.io-client's reconnection: try again (counted above).
    if (refused) setTimeout(() => client.socket.connect(), 1000 + Math.random() * 1000)
  }

  /** Sends `signal` to the process, then waits until every client is connected again. */
  async step(name, signal, target, servers) {
    const step = {
      name,
      signal,
      at: performance.now(),
      expected: target.sockets,
      processSockets: target.sockets,
      dropped: 0,
      reasons: {},
      reconnects: [],
      attempts: [],
      handshakes: [],
      drops: [],
      away: [],
      stranded: [],
      refused: [],
      connectErrors: 0,
      allBack: null,
      exitedAfter: null,
      storming: true,
      errorsBefore: { visitor: this.errors.visitor.length, agent: this.errors.agent.length },
      retryableBefore: { ...this.retryableRefusals },
    }
    this.current = step
    this.phase = name
    console.log(`  phase ${name}: ${signal} to process ${servers.indexOf(target.server) + 1} (pid ${target.server.pid}), holding ${target.sockets} sockets`)
    const alive = servers.filter((s) => s !== target.server)
    const cpu0 = await cpuOf(alive, this.workers)
    const overflows0 = listenOverflows()
    step.at = performance.now()
    target.server.signal(signal)
    void target.server.exited.then(() => (step.exitedAfter = performance.now() - step.at))
    const deadline = performance.now() + BACK_TIMEOUT_MS
    while (step.allBack === null && performance.now() < deadline) await sleep(100)
    step.storming = false
    // Who was busy during the storm: each survivor's CPU and this process's (the clients), as a share of one core.
    const cpu1 = await cpuOf(alive, this.workers)
    const wall = (performance.now() - step.at) * 1000
    step.cpu = {
      survivors: alive.map((s, i) => (cpu1[i] === null || cpu0[i] === null ? null : round((cpu1[i] - cpu0[i]) / wall, 2))).filter((x) => x !== null),
      clients: round((cpu1.self - cpu0.self) / wall, 2),
    }
    step.listenOverflows = listenOverflows() - overflows0
    if (step.allBack === null) {
      const away = this.clients.filter((c) => !c.socket.connected)
      const by = {}
      for (const c of away) by[c.address] = (by[c.address] ?? 0) + 1
      step.notBack = { count: away.length, byAddress: by }
      console.warn(`  phase ${name}: not every client is back after ${BACK_TIMEOUT_MS / 1000} s (${this.connected} of ${this.total} connected); those away by source address: ${JSON.stringify(by)}`)
    }
    await target.server.exited
    // Late events of the step (a straggler's connect) still land in it until the next one.
    await sleep(500)
    return step
  }

  /** Waits until no client has anything unacked. */
  async drainOutboxes(clients, timeoutMs) {
    const end = performance.now() + timeoutMs
    while (performance.now() < end) {
      if (clients.every((c) => c.queue.length === 0)) return true
      await sleep(100)
    }
    return false
  }

  /** A message of the other side, live or synced. */
  received(client, message, via) {
    if (typeof message.clientId !== 'string' || !message.clientId.startsWith(this.prefix)) return
    if (message.senderType === client.kind) return
    const entry = this.books.get(message.clientId)
    if (!entry) return
    if (entry.received.has(message.id)) {
      if (via === 'live') this.repeats++
      return
    }
    entry.received.add(message.id)
    if (entry.firstReceived === null) {
      entry.firstReceived = performance.now()
      entry.via = this.finalSync ? 'final sync' : via
    }
  }
}

/**
 * Idle visitors in a process of their own (lib/idle-visitors.mjs: one process may hold only
 * `ulimit -n` sockets). Each has a stand-in here that the Run books as it books a Client: what
 * happens to the socket comes from that process with its time.
 */
class IdleVisitors {
  constructor(run, clients) {
    this.run = run
    run.workers.push(this)
    // A stand-in: what Run reads of a client. The process reconnects its sockets itself.
    this.proxies = clients.map(({ address }) => ({
      kind: 'visitor',
      address,
      attemptAt: null,
      droppedAt: null,
      queue: [],
      socket: { connected: false, connect() {} },
      close() {},
    }))
    this.clients = clients
    run.clients.push(...this.proxies)
    this.process = forkIdleVisitors((events) => this.#events(events))
  }

  call(cmd, args) {
    return this.process.call(cmd, args)
  }

  open(url, concurrency) {
    return this.process.open(url, this.clients, concurrency)
  }

  close() {
    return this.process.close()
  }

  #events(events) {
    const local = (at) => (at === null ? null : at - performance.timeOrigin)
    for (const [kind, index, at, extra] of events) {
      const proxy = this.proxies[index]
      const t = local(at)
      if (kind === 'connect') {
        proxy.socket.connected = true
        proxy.attemptAt = local(extra.attemptAt)
        proxy.droppedAt = local(extra.droppedAt)
        this.run.onConnect(proxy, extra.reconnect, t)
        proxy.droppedAt = null
      } else if (kind === 'disconnect') {
        proxy.socket.connected = false
        proxy.droppedAt = t
        this.run.onDisconnect(proxy, extra, t)
      } else if (kind === 'connect_error') {
        this.run.onConnectError(proxy, extra, t)
      } else if (kind === 'attempt') {
        proxy.attemptAt = t
        this.run.onAttempt(t)
      }
    }
  }
}

/** One socket (an agent or a visitor) with its outbox and the conversations it follows (id → last seq seen). */
class Client {
  queue = []
  inFlight = null
  backoff = undefined
  retries = 0
  conversations = new Map()
  everConnected = false
  droppedAt = null
  attemptAt = null
  closed = false

  constructor(run, kind, auth, localAddress) {
    this.run = run
    this.kind = kind
    this.address = localAddress
    run.clients.push(this)
    this.socket = io(`${run.url}/${kind}`, { auth, transports: ['websocket'], forceNew: true, localAddress, autoConnect: false })
    this.socket.on('connect', () => {
      const reconnect = this.everConnected
      this.everConnected = true
      run.onConnect(this, reconnect)
      this.droppedAt = null
      const socket = this.socket
      void this.syncAll(false).then(() => {
        if (socket.connected) this.flush()
      })
    })
    this.socket.on('disconnect', (reason) => {
      this.droppedAt = performance.now()
      this.inFlight = null
      clearTimeout(this.backoff)
      this.backoff = undefined
      this.retries = 0
      if (!this.closed) run.onDisconnect(this, reason)
    })
    this.socket.on('connect_error', (e) => run.onConnectError(this, e))
    this.socket.io.on('reconnect_attempt', () => {
      this.attemptAt = performance.now()
      run.onAttempt()
    })
    this.socket.on('message:created', (m) => this.#seen(m, 'live'))
  }

  open() {
    return new Promise((resolve) => {
      this.socket.once('connect', resolve)
      this.socket.connect()
    })
  }

  close() {
    this.closed = true
    this.socket.disconnect()
  }

  enqueue(payload) {
    this.queue.push({ payload, attempts: 0 })
    this.flush()
  }

  #seen(m, via) {
    const last = this.conversations.get(m.conversationId)
    if (last !== undefined && m.seq > last) this.conversations.set(m.conversationId, m.seq)
    this.run.received(this, m, via)
  }

  /** Reads each conversation after the last seq seen (from the start when `full`), page by page. */
  async syncAll(full) {
    // Every cursor as it is now: live messages that come while an earlier conversation syncs
    // must not move a later one's past what it missed.
    for (const [id, cursor] of [...this.conversations]) {
      let after = full ? 0 : cursor
      for (;;) {
        if (!this.socket.connected) return
        let page
        try {
          page = await ask(this.socket, 'messages:sync', { conversationId: id, afterSeq: after, limit: 200 }, ACK_TIMEOUT_MS)
        } catch {
          return // the connection dropped; the next connect syncs again
        }
        for (const m of page.messages) this.#seen(m, 'sync')
        const last = page.messages.at(-1)?.seq ?? after
        if (!page.hasMore || last <= after) break
        after = last
      }
    }
  }

  /** As the SDK's outbox: the oldest unacked message, one at a time, only while connected. */
  flush() {
    const entry = this.queue[0]
    if (!entry || !this.socket.connected || this.inFlight || this.backoff) return
    const attempt = {}
    this.inFlight = attempt
    entry.attempts++
    if (entry.attempts > 1) this.run.resends++
    this.socket.timeout(ACK_TIMEOUT_MS).emit('message:send', entry.payload, (err, reply) => this.#result(entry, attempt, err, reply))
  }

  #result(entry, attempt, err, reply) {
    const current = this.inFlight === attempt
    if (current) this.inFlight = null
    const index = this.queue.indexOf(entry)
    if (index < 0) {
      if (current) this.flush()
      return
    }
    const book = this.run.books.get(entry.payload.clientId)
    if (!err && reply?.ok) {
      // A late success of an attempt given up on counts too (the SDK's outbox takes it).
      this.queue.splice(index, 1)
      book.acked = performance.now()
      this.retries = 0
      if (current) this.flush()
      return
    }
    if (!current) return
    if (err) {
      // No ack in time (or the socket went away meanwhile): try again.
      if (this.socket.connected) this.run.ackTimeouts++
      return this.#retryLater()
    }
    if (reply?.error?.retryable) {
      this.run.retryableRefusals[this.kind]++
      return this.#retryLater()
    }
    // For good: the SDK rejects the send and the app shows it.
    this.queue.splice(index, 1)
    this.run.errors[this.kind].push({ phase: this.run.phase, error: reply?.error ?? reply })
    this.flush()
  }

  #retryLater() {
    if (!this.socket.connected) return
    const delay = Math.min(1000 * 2 ** this.retries++, 30_000)
    this.backoff = setTimeout(() => {
      this.backoff = undefined
      this.flush()
    }, delay)
  }
}

/** The books of the messages due in one phase ('before', 'A', 'B'), or all of them. */
function books(run, storedBy, phase) {
  let sent = 0
  let acked = 0
  let stored = 0
  let received = 0
  let lost = 0
  let doubled = 0
  let unreceived = 0
  let pending = 0
  const via = { live: 0, sync: 0, 'final sync': 0 }
  for (const [id, b] of run.books) {
    if (phase && b.phase !== phase) continue
    sent++
    if (b.acked !== null) acked++
    const rows = storedBy.get(id) ?? 0
    if (rows > 0) stored++
    else if (b.pending) pending++
    else lost++
    if (rows > 1 || b.received.size > 1) doubled++
    if (b.received.size > 0) {
      received++
      via[b.via]++
    } else if (rows > 0) unreceived++
  }
  return { sent, acked, stored, received, lost, pending, doubled, unreceived, via }
}

/** Delivery latencies (due → first received, ms) of the messages due in [from, to). */
function latencies(run, from, to) {
  const out = []
  for (const b of run.books.values()) if (b.due >= from && b.due < to && b.firstReceived !== null) out.push(b.firstReceived - b.due)
  return out
}

function perSecond(times) {
  const buckets = []
  for (const t of times) {
    const s = Math.max(0, Math.floor(t / 1000))
    buckets[s] = (buckets[s] ?? 0) + 1
  }
  return Array.from(buckets, (n) => n ?? 0)
}

function report(settings, run, steps, storedRows, nginx, extra) {
  const storedBy = new Map(storedRows.map((r) => [r.client_id, r.n]))
  const total = books(run, storedBy)
  const access = nginx.accessStatuses()
  const upstreamErrors = nginx.upstreamErrors()
  const rows = steps.map((step, i) => {
    const next = steps[i + 1]
    const b = books(run, storedBy, step.name)
    const beforeWindow = latencies(run, step.at - settings.steady * 1000, step.at)
    const storm = latencies(run, step.at, step.at + (step.allBack ?? BACK_TIMEOUT_MS))
    const rate = perSecond(step.reconnects)
    const visitorErrors = run.errors.visitor.length - step.errorsBefore.visitor + step.refused.filter((r) => r.kind === 'visitor').length + step.stranded.filter((k) => k === 'visitor').length
    const agentErrors = run.errors.agent.length - step.errorsBefore.agent + step.refused.filter((r) => r.kind === 'agent').length + step.stranded.filter((k) => k === 'agent').length
    void next
    return {
      phase: step.name === 'A' ? 'A: node loss (SIGKILL)' : 'B: scale-in (SIGTERM)',
      processSockets: step.processSockets,
      dropped: step.dropped,
      reconnected: step.reconnects.length,
      allBackSeconds: step.allBack === null ? null : round(step.allBack / 1000, 2),
      exitedSeconds: step.exitedAfter === null ? null : round(step.exitedAfter / 1000, 2),
      awayP50Seconds: round(quantile(step.away, 0.5) / 1000, 2),
      awayP99Seconds: round(quantile(step.away, 0.99) / 1000, 2),
      awayMaxSeconds: round(quantile(step.away, 1) / 1000, 2),
      reconnectsPerSecond: rate,
      peakReconnectsPerSecond: Math.max(0, ...rate),
      droppedFromSeconds: round(quantile(step.drops, 0) / 1000, 2),
      droppedToSeconds: round(quantile(step.drops, 1) / 1000, 2),
      attempts: step.attempts.length,
      attemptsPerSecond: perSecond(step.attempts),
      handshakeP50Ms: round(quantile(step.handshakes, 0.5), 0),
      handshakeP99Ms: round(quantile(step.handshakes, 0.99), 0),
      connectErrors: step.connectErrors,
      refused: step.refused.length,
      stormCpu: step.cpu,
      listenOverflows: step.listenOverflows,
      notBack: step.notBack ?? null,
      stranded: step.stranded.length,
      disconnectReasons: step.reasons,
      retryableRefusals: { visitor: run.retryableRefusals.visitor - step.retryableBefore.visitor, agent: run.retryableRefusals.agent - step.retryableBefore.agent },
      visitorErrors,
      agentErrors,
      deliveryBefore: { samples: beforeWindow.length, p50: round(quantile(beforeWindow, 0.5), 1), p99: round(quantile(beforeWindow, 0.99), 1) },
      deliveryStorm: { samples: storm.length, p50: round(quantile(storm, 0.5), 1), p99: round(quantile(storm, 0.99), 1), max: round(quantile(storm, 1), 1) },
      books: b,
    }
  })
  const [a, bRow] = rows
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        r.phase,
        {
          'sockets on it': r.processSockets,
          dropped: r.dropped,
          reconnected: r.reconnected,
          'all back s': r.allBackSeconds,
          'away p50/p99/max s': `${r.awayP50Seconds} / ${r.awayP99Seconds} / ${r.awayMaxSeconds}`,
          'peak reconnects/s': r.peakReconnectsPerSecond,
          'connect errors': r.connectErrors,
          'visitor errors': r.visitorErrors,
          'delivery p50/p99 before ms': `${r.deliveryBefore.p50} / ${r.deliveryBefore.p99}`,
          'delivery p50/p99 storm ms': `${r.deliveryStorm.p50} / ${r.deliveryStorm.p99}`,
        },
      ]),
    ),
  )
  const bookRows = { 'before A': books(run, storedBy, 'before'), 'phase A (from the kill)': a.books, 'phase B (from the SIGTERM)': bRow.books, all: total }
  console.table(
    Object.fromEntries(
      Object.entries(bookRows).map(([k, x]) => [
        k,
        { sent: x.sent, acked: x.acked, stored: x.stored, received: x.received, 'received live/sync/final': `${x.via.live}/${x.via.sync}/${x.via['final sync']}`, lost: x.lost, doubled: x.doubled, 'still in an outbox': x.pending, 'stored, never received': x.unreceived },
      ]),
    ),
  )
  for (const r of rows) console.log(`  ${r.phase}: clients dropped ${r.droppedFromSeconds}…${r.droppedToSeconds} s after the signal; reconnects each second from the signal: ${r.reconnectsPerSecond.join(' ')}; reconnect attempts ${r.attempts} (each second: ${r.attemptsPerSecond.join(' ')}); handshake of a reconnect p50 ${r.handshakeP50Ms} ms, p99 ${r.handshakeP99Ms} ms; CPU in the storm (cores): survivors ${r.stormCpu.survivors.join(' + ')}, clients ${r.stormCpu.clients}; listen queue overflows (machine) ${r.listenOverflows}; disconnect reasons ${JSON.stringify(r.disconnectReasons)}; retryable refusals (resent) ${JSON.stringify(r.retryableRefusals)}; process exited after ${r.exitedSeconds} s`)
  console.log(`  nginx: ${JSON.stringify(access)} answers by status; upstream errors in its log: ${JSON.stringify(upstreamErrors)}; resends ${run.resends}, ack timeouts ${run.ackTimeouts}, repeats dropped by id ${run.repeats}`)
  const firstErrors = [...run.errors.visitor, ...run.errors.agent].slice(0, 3)
  if (firstErrors.length) console.log(`  send errors (first): ${JSON.stringify(firstErrors)}`)
  const connectErrors = {}
  for (const e of run.connectErrors) {
    const key = `${e.step ? `phase ${e.step}` : 'initial connect'}: ${e.kind} ${e.refused ? `refused (${e.data?.code})` : 'failed'}: ${e.message}`
    connectErrors[key] = (connectErrors[key] ?? 0) + 1
  }
  if (run.connectErrors.length) console.log(`  connect errors: ${JSON.stringify(connectErrors)}`)
  const allBack = rows.every((r) => r.allBackSeconds !== null)
  // No herd: every reconnect was taken (no handshake timed out, none refused, no 502 from nginx).
  const noHerd = a.connectErrors === 0
  const ok = total.lost === 0 && total.pending === 0 && total.doubled === 0 && total.unreceived === 0 && allBack && noHerd && bRow.visitorErrors === 0 && extra.drainedOk
  console.log(
    `failover, node loss: all ${a.reconnected} back in ${a.allBackSeconds} s (peak ${a.peakReconnectsPerSecond} reconnects/s, ${a.connectErrors} connect errors), ` +
      `delivery p99 ${a.deliveryStorm.p99} ms in the storm vs ${a.deliveryBefore.p99} ms before · lost ${a.books.lost}, doubled ${a.books.doubled} of ${a.books.sent} sent · ${verdict(a.allBackSeconds !== null && noHerd && a.books.lost === 0 && a.books.doubled === 0)}`,
  )
  console.log(
    `failover, scale-in: all ${bRow.reconnected} back in ${bRow.allBackSeconds} s, ${bRow.visitorErrors} visitor errors ` +
      `(${bRow.retryableRefusals.visitor + bRow.retryableRefusals.agent} retryable refusals resent) · lost ${bRow.books.lost}, doubled ${bRow.books.doubled} of ${bRow.books.sent} sent · ${verdict(bRow.allBackSeconds !== null && bRow.visitorErrors === 0 && bRow.books.lost === 0 && bRow.books.doubled === 0)}`,
  )
  console.log(
    `failover overall: ${total.sent} sent, ${total.acked} acked, ${total.stored} stored, ${total.received} received, lost ${total.lost}, doubled ${total.doubled}, ` +
      `still in an outbox ${total.pending}, stored but never received ${total.unreceived} · goal lost = doubled = 0, all back, no visitor error in scale-in · ${verdict(ok)}`,
  )
  return {
    name,
    settings: { ...settings, processes: PROCESSES, openFilesLimit: extra.limit, socketsPerProcess: extra.spread, reconnection: { reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5 } },
    rows,
    books: bookRows,
    nginx: { statuses: access, upstreamErrors },
    connectErrors,
    resends: run.resends,
    ackTimeouts: run.ackTimeouts,
    repeats: run.repeats,
    goal: 'lost = doubled = 0, every client back after both steps, no connect error in the node loss (no herd), no visitor error in the scale-in',
    status: verdict(ok),
    ok,
  }
}
