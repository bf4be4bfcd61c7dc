// Two real server processes on one Redis share their abuse limits: a visitor whose messages go
// half to each process, and an attacker whose login guesses go half to each, get no more than
// the limit in all (each process alone would allow the whole limit again).
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { Ack, Message, StartedConversation } from '@live-chat/protocol'
import { ask, connectRaw, rawSocket, startServer, type TestServer } from '../helpers.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

const MESSAGES = 6
const LOGINS = 4

let fixtures: TestServer
let one: ServerProcess
let two: ServerProcess
const sockets: Socket[] = []
beforeAll(async () => {
  // A prefix of this run's own: earlier runs' counts in the shared Redis do not matter.
  const env = {
    RATE_LIMIT_MESSAGES: `${MESSAGES}/600`,
    RATE_LIMIT_LOGIN: `${LOGINS}/600`,
    RATE_LIMIT_PREFIX: `lc:rl:test:${crypto.randomBytes(4).toString('hex')}`,
  }
  ;[fixtures, one, two] = await Promise.all([startServer(), startProcess(env), startProcess(env)])
}, 120_000)
afterAll(async () => {
  for (const socket of sockets) socket.close()
  await Promise.all([stopProcess(one), stopProcess(two)])
  await fixtures?.close()
})

const connect = async (url: string, token: string) => {
  const socket = rawSocket(url, '/visitor', { token })
  sockets.push(socket)
  return connectRaw(socket)
}
const key = () => crypto.randomUUID()

describe('limits shared through Redis', () => {
  it('a visitor sending through both processes gets the message limit once, not once per process', async () => {
    const site = await fixtures.fx.site()
    const { token } = await fixtures.fx.visitorSession(site.id)
    const [onOne, onTwo] = await Promise.all([connect(one.url, token), connect(two.url, token)])
    const started = await ask<Ack<StartedConversation>>(onOne, 'conversation:start', { clientKey: key() })
    expect(started.ok).toBe(true)
    const conversationId = started.ok ? started.data.conversation.id : ''
    const acks: { via: string; ack: Ack<Message> }[] = []
    for (let i = 0; i < 2 * MESSAGES; i++) {
      const [via, socket] = i % 2 ? ['two', onTwo] as const : ['one', onOne] as const
      acks.push({ via, ack: await ask<Ack<Message>>(socket, 'message:send', { conversationId, clientId: key(), text: `m${i}` }) })
    }
    // The start and five messages fill the limit; every later one is refused, by either process.
    expect(acks.filter((a) => a.ack.ok).length).toBe(MESSAGES - 1)
    const refused = acks.filter((a) => !a.ack.ok)
    expect(new Set(refused.map((a) => a.via))).toEqual(new Set(['one', 'two']))
    expect(refused.every((a) => !a.ack.ok && a.ack.error.code === 'rate_limited' && a.ack.error.retryAfter! > 0)).toBe(true)
    const stored = await fixtures.db.inSite(site.id, (tx) => tx.message.count({ where: { conversationId } }))
    expect(stored).toBe(MESSAGES - 1)
  })

  it('login guesses spread over both processes are counted together', async () => {
    const site = await fixtures.fx.site()
    const agent = await fixtures.fx.agent(site.id)
    const login = (url: string, password: string) =>
      fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: agent.email, password }) })
    const statuses: number[] = []
    for (let i = 0; i < LOGINS; i++) statuses.push((await login(i % 2 ? two.url : one.url, 'a wrong guess')).status)
    expect(statuses).toEqual(Array.from({ length: LOGINS }, () => 401))
    for (const url of [one.url, two.url]) {
      const res = await login(url, agent.password)
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } })
    }
  })
})
