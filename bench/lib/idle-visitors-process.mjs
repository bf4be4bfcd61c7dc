// The parent's side of a process of idle visitors (lib/idle-visitors.mjs): forks it and calls its
// commands. Used where a bench needs more visitor sockets than one process may hold (`ulimit -n`)
// or one source address may open to one server port (about 28k ephemeral ports): the failover
// bench's idle visitors and the memory bench's.
import { fork } from 'node:child_process'
import path from 'node:path'
import { root } from './servers.mjs'
import { openFilesLimit } from './stats.mjs'

/** Sockets one process of idle visitors takes: at most `cap`, and 1,000 under `ulimit -n` (at least 1,000). */
export const socketsPerProcess = (cap) => Math.max(1000, Math.min(cap, openFilesLimit() - 1000))

/**
 * Forks a process of idle visitors. `onEvents(events)` gets what happens to its sockets (see
 * idle-visitors.mjs), in batches.
 */
export function forkIdleVisitors(onEvents = () => {}) {
  const child = fork(path.join(root, 'bench/lib/idle-visitors.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const pending = new Map()
  let nextId = 0
  child.on('message', (msg) => {
    if (msg.events) return onEvents(msg.events)
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if (msg.error) p.reject(new Error(`idle visitors: ${msg.error}`))
    else p.resolve(msg.result)
  })
  const call = (cmd, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      child.send({ id, cmd, args })
    })
  return {
    call,
    /** Connects `clients` ([{ auth, address }]), `concurrency` at a time; resolves when all are connected. */
    open: (url, clients, concurrency) => call('open', { url, clients, concurrency }),
    /** Disconnects every socket and waits for the process to exit. */
    async close() {
      if (child.exitCode !== null) return
      await call('close').catch(() => undefined)
      await exited
    },
  }
}
