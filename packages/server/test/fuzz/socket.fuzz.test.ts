// Property-based fuzzing of every socket command of /visitor and /agent (and both handshakes):
// each gets valid payloads broken in one way at a time (see arbitraries.ts). Whatever arrives,
// the ack is `{ ok: true }` or `{ ok: false, error: { code, message } }` with a 4xx code, a
// refused command changes no row, the socket stays connected, and the server keeps serving.
// A fixed seed and a bounded number of runs keep CI deterministic.
import fc from 'fast-check'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { ask, connectRaw, rawSocket } from '../helpers.js'
import { badUuid, configureFuzz, hostile, mutate, preview, unicodeEdge, withOwnKey } from './arbitraries.js'
import { counts, expectErrorBody, expectNoPollution, makeWorld, type World } from './world.js'

configureFuzz(40)

let w: World
/** Resolved, closed and rated along the way: kept apart from `w.conv`, which stays open. */
let other: string
let visitorSocket: Socket
let agentSocket: Socket
const opened: Socket[] = []

const connect = (ns: '/visitor' | '/agent', auth: Record<string, unknown>) => {
  const socket = rawSocket(w.s.url, ns, auth)
  opened.push(socket)
  return connectRaw(socket)
}

beforeAll(async () => {
  w = await makeWorld()
  const started = await w.s.services.conversations.start(
    { kind: 'visitor', siteId: w.site.id, visitorId: w.visitor.id },
    { clientKey: 'fuzz-other-0001', message: { clientId: 'fuzz-other-0001', text: 'another' } },
  )
  other = started.conversation.id
  visitorSocket = await connect('/visitor', { token: w.visitor.token })
  agentSocket = await connect('/agent', { token: w.admin.token, siteId: w.site.id })
})
afterAll(async () => {
  for (const socket of opened) socket.close()
  await w?.s.close()
})

let n = 0
const cid = () => `fuzz-${(n++).toString().padStart(6, '0')}`

interface EventSpec {
  valid: () => Record<string, unknown>
  fields: string[]
}

const text = { text: 'hi' }
const VISITOR: Record<string, EventSpec> = {
  'conversation:start': {
    valid: () => ({ clientKey: cid(), fields: { name: 'Ann', email: 'ann@example.test', phone: '+1 555', custom: { plan: 'pro' } }, message: { clientId: cid(), ...text }, team: 'Sales' }),
    fields: ['clientKey', 'fields', 'fields.name', 'fields.email', 'fields.phone', 'fields.custom', 'message', 'message.clientId', 'message.text', 'message.attachments', 'offline', 'team'],
  },
  'message:send': {
    valid: () => ({ conversationId: w.conv, clientId: cid(), ...text }),
    fields: ['conversationId', 'clientId', 'text', 'attachments'],
  },
  'message:choose': {
    valid: () => ({ conversationId: w.conv, messageId: w.choice, optionId: 'yes' }),
    fields: ['conversationId', 'messageId', 'optionId'],
  },
  'messages:sync': { valid: () => ({ conversationId: w.conv, afterSeq: 0, limit: 5 }), fields: ['conversationId', 'afterSeq', 'limit'] },
  'typing:set': { valid: () => ({ conversationId: w.conv, typing: true }), fields: ['conversationId', 'typing'] },
  'conversation:delivered': { valid: () => ({ conversationId: w.conv, seq: 1 }), fields: ['conversationId', 'seq'] },
  'conversation:read': { valid: () => ({ conversationId: w.conv, seq: 1 }), fields: ['conversationId', 'seq'] },
  'visitor:page': { valid: () => ({ url: 'https://shop.example/cart', title: 'Cart' }), fields: ['url', 'title'] },
  'visitor:update': {
    valid: () => ({ name: 'Ann', email: 'ann@example.test', phone: '+1 555', company: 'Acme', custom: { plan: 'pro', seats: 3, trial: false, note: null }, attributes: { nickname: 'Annie' } }),
    fields: ['name', 'email', 'phone', 'company', 'custom', 'custom.plan', 'attributes', 'attributes.nickname'],
  },
  'conversation:rate': { valid: () => ({ conversationId: other, rating: 4, feedback: 'ok' }), fields: ['conversationId', 'rating', 'feedback'] },
  'conversation:close': { valid: () => ({ conversationId: other }), fields: ['conversationId'] },
}

