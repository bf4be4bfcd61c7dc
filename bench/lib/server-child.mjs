// A server under test in its own process, forked by servers.mjs: `bare` (Socket.io 4.8 and
// nothing else) or `ours` (createApp over Postgres). Both are started by the same fork() with the
// same node flags and answer the same IPC commands, so the figures of one run compare.
//
// The bare server speaks just enough of our protocol for the same client code to drive it:
// visitors and agents in /visitor and /agent, joined to the same rooms as ours joins them
// (`site:<id>` for a site's agents and visitors, `visitor:<id>` for a visitor's tabs);
// `conversation:start` and `message:send` are acked like ours, and a message is broadcast like
// ours does it (to the site's agents and to the visitor's room) — without storing anything.
import crypto from 'node:crypto'
import http from 'node:http'

const kind = process.argv[2]
const options = JSON.parse(process.argv[3] ?? '{}')

const server = kind === 'bare' ? await bare() : kind === 'ours' ? await ours(options) : undefined
if (!server) throw new Error(`server-child: unknown kind "${kind}"`)

const commands = {
  /** V8's live heap after full collections (node runs with --expose-gc). */
  heap() {
    globalThis.gc?.()
    globalThis.gc?.()
    return process.memoryUsage().heapUsed
  },
  /**
   * Memory once it has settled (node runs with --expose-gc): collects, waits, reads; again until
   * the resident set size stops going down (V8 gives pages back some time after a burst of
   * garbage, e.g. thousands of handshakes), at most `maxMs`. Returns the lowest reading.
   */
  async rss({ maxMs = 20_000 } = {}) {
    const end = Date.now() + maxMs
    let best
    let calm = 0
    let samples = 0
    while ((calm < 4 || samples < 8) && Date.now() < end) {
      samples++
      globalThis.gc?.()
      globalThis.gc?.()
      await new Promise((r) => setTimeout(r, 500))
      const m = process.memoryUsage()
      if (!best || m.rss < best.rss * 0.995) {
        calm = 0
      } else calm++
      if (!best || m.rss < best.rss) best = m
    }
    return { rss: best.rss, heapUsed: best.heapUsed, heapTotal: best.heapTotal, external: best.external, arrayBuffers: best.arrayBuffers }
  },
  /** CPU time the process has used so far, in microseconds (user + system). */
  cpu() {
    const c = process.cpuUsage()
    return c.user + c.system
  },
  /** How many sockets the server holds (to check that every client got in). */
  sockets() {
    return { visitor: server.io.of('/visitor').sockets.size, agent: server.io.of('/agent').sockets.size }
  },
  /** Runs `fn` of `module` (a path) in this process with the server: bench code that must time server-side. */
  async invoke({ module, fn, args }) {
    const mod = await import(module)
    return mod[fn](server, args)
  },
  async close() {
    await server.close()
    return null
  },
  /** Exits normally (so that --cpu-prof writes its profile), just after answering. */
  exit() {
    setTimeout(() => process.exit(0), 10)
    return null
  },
}

