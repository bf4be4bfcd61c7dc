// The failover bench's idle visitors, in a process of their own (bench/failover.mjs forks a few):
// every socket is a file descriptor, and one process may hold no more than `ulimit -n` of them,
// so the 20,000 visitors need several client processes. Each socket is what the bench's
// in-process clients are (socket.io-client over websocket from its loopback address, the SDK's
// default reconnection), without an outbox or conversations: an idle visitor only connects, drops
// and comes back. What happens to each is sent to the parent in batches, with its time on the
// shared clock (performance.timeOrigin + performance.now(), milliseconds since the epoch), and the
// parent books it as it books its own clients (Run.onConnect and the others).
//
// Parent → child: { cmd: 'open', url, clients: [{ auth, address }], concurrency } (replies when all
// are connected), { cmd: 'cpu' } (this process's CPU, µs), { cmd: 'close' }.
// Child → parent: { events: [[kind, index, at, extra], ...] } every 50 ms while something
// happened, kind: connect (extra: { reconnect, attemptAt, droppedAt }), disconnect (extra: reason),
// connect_error (extra: { message, data }), attempt; and { id, result } for a command.
import { io } from 'socket.io-client'

const now = () => performance.timeOrigin + performance.now()
let events = []
const sockets = []

setInterval(() => {
  if (events.length === 0) return
  process.send({ events })
  events = []
}, 50).unref()

function open(url, { auth, address }, index) {
  const socket = io(`${url}/visitor`, { auth, transports: ['websocket'], forceNew: true, localAddress: address, autoConnect: false })
  const state = { socket, everConnected: false, attemptAt: null, droppedAt: null, closed: false }
  socket.on('connect', () => {
    events.push(['connect', index, now(), { reconnect: state.everConnected, attemptAt: state.attemptAt, droppedAt: state.droppedAt }])
    state.everConnected = true
    state.droppedAt = null
  })
  socket.on('disconnect', (reason) => {
    state.droppedAt = now()
    if (state.closed) return
    events.push(['disconnect', index, state.droppedAt, reason])
    // The server said goodbye: socket.io-client does not reconnect by itself (the bench's Run
    // does the same for its own clients).
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 1000)
  })
  socket.on('connect_error', (e) => {
    events.push(['connect_error', index, now(), { message: e.message, data: e.data }])
    // A refused handshake stops socket.io-client's reconnection: try again (as Run does).
    if (e.data !== undefined) setTimeout(() => socket.connect(), 1000 + Math.random() * 1000)
  })
  socket.io.on('reconnect_attempt', () => {
    state.attemptAt = now()
    events.push(['attempt', index, state.attemptAt])
  })
  sockets.push(state)
  return new Promise((resolve) => {
    socket.once('connect', resolve)
    socket.connect()
  })
}

const commands = {
  async open({ url, clients, concurrency }) {
    let next = 0
    const worker = async () => {
      while (next < clients.length) {
        const i = next++
        await open(url, clients[i], i)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker))
    return clients.length
  },
  cpu() {
    const c = process.cpuUsage()
    return c.user + c.system
  },
  close() {
    for (const s of sockets) {
      s.closed = true
      s.socket.disconnect()
    }
    setTimeout(() => process.exit(0), 100)
    return null
  },
}

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, result: await commands[cmd](args) })
  } catch (e) {
    process.send({ id, error: String(e?.stack ?? e) })
  }
})
process.on('disconnect', () => process.exit(0))