const AGENT: Record<string, EventSpec> = {
  'message:send': {
    valid: () => ({
      conversationId: w.conv,
      clientId: cid(),
      text: 'reply',
      private: false,
      content: { kind: 'card', title: 'Pro', imageUrl: 'https://example.test/pro.png', buttons: [{ type: 'link', label: 'Buy', url: 'https://example.test/buy' }] },
    }),
    fields: ['conversationId', 'clientId', 'text', 'attachments', 'private', 'content', 'content.kind', 'content.title', 'content.imageUrl', 'content.buttons'],
  },
  'messages:sync': VISITOR['messages:sync']!,
  'typing:set': VISITOR['typing:set']!,
  'conversation:delivered': VISITOR['conversation:delivered']!,
  'conversation:read': VISITOR['conversation:read']!,
  'conversation:assign': { valid: () => ({ conversationId: w.conv, agentId: w.agent.id, teamId: w.team }), fields: ['conversationId', 'agentId', 'teamId'] },
  'conversation:update': {
    valid: () => ({ conversationId: w.conv, priority: 'high', tags: ['vip', 'billing'], subject: 'Invoice' }),
    fields: ['conversationId', 'priority', 'tags', 'subject'],
  },
  'agent:status': { valid: () => ({ status: 'away' }), fields: ['status'] },
  'presence:list': { valid: () => ({}), fields: [] },
  'auth:renew': { valid: () => ({ token: w.agent.token }), fields: ['token'] },
  'conversation:resolve': { valid: () => ({ conversationId: other }), fields: ['conversationId'] },
  'conversation:reopen': { valid: () => ({ conversationId: other }), fields: ['conversationId'] },
}

type AckLike = { ok?: unknown; data?: unknown; error?: unknown }

/** Sends one payload; a refusal must have the documented shape and leave every count as it was. */
async function check(socket: Socket, event: string, args: unknown[]): Promise<void> {
  const before = await counts(w)
  const ack = await ask<AckLike>(socket, event, ...args)
  const context = `${event} ${preview(args)}`
  expect(typeof ack === 'object' && ack !== null && typeof ack.ok === 'boolean', `${context}: ack ${preview(ack)}`).toBe(true)
  if (ack.ok) return
  expectErrorBody(ack.error, context)
  expect(await counts(w), `${context}: rows after a refusal`).toEqual(before)
}

const namespaces = [
  { ns: '/visitor', events: VISITOR, socket: () => visitorSocket },
  { ns: '/agent', events: AGENT, socket: () => agentSocket },
] as const

for (const { ns, events, socket } of namespaces) {
  describe(`${ns} commands with fuzzed payloads`, () => {
    for (const [event, spec] of Object.entries(events)) {
      it(`${event}: every answer is an ack, refusals are 4xx with a message and write nothing`, async () => {
        await fc.assert(fc.asyncProperty(mutate(spec.valid, spec.fields), (payload) => check(socket(), event, [payload])))
        expect(socket().connected).toBe(true)
      })
    }

    it('extra arguments, binary data and missing acks: the socket stays up and answers', async () => {
      const args = fc.array(fc.oneof(hostile, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))), { maxLength: 4 })
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(events)), args, fc.boolean(), async (event, rest, withAck) => {
          if (withAck) return check(socket(), event, rest)
          socket().emit(event, ...rest)
        }),
      )
      expect(await ask(socket(), 'messages:sync', { conversationId: w.conv, afterSeq: 0 })).toMatchObject({ ok: true })
    })

    it('unknown and prototype event names are ignored', async () => {
      const name = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'connect', 'disconnecting', 'error', 'newListener'), unicodeEdge, fc.string())
      await fc.assert(
        fc.asyncProperty(name, fc.array(hostile, { maxLength: 2 }), async (event, rest) => {
          // Names socket.io reserves make emit() throw on the client: nothing reaches the server.
          try {
            socket().emit(event, ...rest, () => undefined)
          } catch {
            return
          }
        }),
        { numRuns: 60 },
      )
      expect(socket().connected).toBe(true)
      expect(await ask(socket(), 'messages:sync', { conversationId: w.conv, afterSeq: 0 })).toMatchObject({ ok: true })
    })
  })
}

