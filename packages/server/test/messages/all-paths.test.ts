// One writer, every path: the same conversation is played through each way a message can enter
// (the visitor's socket one message at a time, and several at once so that they go in one group
// commit; the agent's socket; REST; the system lines of assign, resolve and reopen; a resend),
// and what it leaves behind — every message row, the conversation's counters, every event a
// webhook receiver got, the reply email queued — must equal one expected result, whatever the
// path. Real Postgres (a database of its own: every server's dispatcher and webhook worker serve
// every site), real sockets, a real HTTP receiver.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { WEBHOOK_EVENTS, type Message, type WebhookPayload } from '@live-chat/protocol'
import { createApp, type LiveChatApp } from '../../src/app.js'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createLogger } from '../../src/shared/logger.js'
import { createTestDatabase } from '../global-setup.js'
import { ask, connectRaw, eventually, Fixtures, rawSocket, SECRET } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { receiver } from '../webhooks/receivers.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
let db: Database
let app: LiveChatApp
let url: string
let fx: Fixtures
let smtp: TestSmtp
let hooks: Awaited<ReturnType<typeof receiver>>
const batches: number[] = []

beforeAll(async () => {
  database = await createTestDatabase('live_chat_all_paths')
  db = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
  // How many messages each statement of the send path carried: a group commit is one of several.
  const query = db.direct.query.bind(db.direct)
  db.direct.query = (sql, args) => {
    if (sql.includes('mod_chat_append_messages(')) batches.push((args[0] as unknown[]).length)
    return query(sql, args)
  }
  smtp = await startSmtp()
  hooks = await receiver()
  app = await createApp({
    db,
    secret: SECRET,
    env: 'test',
    logger: createLogger('silent'),
    webhooks: { pollMs: 100, allowedNetworks: ['127.0.0.1/32'] },
    // A long batching window: the reply email stays queued, where this test reads it.
    mail: { smtpUrl: smtp.url, batchMs: 600_000 },
  })
  const { port } = await app.listen(0, '127.0.0.1')
  url = `http://127.0.0.1:${port}`
  fx = new Fixtures(db, app.services)
})
afterAll(async () => {
  await app?.close()
  await db?.close()
  await hooks?.close()
  await smtp?.close()
  await database?.drop()
})

interface Path {
  /** How the visitor's messages of one step go: awaited one by one, or emitted together (one group commit). */
  visitor: 'one by one' | 'together'
  /** How the agent acts: its socket or the REST API. */
  agent: 'socket' | 'rest'
}

