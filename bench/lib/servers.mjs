// The parent's side of the servers under test: fork() a server-child (bare Socket.io or ours),
// call its IPC commands, stop it. Both kinds run with the same node flags, so they compare.
//
// Ours runs from packages/server/dist (`npm run bench` builds first); BENCH_SOURCE=1 runs it
// from the TypeScript sources through tsx instead (no build needed while working on it).
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const root = path.resolve(here, '../..')

/**
 * Starts a server process. `kind`: 'bare' | 'ours'; ours needs `{ databaseUrl }` and takes
 * `widgetDir`, `poolSize`, `migrate`, `redisUrl`, `trustProxy` and `shutdownTimeoutMs` (ours
 * drains and exits on SIGTERM, as the shipped server does). `nodeFlags` are added to node's and `env` to its environment (the
 * same for both kinds in a bench). Resolves once it listens.
 */
export async function startServer(kind, options = {}, nodeFlags = [], env = {}) {
  const fromSource = process.env.BENCH_SOURCE === '1'
  // BENCH_NODE_FLAGS: node flags for both kinds' server processes (not the bench's own), to try a
  // runtime setting on the servers alone; a bench's own flags (`nodeFlags`) come after and win.
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)
  const execArgv = ['--expose-gc', ...extra, ...nodeFlags, ...(fromSource ? ['--import', 'tsx', '--conditions=source'] : [])]
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process, for finding where time goes.
  if (process.env.BENCH_CPU_PROF) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`)
  const child = fork(path.join(here, 'server-child.mjs'), [kind, JSON.stringify(options)], {
    cwd: root,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
    serialization: 'advanced',
  })
  const pending = new Map()
  let nextId = 0
  let exited = false
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  void exit.then(({ code, signal }) => {
    exited = true
    for (const { reject } of pending.values()) reject(new Error(`${kind} server exited (${signal ?? code})`))
    pending.clear()
  })
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject)
    void exit.then(({ code, signal }) => reject(new Error(`${kind} server exited before listening (${signal ?? code})`)))
    child.on('message', (msg) => {
      if (msg?.ready) return resolve(msg.port)
      const p = pending.get(msg?.id)
      if (!p) return
      pending.delete(msg.id)
      if (msg.error) p.reject(new Error(`${kind} server: ${msg.error}`))
      else p.resolve(msg.result)
    })
  })
  const call = (cmd, args) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`${kind} server is not running`))
      const id = nextId++
      pending.set(id, { resolve, reject })
      child.send({ id, cmd, args })
    })
  const server = {
    kind,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    /** Resolves with `{ code, signal }` once the process has exited. */
    exited: exit,
    /** Sends a signal (e.g. SIGTERM: ours drains and exits; SIGKILL: a crash). */
    signal: (name) => child.kill(name),
    call,
    /** Runs an exported function of a bench file inside the server process (see server-child.mjs `invoke`). */
    invoke: (module, fn, args) => call('invoke', { module: path.resolve(module), fn, args }),
    rss: () => call('rss'),
    /** Stops the server: a graceful close if it is quick, else a kill. */
    async stop() {
      if (exited) return
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await call('close').catch(() => undefined)
      await call('exit').catch(() => undefined)
      await Promise.race([exit, new Promise((r) => setTimeout(r, 3_000))])
      child.kill('SIGKILL')
      await exit
      clearTimeout(timer)
    },
    /** Kills it at once (when what it holds, e.g. 10k sockets, is not worth a graceful close). */
    async kill() {
      if (exited) return
      // (a profiled process must exit on its own for its profile to be written)
      if (process.env.BENCH_CPU_PROF) return server.stop()
      child.kill('SIGKILL')
      await exit
    },
  }
  // BENCH_PATCH=<file>: runs its `patch(server)` in our server process once it listens (for
  // experiments: try a change to the server without editing it, and compare the figures).
  if (kind === 'ours' && process.env.BENCH_PATCH) await server.invoke(process.env.BENCH_PATCH, 'patch', {})
  return server
}