describe('handshakes with fuzzed credentials', () => {
  /**
   * Connects with `auth`: refused with a connect_error (and its data), or, for an `auth` that is
   * not an object (socket.io's protocol wants one), the server closes the transport.
   */
  const refused = async (ns: '/visitor' | '/agent', auth: unknown) => {
    const socket = rawSocket(w.s.url, ns, auth as Record<string, unknown>)
    opened.push(socket)
    try {
      return await new Promise<{ connected: boolean; closed?: boolean; data?: unknown }>((resolve) => {
        socket.once('connect', () => resolve({ connected: true }))
        socket.once('connect_error', (e: Error & { data?: unknown }) => resolve({ connected: false, data: e.data }))
        // 'forced close' is the client's own, just before a connect_error.
        socket.io.on('close', (reason) => reason === 'transport close' && resolve({ connected: false, closed: true }))
      })
    } finally {
      socket.close()
    }
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
  const token = fc.oneof(hostile, fc.constantFrom('a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer x'), badUuid)

  it('/visitor: every refusal is a connect_error carrying a 4xx ErrorBody', async () => {
    const auth = fc.oneof(hostile, token.map((t) => ({ token: t })), token.map((t) => withOwnKey({}, '__proto__', { token: t })))
    await fc.assert(
      fc.asyncProperty(auth, async (a) => {
        const r = await refused('/visitor', a)
        expect(r.connected, preview(a)).toBe(false)
        if (r.closed) expect(isObject(a), `closed for ${preview(a)}`).toBe(false)
        else expectErrorBody(r.data, `visitor handshake ${preview(a)}`)
      }),
      { numRuns: 40 },
    )
  })

  it('/agent: every refusal is a connect_error carrying a 4xx ErrorBody; a good token with a bad site is refused too', async () => {
    const auth = fc.oneof(
      hostile,
      fc.record({ token, siteId: fc.oneof(hostile, badUuid) }),
      fc.oneof(hostile, badUuid).map((siteId) => ({ token: w.admin.token, siteId })),
    )
    await fc.assert(
      fc.asyncProperty(auth, async (a) => {
        const r = await refused('/agent', a)
        expect(r.connected, preview(a)).toBe(false)
        if (r.closed) expect(isObject(a), `closed for ${preview(a)}`).toBe(false)
        else expectErrorBody(r.data, `agent handshake ${preview(a)}`)
      }),
      { numRuns: 40 },
    )
  })
})

describe('after the fuzzing', () => {
  it('nothing polluted the prototypes, /healthz answers, and a normal conversation works', async () => {
    expectNoPollution()
    const health = await request(w.s.url).get('/healthz')
    expect(health.status).toBe(200)
    const session = await request(w.s.url).post(`/api/sites/${w.site.id}/visitor-sessions`).send({})
    expect(session.status).toBe(201)
    const fresh = await connect('/visitor', { token: (session.body as { token: string }).token })
    const started = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(fresh, 'conversation:start', { clientKey: cid() })
    expect(started).toMatchObject({ ok: true })
    const sent = await ask(fresh, 'message:send', { conversationId: started.data.conversation.id, clientId: cid(), text: 'still works' })
    expect(sent).toMatchObject({ ok: true, data: { seq: 1, text: 'still works' } })
    const agentSent = await ask(agentSocket, 'message:send', { conversationId: started.data.conversation.id, clientId: cid(), text: 'yes' })
    expect(agentSent).toMatchObject({ ok: true })
  })
})
