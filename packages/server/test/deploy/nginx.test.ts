// The shipped nginx config (deploy/nginx/live-chat.conf) run by Debian's nginx in front of two
// real server processes sharing Postgres and Redis: a visitor on long-polling only and an agent
// on WebSocket only converse through it, each pinned to its own process; the client's address
// (not one it forges) reaches the servers and their per-address rate limits. A copy of the file
// with the stickiness removed shows why it is there: polling breaks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io as ioClient } from 'socket.io-client'
import { Agent as Dispatcher, fetch as undiciFetch } from 'undici'
import { AgentClient, LiveChatClient, type FetchLike } from '@live-chat/sdk'
import type { Message } from '@live-chat/protocol'
import { eventually, startServer, waitFor, type TestServer } from '../helpers.js'
import { freePort, root, startProcess, stopProcess, type ServerProcess } from '../processes.js'

const NGINX = process.env['NGINX_BIN'] ?? '/usr/sbin/nginx'
const SHIPPED = path.join(root, 'deploy/nginx/live-chat.conf')

interface Nginx {
  url: string
  /** Access-log lines (the shipped `live_chat` format) as { client, request, status, upstream }. */
  log(): { client: string; request: string; status: number; upstream: string }[]
  stop(): Promise<void>
}

/**
 * The shipped file with its [listen] line on a free port of 127.0.0.1 and its two [replica]
 * lines on `backends`; `sticky: false` also drops the `hash` line (the control experiment).
 */
function configFor(shipped: string, listen: number, backends: number[], sticky = true): string {
  let replica = 0
  let listens = 0
  let hashes = 0
  const lines = shipped.split('\n').flatMap((line) => {
    if (line.includes('# [replica]')) return [line.replace(/server \S+/, `server 127.0.0.1:${backends[replica++]}`)]
    if (line.includes('# [listen]')) return (listens++, [line.replace(/listen \S+/, `listen 127.0.0.1:${listen}`)])
    if (/^\s*hash \$remote_addr consistent;/.test(line)) return (hashes++, sticky ? [line] : [])
    return [line]
  })
  if (replica !== backends.length || listens !== 1 || hashes !== 1) throw new Error(`the shipped config changed shape: ${replica} [replica], ${listens} [listen], ${hashes} hash lines`)
  return lines.join('\n')
}