process.on('message', (msg) => {
  if (!msg || typeof msg.id !== 'number') return
  Promise.resolve()
    .then(() => commands[msg.cmd](msg.args ?? {}))
    .then(
      (result) => process.send({ id: msg.id, result }),
      (e) => process.send({ id: msg.id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
    )
})
// The parent went away: do not linger.
process.on('disconnect', () => process.exit(0))
process.send({ ready: true, port: server.port })

async function listen(httpServer) {
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  return httpServer.address().port
}

async function bare() {
  const { Server } = await import('socket.io')
  const httpServer = http.createServer()
  // The options ours passes to socket.io, less the Redis adapter (ours runs without REDIS_URL here too).
  const io = new Server(httpServer, { cors: { origin: true }, maxHttpBufferSize: 1e6 })
  const visitors = io.of('/visitor')
  const agents = io.of('/agent')
  /** conversation id → its site and visitor (what ours reads from its database). */
  const conversations = new Map()
  let seq = 0
  const send = (socket, senderType, input, ack) => {
    const conv = conversations.get(input?.conversationId)
    if (!conv) return ack?.({ ok: false, error: { code: 'not_found', message: 'conversation not found' } })
    const message = {
      id: crypto.randomUUID(),
      conversationId: input.conversationId,
      seq: ++seq,
      clientId: input.clientId,
      senderType,
      senderId: socket.data.id,
      text: input.text,
      createdAt: new Date().toISOString(),
    }
    agents.to(`site:${conv.siteId}`).emit('message:created', message)
    visitors.to(`visitor:${conv.visitorId}`).emit('message:created', message)
    ack?.({ ok: true, data: message })
  }
  visitors.on('connection', (socket) => {
    const { siteId, visitorId } = socket.handshake.auth
    socket.data.id = visitorId
    socket.join([`visitor:${visitorId}`, `site:${siteId}`])
    socket.on('conversation:start', (input, ack) => {
      const id = crypto.randomUUID()
      conversations.set(id, { siteId, visitorId })
      ack?.({ ok: true, data: { conversation: { id, siteId, status: 'pending' }, messages: [] } })
    })
    socket.on('message:send', (input, ack) => send(socket, 'visitor', input, ack))
  })
  agents.on('connection', (socket) => {
    const { siteId, agentId } = socket.handshake.auth
    socket.data.id = agentId
    socket.join(`site:${siteId}`)
    socket.on('message:send', (input, ack) => send(socket, 'agent', input, ack))
  })
  const port = await listen(httpServer)
  return {
    io,
    port,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  }
}

async function ours({ databaseUrl, widgetDir, poolSize, migrate = true, redisUrl, trustProxy, shutdownTimeoutMs, port: wanted = 0 }) {
  const { createApp, openDatabase, createLogger } = await import('@live-chat/server')
  // Migrations are applied here (a fresh bench database is empty; a kept one may be behind),
  // unless the caller knows they are (the migration engine's WebAssembly memory lingers in RSS).
  const db = await openDatabase({ url: databaseUrl, migrate, ...(poolSize ? { poolSize } : {}) })
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn')
  const app = await createApp({
    db,
    secret: 'bench-secret-bench-secret-bench-secret-0123456789',
    env: 'production',
    logger,
    // One client process drives every visitor from 127.0.0.1 at full speed, far past the abuse
    // limits; they stay on (their cost is on the hot path) with allowances no bench reaches.
    rateLimits: { sessions: { points: 1e9, seconds: 60 }, messages: { points: 1e9, seconds: 60 } },
    ...(widgetDir ? { widgetDir } : {}),
    // Several processes behind a proxy (failover.mjs): broadcasts over Redis, the client's address from X-Forwarded-For.
    ...(redisUrl ? { redisUrl } : {}),
    ...(trustProxy ? { trustProxy: true } : {}),
    ...(shutdownTimeoutMs ? { shutdownTimeoutMs } : {}),
  })
  // `port`: a given one (a replacement for a lost process, behind the same proxy), else any free one.
  const { port } = await app.listen(wanted, '127.0.0.1')
  // SIGTERM drains and stops as packages/server/src/main.ts does (a graceful scale-in).
  process.once('SIGTERM', () => {
    const t0 = performance.now()
    app
      .close()
      .then(() => db.close())
      .then(
        () => {
          console.log(`  ours (pid ${process.pid}): SIGTERM: drained and stopped in ${Math.round(performance.now() - t0)} ms`)
          process.exit(0)
        },
        (e) => {
          console.error(`  ours (pid ${process.pid}): SIGTERM: stopping failed: ${e?.stack ?? e}`)
          process.exit(1)
        },
      )
  })
  return {
    io: app.io,
    port,
    app,
    db,
    services: app.services,
    async close() {
      await app.close()
      await db.close()
    },
  }
}
