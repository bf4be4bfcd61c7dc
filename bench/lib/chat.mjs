// The client side of the socket benches: raw socket.io-client sockets (websocket transport only)
// speaking our protocol (packages/protocol/src/events.ts) to either server kind. Only the
// fixtures and the handshake `auth` differ between bare and ours; the traffic is the same code.
import crypto from 'node:crypto'
import path from 'node:path'
import { io } from 'socket.io-client'
import { root } from './servers.mjs'

const fixtures = path.join(root, 'bench/lib/fixtures.mjs')

/** `count` sites, each with one agent. Ours makes real rows and tokens; bare just names them. */
export async function prepareSites(server, count) {
  if (server.kind === 'ours') return server.invoke(fixtures, 'sites', { count })
  return Array.from({ length: count }, () => ({ siteId: crypto.randomUUID(), agentId: crypto.randomUUID() }))
}

/** A visitor's handshake auth: ours creates a session over the REST API (POST …/visitor-sessions). */
export async function visitorAuth(server, site) {
  if (server.kind === 'bare') return { siteId: site.siteId, visitorId: crypto.randomUUID() }
  const res = await fetch(`${server.url}/api/sites/${site.siteId}/visitor-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  if (res.status !== 201) throw new Error(`creating a visitor session: HTTP ${res.status} ${await res.text()}`)
  const session = await res.json()
  return { token: session.token }
}

export function agentAuth(server, site) {
  return server.kind === 'ours' ? { token: site.agentToken, siteId: site.siteId } : { siteId: site.siteId, agentId: site.agentId }
}

/** A connected socket of the namespace ('/visitor' or '/agent'), or a rejection with the server's reason. */
export function connect(url, namespace, auth, timeoutMs = 30_000) {
  const socket = io(url + namespace, { auth, transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (e) => {
      socket.close()
      reject(new Error(`connecting to ${namespace}: ${e.message}${e.data ? ` ${JSON.stringify(e.data)}` : ''}`))
    })
  })
}

/** Emits a command and resolves with its ack's data, or rejects with its error. */
export async function ask(socket, event, payload, timeoutMs = 30_000) {
  const reply = await socket.timeout(timeoutMs).emitWithAck(event, payload)
  if (!reply?.ok) throw new Error(`${event}: ${JSON.stringify(reply?.error ?? reply)}`)
  return reply.data
}

/** Starts a conversation for a connected visitor socket; resolves to its id. */
export async function startConversation(socket) {
  const started = await ask(socket, 'conversation:start', { clientKey: crypto.randomUUID() })
  return started.conversation.id
}

let clientSeq = 0
/** A fresh clientId (idempotency key) for message:send: 8 to 64 of [A-Za-z0-9_-]. */
export const clientId = () => `bench_${process.pid.toString(36)}_${(clientSeq++).toString(36)}`