/** An agent's actions over its socket or over REST, with the same inputs. */
function agentActions(path: Path, socket: Socket, token: string, siteId: string) {
  const rest = async (route: string, body: unknown) => {
    const res = await fetch(`${url}/api/sites/${siteId}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status, `${route}: ${await res.clone().text()}`).toBeLessThan(300)
    return res.json()
  }
  const command = async (event: string, input: unknown) => {
    const ack = await ask<{ ok: boolean; error?: unknown }>(socket, event, input)
    expect(ack, event).toMatchObject({ ok: true })
  }
  return {
    send: (conversationId: string, text: string, isPrivate = false) => {
      const input = { clientId: `a_${crypto.randomBytes(6).toString('hex')}`, text, ...(isPrivate ? { private: true } : {}) }
      return path.agent === 'rest' ? rest(`/conversations/${conversationId}/messages`, input) : command('message:send', { conversationId, ...input })
    },
    assign: (conversationId: string, agentId: string) =>
      path.agent === 'rest' ? rest(`/conversations/${conversationId}/assign`, { agentId }) : command('conversation:assign', { conversationId, agentId }),
    resolve: (conversationId: string) => (path.agent === 'rest' ? rest(`/conversations/${conversationId}/resolve`, {}) : command('conversation:resolve', { conversationId })),
  }
}

/** Plays the conversation along `path` on a site of its own, and returns everything it left behind, with times as places. */
async function play(path: Path) {
  const site = await fx.site()
  // No capacity for routing: the conversation is assigned by hand (a system line of the agent's).
  const admin = await fx.agent(site.id, { role: 'admin', name: 'Ada', capacity: 0 })
  // A webhook subscribed to every event, made through the API as an admin would.
  const created = await fetch(`${url}/api/sites/${site.id}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: hooks.url, events: WEBHOOK_EVENTS }),
  })
  expect(created.status).toBe(201)

  const session = await fx.visitorSession(site.id)
  const visitor = await connectRaw(rawSocket(url, '/visitor', { token: session.token }))
  const agentSocket = await connectRaw(rawSocket(url, '/agent', { token: admin.token, siteId: site.id }))
  const agent = agentActions(path, agentSocket, admin.token, site.id)
  try {
    const clientIds = new Map<string, string>()
    const visitorSend = async (conversationId: string, texts: string[]) => {
      const send = (text: string) => {
        const clientId = clientIds.get(text) ?? `v_${crypto.randomBytes(6).toString('hex')}`
        clientIds.set(text, clientId)
        return ask<{ ok: boolean; data: Message }>(visitor, 'message:send', { conversationId, clientId, text })
      }
      const acks = path.visitor === 'together' ? await Promise.all(texts.map(send)) : await texts.reduce<Promise<{ ok: boolean; data: Message }[]>>(async (done, t) => [...(await done), await send(t)], Promise.resolve([]))
      for (const a of acks) expect(a.ok).toBe(true)
      return acks.map((a) => a.data)
    }

    const start = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(visitor, 'conversation:start', {
      clientKey: `k_${crypto.randomBytes(6).toString('hex')}`,
      fields: { name: 'Vera', email: 'vera@example.test' },
      message: { clientId: `v_${crypto.randomBytes(6).toString('hex')}`, text: 'Hello' },
    })
    expect(start.ok).toBe(true)
    const id = start.data.conversation.id
    await visitorSend(id, ['v1', 'v2', 'v3'])
    await agent.assign(id, admin.id)
    await agent.send(id, 'a1')
    await agent.send(id, 'a note', true)
    await agent.send(id, 'a2')
    const [v4] = await visitorSend(id, ['v4', 'v5'])
    // A resend of a stored message: the stored one comes back, and nothing else happens.
    const [again] = await visitorSend(id, ['v4'])
    expect(again).toEqual(v4)
    await agent.resolve(id)
    // A visitor writing into a resolved conversation reopens it (the general path).
    await visitorSend(id, ['v6'])
    await agent.send(id, 'a3')

    // Every event delivered: 10 public messages, created, assigned, resolved.
    const mine = () => hooks.got.map((r) => JSON.parse(r.body) as WebhookPayload).filter((p) => p.siteId === site.id)
    await eventually(() => mine().length >= 13, 15_000, 'the events at the receiver')

    const { messages, conversation, jobs } = await db.inSite(site.id, async (tx) => ({
      messages: await tx.message.findMany({ where: { conversationId: id }, orderBy: { seq: 'asc' } }),
      conversation: await tx.conversation.findUniqueOrThrow({ where: { id } }),
      jobs: await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM mod_chat_email_jobs WHERE conversation_id = ${id}::uuid`,
    }))
    const at = (d: Date | null) => (d === null ? null : (messages.find((m) => m.createdAt.getTime() === d.getTime())?.content ?? `no message at ${d.toISOString()}`))
    const received = hooks.got.filter((r) => (JSON.parse(r.body) as WebhookPayload).siteId === site.id)
    // Each event once, its id in the body and in the webhook-id header.
    const ids = received.map((r) => (JSON.parse(r.body) as WebhookPayload).id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(ids)
    const events = received
      .map((r) => JSON.parse(r.body) as WebhookPayload)
      .map((p) => {
        switch (p.event) {
          case 'message.created':
            return `message.created ${p.data.message.seq} ${p.data.message.senderType} ${p.data.message.text}`
          case 'conversation.created':
            return `conversation.created ${p.data.conversation.status} ${p.data.conversation.visitor.email}`
          case 'conversation.assigned':
            return `conversation.assigned ${p.data.agentId === admin.id ? 'Ada' : p.data.agentId} by ${p.data.by}`
          case 'conversation.resolved':
            return `conversation.resolved by ${p.data.agentId === admin.id ? 'Ada' : p.data.agentId}`
          default:
            return p.event
        }
      })
      .sort()
    return {
      messages: messages.map((m) => [m.seq, m.senderType, m.messageType === 'system' ? (m.metadata as { event: string }).event : m.content, m.isPrivate ? 'private' : 'public', m.senderName]),
      conversation: {
        status: conversation.status,
        assigned: conversation.assignedAgentId === admin.id,
        lastSeq: conversation.lastSeq,
        lastPublicSeq: conversation.lastPublicSeq,
        visitorRead: conversation.visitorReadSeq,
        visitorDelivered: conversation.visitorDeliveredSeq,
        agentRead: conversation.agentReadSeq,
        agentDelivered: conversation.agentDeliveredSeq,
        firstMessage: at(conversation.firstMessageAt),
        firstResponse: at(conversation.firstResponseAt),
        lastMessage: at(conversation.lastMessageAt),
        lastActivity: at(conversation.lastActivityAt),
      },
      events,
      replyEmailsQueued: Number(jobs[0]!.n),
    }
  } finally {
    visitor.disconnect()
    agentSocket.disconnect()
  }
}

const expected = {
  messages: [
    [1, 'visitor', 'Hello', 'public', 'Vera'],
    [2, 'visitor', 'v1', 'public', 'Vera'],
    [3, 'visitor', 'v2', 'public', 'Vera'],
    [4, 'visitor', 'v3', 'public', 'Vera'],
    [5, 'system', 'assigned', 'public', null],
    [6, 'agent', 'a1', 'public', 'Ada'],
    [7, 'agent', 'a note', 'private', 'Ada'],
    [8, 'agent', 'a2', 'public', 'Ada'],
    [9, 'visitor', 'v4', 'public', 'Vera'],
    [10, 'visitor', 'v5', 'public', 'Vera'],
    [11, 'system', 'resolved', 'public', null],
    [12, 'system', 'reopened', 'public', null],
    [13, 'visitor', 'v6', 'public', 'Vera'],
    [14, 'agent', 'a3', 'public', 'Ada'],
  ],
  conversation: {
    status: 'active',
    assigned: true,
    lastSeq: 14,
    lastPublicSeq: 14,
    visitorRead: 13,
    visitorDelivered: 13,
    agentRead: 14,
    agentDelivered: 14,
    firstMessage: 'Hello',
    firstResponse: 'a1',
    lastMessage: 'a3',
    lastActivity: 'a3',
  },
  events: [
    'conversation.assigned Ada by agent',
    'conversation.created pending vera@example.test',
    'conversation.resolved by Ada',
    'message.created 1 visitor Hello',
    'message.created 10 visitor v5',
    'message.created 13 visitor v6',
    'message.created 14 agent a3',
    'message.created 2 visitor v1',
    'message.created 3 visitor v2',
    'message.created 4 visitor v3',
    'message.created 6 agent a1',
    'message.created 8 agent a2',
    'message.created 9 visitor v4',
  ],
  replyEmailsQueued: 1,
}

describe('the same conversation through every path', () => {
  const paths: Path[] = [
    { visitor: 'one by one', agent: 'socket' },
    { visitor: 'together', agent: 'rest' },
    { visitor: 'together', agent: 'socket' },
    { visitor: 'one by one', agent: 'rest' },
  ]
  for (const path of paths) {
    it(`visitor's socket ${path.visitor}, agent over ${path.agent === 'rest' ? 'REST' : 'its socket'}: the same rows, counters, events and email`, async () => {
      batches.length = 0
      expect(await play(path)).toEqual(expected)
      // The send path's statements: several messages in one (group commit) when sent together.
      if (path.visitor === 'together') expect(Math.max(...batches)).toBeGreaterThan(1)
      else expect(Math.max(...batches)).toBe(1)
    })
  }
})
