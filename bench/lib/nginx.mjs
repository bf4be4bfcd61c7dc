// The failover bench's proxy: Debian's nginx running the shipped deploy/nginx/live-chat.conf,
// rewritten for local ports (see configFor), in a temporary directory of its own.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { root } from './servers.mjs'
import { sleep } from './stats.mjs'

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx'
const SHIPPED = path.join(root, 'deploy/nginx/live-chat.conf')

/**
 * The shipped config with its [listen] line on a free port of 127.0.0.1 and its [replica] line
 * once per backend (configFor in packages/server/test/deploy/nginx.test.ts, for any number of
 * processes); nothing else changes.
 */
function configFor(shipped, listen, backends, reuseport = false) {
  let replicas = 0
  let listens = 0
  let hashes = 0
  const lines = shipped.split('\n').flatMap((line) => {
    if (line.includes('# [replica]')) return replicas++ === 0 ? backends.map((port) => line.replace(/server \S+/, `server 127.0.0.1:${port}`)) : []
    if (line.includes('# [listen]')) return (listens++, [line.replace(/listen \S+/, `listen 127.0.0.1:${listen}${reuseport ? ' reuseport' : ''}`)])
    if (/^\s*hash \$remote_addr consistent;/.test(line)) hashes++
    return [line]
  })
  if (replicas < 1 || listens !== 1 || hashes !== 1) throw new Error(`the shipped config changed shape: ${replicas} [replica], ${listens} [listen], ${hashes} hash lines`)
  return lines.join('\n')
}

export async function startNginx(backends, clients, limit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-failover-nginx-'))
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  // Each client is two connections in a worker (the client's, the upstream's); a worker may hold
  // `ulimit -n` descriptors: as many workers as that takes, at most 80% full, and the listening
  // socket is the kernel's to share among them evenly (reuseport) so that none fills up first.
  // multi_accept: a worker takes every waiting connection at each turn, not one (what
  // docs/operations.md tells operators to set for this many sockets).
  const needed = 2 * clients + 1024
  const workers = Math.max(1, Math.ceil(needed / (0.8 * (Math.min(limit, 1_000_000) - 500))))
  const connections = Math.ceil(needed / workers / 0.8)
  fs.writeFileSync(path.join(dir, 'live-chat.conf'), configFor(fs.readFileSync(SHIPPED, 'utf8'), port, backends, workers > 1))
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n')
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes ${workers};\nworker_rlimit_nofile ${connections + 100};\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;\n` +
      `events { worker_connections ${connections}; multi_accept on; }\nhttp {\n${temp}\n  include ${dir}/live-chat.conf;\n  access_log ${dir}/access.log live_chat;\n}\n`,
  )
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')]
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`)
  const child = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`)
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) break
    if (i > 100) throw new Error('nginx did not answer /healthz')
    await sleep(100)
  }
  const read = (file) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : '')
  return {
    url,
    /** Answers to /socket.io/ requests by HTTP status (a WebSocket's 101 is logged when it closes). */
    accessStatuses() {
      const out = {}
      for (const line of read('access.log').split('\n')) {
        const m = /^\S+ \[[^\]]+\] "[^"]*\/socket\.io\/[^"]*" (\d+) /.exec(line)
        if (m) out[m[1]] = (out[m[1]] ?? 0) + 1
      }
      return out
    },
    /** nginx's complaints about the upstreams, by kind. */
    upstreamErrors() {
      const out = {}
      for (const line of read('error.log').split('\n')) {
        const m = /\[(?:error|warn)\] \d+#\d+: \*?\d* ?(.*?) while /.exec(line) ?? /\[(?:error|warn)\] \d+#\d+: (no live upstreams)/.exec(line)
        if (!m) continue
        const kind = m[1].replace(/\(\d+: /, '(').replace(/\s+$/, '')
        out[kind] = (out[kind] ?? 0) + 1
      }
      return out
    },
    async stop() {
      child.kill('SIGQUIT')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
      if (process.env.BENCH_FAILOVER_KEEP_NGINX !== '1') fs.rmSync(dir, { recursive: true, force: true })
      else console.log(`  nginx files kept in ${dir}`)
    },
  }
}

async function freePort() {
  const net = await import('node:net')
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}