async function startNginx(backends: number[], sticky = true): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-nginx-'))
  // Worker processes (nobody, when the test runs as root) write request bodies under it.
  fs.chmodSync(dir, 0o755)
  const port = await freePort()
  fs.writeFileSync(path.join(dir, 'live-chat.conf'), configFor(fs.readFileSync(SHIPPED, 'utf8'), port, backends, sticky))
  // The part /etc/nginx/nginx.conf plays on a real host: process settings, then the shipped file.
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n')
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\nevents { worker_connections 512; }\nhttp {\n${temp}\n  include ${dir}/live-chat.conf;\n  access_log ${dir}/access.log live_chat;\n}\n`,
  )
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr']
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`)
  let out = ''
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${out}`)
    return (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? false
  }, 10_000, 'nginx')
  return {
    url,
    log: () =>
      fs
        .readFileSync(path.join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const m = /^(\S+) \[[^\]]+\] "([^"]*)" (\d+) \d+ upstream=(\S+)/.exec(l)
          if (!m) throw new Error(`unexpected access log line: ${l}`)
          return { client: m[1]!, request: m[2]!, status: Number(m[3]), upstream: m[4]! }
        }),
    async stop() {
      child.kill('SIGQUIT')
      await exited
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A client at its own loopback address (Linux routes all of 127/8 to lo), as distinct users are
 * at distinct addresses: a fetch and an http.Agent (socket.io's polling and WebSocket) bound to it.
 */
function clientAt(address: string, headers: Record<string, string> = {}) {
  const dispatcher = new Dispatcher({ localAddress: address })
  const f = ((input: string, init: RequestInit = {}) =>
    undiciFetch(input, { ...(init as object), headers: { ...headers, ...(init.headers as Record<string, string>) }, dispatcher })) as unknown as FetchLike
  const agent = new http.Agent({ localAddress: address })
  // engine.io-client passes `agent` to Node's http and ws; its type only admits string | boolean.
  return { fetch: f, agent: agent as unknown as string, close: () => (agent.destroy(), dispatcher.close()) }
}

const upstreamOf = (n: Nginx, client: string) => [...new Set(n.log().filter((l) => l.client === client).map((l) => l.upstream))]

let fixtures: TestServer
let one: ServerProcess
let two: ServerProcess
let nginx: Nginx
const env = { TRUST_PROXY: 'true', RATE_LIMIT_SESSIONS: '4/60' }
beforeAll(async () => {
  ;[fixtures, one, two] = await Promise.all([startServer(), startProcess(env), startProcess(env)])
  nginx = await startNginx([one.port, two.port])
}, 120_000)
afterAll(async () => {
  await nginx?.stop()
  await Promise.all([stopProcess(one), stopProcess(two)])
  await fixtures?.close()
})

/** Addresses 127.0.0.2… by the process nginx routes them to (read from its access log). */
async function addressesByProcess(n: Nginx, want: number): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>()
  for (let i = 2; i < 60 && [...by.values()].flat().length < want * 2; i++) {
    const address = `127.0.0.${i}`
    const c = clientAt(address)
    expect((await c.fetch(`${n.url}/readyz`)).status).toBe(200)
    await c.close()
    const upstream = (await eventually(() => upstreamOf(n, address)[0], 2_000, 'its access log line'))!
    const list = by.get(upstream) ?? []
    if (list.length < want) by.set(upstream, [...list, address])
  }
  return by
}

describe('the shipped nginx config in front of two server processes', () => {
  it('names as upstream servers the replicas docker-compose.yml runs', () => {
    const replicas = [...fs.readFileSync(SHIPPED, 'utf8').matchAll(/^\s*server (\S+):(\d+) .*# \[replica\]$/gm)]
    const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')
    expect(replicas.map((m) => m[1])).toEqual(['app1', 'app2'])
    for (const [, name, port] of replicas) {
      expect(compose).toMatch(new RegExp(`^  ${name}:\\n    <<: \\*app$`, 'm'))
      expect(compose).toContain(`PORT: "${port}"`)
    }
  })

  it('a polling-only visitor on one process and a WebSocket-only agent on the other converse through it', async () => {
    const by = await addressesByProcess(nginx, 1)
    // Both processes get clients: addresses spread over them.
    expect([...by.keys()].sort()).toEqual([`127.0.0.1:${one.port}`, `127.0.0.1:${two.port}`].sort())
    const [[visitorProcess, [visitorAddress]], [agentProcess, [agentAddress]]] = [...by.entries()] as [[string, string[]], [string, string[]]]

    const site = await fixtures.fx.site()
    const a = await fixtures.fx.agent(site.id, { name: 'Proxied Paula' })
    const va = clientAt(visitorAddress!)
    const aa = clientAt(agentAddress!)
    const agent = new AgentClient({ url: nginx.url, token: a.token, fetch: aa.fetch, socketOptions: { transports: ['websocket'], agent: aa.agent } })
    const visitor = new LiveChatClient({ url: nginx.url, siteId: site.id, storage: 'memory', fetch: va.fetch, socketOptions: { transports: ['polling'], agent: va.agent } })
    const drops: string[] = []
    visitor.on('disconnected', ({ reason }) => drops.push(reason))
    try {
      await agent.connect(site.id)
      await eventually(async () => (await visitor.connect(), visitor.config?.online), 10_000, 'the site online for the visitor')

      const agentGets = waitFor<Message>((fn) => agent.on('message', fn), (m) => m.text === 'Hello over long-polling')
      const started = await visitor.startConversation({ message: 'Hello over long-polling' })
      const id = started.conversation.id
      expect(started.conversation.agent?.name).toBe('Proxied Paula')
      await agentGets

      const visitorGets = waitFor<Message>((fn) => visitor.on('message', fn), (m) => m.text === 'Hello over WebSocket')
      const reply = await agent.send(id, 'Hello over WebSocket')
      expect((await visitorGets).id).toBe(reply.id)

      // Back and forth: each side gets every message once, in order.
      const agentSaw: string[] = []
      const visitorSaw: string[] = []
      agent.on('message', (m) => m.senderType === 'visitor' && agentSaw.push(m.text ?? ''))
      visitor.on('message', (m) => m.senderType === 'agent' && visitorSaw.push(m.text ?? ''))
      for (let i = 0; i < 5; i++) {
        await visitor.send(id, `visitor ${i}`)
        await agent.send(id, `agent ${i}`)
      }
      await eventually(() => agentSaw.length >= 5 && visitorSaw.length >= 5, 10_000, 'the messages on both sides')
      expect(agentSaw).toEqual([0, 1, 2, 3, 4].map((i) => `visitor ${i}`))
      expect(visitorSaw).toEqual([0, 1, 2, 3, 4].map((i) => `agent ${i}`))
      expect(drops).toEqual([])

      // The processes agree: the visitor's socket lives on one, the agent's on the other.
      const connections = async (p: ServerProcess) => {
        const text = await (await fetch(`${p.url}/metrics`)).text()
        const n = (ns: string) => Number(new RegExp(`^livechat_socket_connections\\{namespace="${ns}"\\} (\\d+)`, 'm').exec(text)?.[1])
        return { visitor: n('visitor'), agent: n('agent') }
      }
      const [vp, ap] = visitorProcess === `127.0.0.1:${one.port}` ? [one, two] : [two, one]
      expect(await connections(vp)).toEqual({ visitor: 1, agent: 0 })
      expect(await connections(ap)).toEqual({ visitor: 0, agent: 1 })

      // What nginx did: every request of the visitor (its many polls included) went to one
      // process; the agent's one WebSocket (101, logged when it closes) to the other.
      const polls = nginx.log().filter((l) => l.client === visitorAddress && l.request.includes('/socket.io/'))
      expect(polls.length).toBeGreaterThan(10)
      expect(polls.filter((l) => !l.request.includes('transport=polling') || l.status !== 200)).toEqual([])
      expect(upstreamOf(nginx, visitorAddress!)).toEqual([visitorProcess])
      agent.disconnect()
      const ws = (await eventually(() => {
        const lines = nginx.log().filter((l) => l.client === agentAddress && l.request.includes('/socket.io/'))
        return lines.length > 0 ? lines : undefined
      }, 5_000, 'the WebSocket in the access log'))!
      expect(ws.map((l) => [l.status, l.request.includes('transport=websocket')])).toEqual([[101, true]])
      expect(upstreamOf(nginx, agentAddress!)).toEqual([agentProcess])

      // The servers saw the visitor's own address (X-Forwarded-For from nginx, TRUST_PROXY).
      const row = await fixtures.db.inSite(site.id, (tx) => tx.visitor.findFirstOrThrow({ where: { siteId: site.id } }))
      expect(row.ipAddress).toBe(visitorAddress)
    } finally {
      visitor.disconnect()
      agent.disconnect()
      await Promise.all([va.close(), aa.close()])
    }
  })

  it('the servers see the client’s address, not an X-Forwarded-For it forges, and limit sessions per address', async () => {
    const site = await fixtures.fx.site()
    const session = (c: ReturnType<typeof clientAt>) =>
      c.fetch(`${nginx.url}/api/sites/${site.id}/visitor-sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const forger = clientAt('127.0.0.61', { 'X-Forwarded-For': '203.0.113.7' })
    const other = clientAt('127.0.0.62')
    try {
      const first = await session(forger)
      expect(first.status).toBe(201)
      const { visitor } = (await first.json()) as { visitor: { id: string } }
      const row = await fixtures.db.inSite(site.id, (tx) => tx.visitor.findUniqueOrThrow({ where: { id: visitor.id } }))
      expect(row.ipAddress).toBe('127.0.0.61')
      // RATE_LIMIT_SESSIONS=4/60, counted in Redis across both processes.
      for (let i = 0; i < 3; i++) expect((await session(forger)).status).toBe(201)
      const refused = await session(forger)
      expect(refused.status).toBe(429)
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
      // Another address is its own budget.
      expect((await session(other)).status).toBe(201)
    } finally {
      await Promise.all([forger.close(), other.close()])
    }
  })
})

describe('without the hash line (round robin)', () => {
  let roundRobin: Nginx
  beforeAll(async () => {
    roundRobin = await startNginx([one.port, two.port], false)
  })
  afterAll(() => roundRobin?.stop())

  it('a polling-only client cannot even connect, while the shipped config connects it', async () => {
    const site = await fixtures.fx.site()
    const { token } = await fixtures.fx.visitorSession(site.id)
    const connect = (url: string) =>
      new Promise<string>((resolve) => {
        const s = ioClient(`${url}/visitor`, { auth: { token }, transports: ['polling'], reconnection: false, forceNew: true })
        s.once('connect', () => (resolve('connected'), s.disconnect()))
        s.once('connect_error', (e) => (resolve(`refused: ${e.message}`), s.disconnect()))
        s.once('disconnect', (reason) => resolve(`dropped: ${reason}`))
      })
    expect(await connect(nginx.url)).toBe('connected')
    expect(await connect(roundRobin.url)).not.toBe('connected')
    // The second request of the session reached the other process, which does not know it (nginx
    // writes its log line after the answer went out: wait for it).
    await eventually(() => roundRobin.log().some((l) => l.request.includes('sid=') && l.status === 400), 5_000, 'the refused poll in the log')
  })
})
