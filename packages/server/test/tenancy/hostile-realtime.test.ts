// Hostile tenancy over Socket.io: handshakes with the wrong site or the wrong kind of token,
// every command of /visitor and /agent aimed at site B's ids from site A's sockets, and
// broadcasts: nothing said in B reaches A's sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Socket } from 'socket.io-client'
import { Tokens, identityHash } from '../../src/shared/auth.js'
import { ask, connectRaw, eventually, rawSocket, waitFor, type TestServer, startServer } from '../helpers.js'
import { eachCase, expectNoLeak, expectTenantIntact, makeTenant, snapshot, type Tenant } from './tenants.js'

type Ns = '/visitor' | '/agent'
interface AckBody {
  ok: boolean
  data?: unknown
  error?: { code: string; message: string }
}

let s: TestServer
let a: Tenant
let b: Tenant
let initial: Awaited<ReturnType<typeof snapshot>>
const opened: Socket[] = []
let visitorA: Socket
/** B's messages in `b.conv`: its visitor's first, its admin's reply and private note. */
let bMsg: { first: string; reply: string; note: string }
const agentsA: Record<'admin' | 'agent', Socket> = {} as Record<'admin' | 'agent', Socket>

function open(ns: Ns, auth: Record<string, unknown>): Socket {
  const socket = rawSocket(s.url, ns, auth)
  opened.push(socket)
  return socket
}
const connect = (ns: Ns, auth: Record<string, unknown>) => connectRaw(open(ns, auth))

beforeAll(async () => {
  s = await startServer()
  a = await makeTenant(s, 'a')
  b = await makeTenant(s, 'b')
  initial = await snapshot(s, b)
  const rows = await s.db.inSite(b.site.id, (tx) => tx.message.findMany({ where: { conversationId: b.conv } }))
  const idOf = (text: string) => rows.find((m) => m.content === text)!.id
  bMsg = { first: idOf(b.texts.first), reply: idOf(b.texts.reply), note: idOf(b.texts.note) }
  visitorA = await connect('/visitor', { token: a.visitor.token })
  agentsA.admin = await connect('/agent', { token: a.admin.token, siteId: a.site.id })
  agentsA.agent = await connect('/agent', { token: a.agent.token, siteId: a.site.id })
})
afterAll(async () => {
  for (const socket of opened) socket.close()
  await s.close()
})

/** Counted: commands aimed at B; refused (a failed ack); leaked (an ack showing B); answered (A's own, allowed). */
const tally = { attempts: 0, refused: 0, leaked: 0, answered: 0 }
afterAll(() => console.log(`hostile-realtime: attempts=${tally.attempts} refused=${tally.refused} leaked=${tally.leaked} (A's own commands answered=${tally.answered}, none showing B)`))

/** Sends one command; checks that nothing of B came back and that B's rows did not change. */
async function attempt(socket: Socket, event: string, payload: unknown): Promise<AckBody> {
  const before = await snapshot(s, b)
  tally.attempts++
  const ack = await ask<AckBody>(socket, event, payload)
  if (b.secrets.some((x) => JSON.stringify(ack).includes(x))) tally.leaked++
  if (ack.ok) tally.answered++
  else tally.refused++
  expectNoLeak(JSON.stringify(ack), b)
  await expectTenantIntact(s, b, before)
  return ack
}

const refused = { ok: false, error: { code: expect.stringMatching(/^(not_found|forbidden)$/), message: expect.stringMatching(/\S/) } }

// ------------------------------------------------------------------ handshakes

function sign(kind: 'visitor' | 'agent', claims: Record<string, unknown>): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const payload = { iss: 'live-chat', aud: `live-chat:${kind}`, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, ...claims }
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`
}

async function signedInThePast(sign: () => Promise<{ token: string }>): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() - 100 * 24 * 3600 * 1000)
  try {
    return (await sign()).token
  } finally {
    vi.useRealTimers()
  }
}

const forger = new Tokens('not-the-server-secret-not-the-server-secret')
const HANDSHAKES: { name: string; ns: Ns; auth: () => Promise<Record<string, unknown>> | Record<string, unknown>; codes: string[] }[] = [
  { name: "A's admin token with site B", ns: '/agent', auth: () => ({ token: a.admin.token, siteId: b.site.id }), codes: ['forbidden'] },
  { name: "A's plain agent token with site B", ns: '/agent', auth: () => ({ token: a.agent.token, siteId: b.site.id }), codes: ['forbidden'] },
  { name: "A's admin token with no siteId", ns: '/agent', auth: () => ({ token: a.admin.token }), codes: ['forbidden', 'invalid_payload'] },
  { name: "A's admin token with a siteId that is not a UUID", ns: '/agent', auth: () => ({ token: a.admin.token, siteId: 'not-a-uuid' }), codes: ['forbidden', 'invalid_payload'] },
  { name: "A's admin token with a siteId of 36 dashes", ns: '/agent', auth: () => ({ token: a.admin.token, siteId: '-'.repeat(36) }), codes: ['forbidden', 'invalid_payload'] },
  { name: "A's admin token with a siteId of 36 hex digits", ns: '/agent', auth: () => ({ token: a.admin.token, siteId: 'f'.repeat(36) }), codes: ['forbidden', 'invalid_payload'] },
  { name: "A's visitor token on /agent with site A", ns: '/agent', auth: () => ({ token: a.visitor.token, siteId: a.site.id }), codes: ['unauthorized'] },
  { name: "A's visitor token on /agent with site B", ns: '/agent', auth: () => ({ token: a.visitor.token, siteId: b.site.id }), codes: ['unauthorized'] },
  { name: "A's admin token on /visitor", ns: '/visitor', auth: () => ({ token: a.admin.token }), codes: ['unauthorized'] },
  { name: "a visitor token for B's visitor signed with another key", ns: '/visitor', auth: async () => ({ token: (await forger.signVisitor({ visitorId: b.visitor.id, siteId: b.site.id })).token }), codes: ['unauthorized'] },
  { name: "an agent token for B's admin signed with another key", ns: '/agent', auth: async () => ({ token: (await forger.signAgent({ userId: b.admin.userId, sessionId: b.admin.sessionId })).token, siteId: b.site.id }), codes: ['unauthorized'] },
  { name: "an unsigned (alg none) visitor token for B's visitor", ns: '/visitor', auth: () => ({ token: sign('visitor', { sub: b.visitor.id, site: b.site.id }) }), codes: ['unauthorized'] },
  { name: "an unsigned (alg none) agent token for B's admin", ns: '/agent', auth: () => ({ token: sign('agent', { sub: b.admin.userId }), siteId: b.site.id }), codes: ['unauthorized'] },
  { name: "A's visitor token with B's visitor in its payload", ns: '/visitor', auth: () => ({ token: swapPayload(a.visitor.token, { sub: b.visitor.id, site: b.site.id }) }), codes: ['unauthorized'] },
  { name: "an expired visitor token of A's visitor", ns: '/visitor', auth: async () => ({ token: await signedInThePast(() => s.services.tokens.signVisitor({ visitorId: a.visitor.id, siteId: a.site.id })) }), codes: ['token_expired'] },
  { name: "an expired agent token of A's admin", ns: '/agent', auth: async () => ({ token: await signedInThePast(() => s.services.tokens.signAgent({ userId: a.admin.userId, sessionId: a.admin.sessionId })), siteId: a.site.id }), codes: ['token_expired'] },
  ...(['/visitor', '/agent'] as const).flatMap((ns) =>
    [
      ['no auth at all', {}],
      ['an empty token', { token: '' }],
      ['a garbage token', { token: 'garbage' }],
      ['a three-part garbage token', { token: 'a.b.c' }],
      ['a number as token', { token: 42 }],
      ['an object as token', { token: { sub: 'x' } }],
      ['a 5,000-character token', { token: 'x'.repeat(5_000) }],
    ].map(([name, auth]) => ({ name: `${String(name)} on ${ns}`, ns, auth: () => ({ ...(auth as object), siteId: a.site.id }), codes: ['unauthorized'] })),
  ),
]

function swapPayload(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.')
  const body = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), ...claims }
  return `${header}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${signature}`
}

describe('socket handshakes with the wrong site or token', () => {
  eachCase(HANDSHAKES, (n) => `when connecting with ${n}, the handshake is refused`, async ({ ns, auth, codes }) => {
    const err = await connect(ns, await auth()).then(
      () => undefined,
      (e: Error & { data?: { code?: string; message?: string } }) => e,
    )
    expect(err, 'the handshake succeeded').toBeDefined()
    expect(codes).toContain(err?.data?.code)
    expect(err?.data?.message).toMatch(/\S/)
  })
})

// ------------------------------------------------------------------ commands aimed at B

interface Attack {
  name: string
  event: string
  payload: () => unknown
}

const VISITOR_ATTACKS: Attack[] = [
  { name: "message:send into B's conversation", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'attack-0001', text: 'pwned' }) },
  { name: "message:send reusing B's clientId", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'cid-b-0001', text: 'pwned' }) },
  { name: "message:send into B's resolved conversation", event: 'message:send', payload: () => ({ conversationId: b.resolvedConv, clientId: 'attack-0002', text: 'pwned' }) },
  { name: "message:choose of B's choice in B's conversation", event: 'message:choose', payload: () => ({ conversationId: b.conv, messageId: b.choice, optionId: 'yes' }) },
  { name: "message:choose of B's choice through A's own conversation", event: 'message:choose', payload: () => ({ conversationId: a.conv, messageId: b.choice, optionId: 'yes' }) },
  { name: "messages:sync of B's conversation", event: 'messages:sync', payload: () => ({ conversationId: b.conv, afterSeq: 0, limit: 200 }) },
  { name: "messages:sync of B's resolved conversation", event: 'messages:sync', payload: () => ({ conversationId: b.resolvedConv, afterSeq: 0 }) },
  { name: "typing:set (true) in B's conversation", event: 'typing:set', payload: () => ({ conversationId: b.conv, typing: true }) },
  { name: "typing:set (false) in B's conversation", event: 'typing:set', payload: () => ({ conversationId: b.conv, typing: false }) },
  { name: "conversation:delivered of B's conversation", event: 'conversation:delivered', payload: () => ({ conversationId: b.conv, seq: 1_000 }) },
  { name: "conversation:read of B's conversation", event: 'conversation:read', payload: () => ({ conversationId: b.conv, seq: 1_000 }) },
  { name: "conversation:close of B's conversation", event: 'conversation:close', payload: () => ({ conversationId: b.conv }) },
  { name: "conversation:close of B's resolved conversation", event: 'conversation:close', payload: () => ({ conversationId: b.resolvedConv }) },
  { name: "conversation:rate of B's resolved conversation", event: 'conversation:rate', payload: () => ({ conversationId: b.resolvedConv, rating: 1, feedback: 'pwned' }) },
  { name: "message:edit of B's visitor's message", event: 'message:edit', payload: () => ({ conversationId: b.conv, messageId: bMsg.first, text: 'pwned' }) },
  { name: "message:edit of B's visitor's message through A's own conversation", event: 'message:edit', payload: () => ({ conversationId: a.conv, messageId: bMsg.first, text: 'pwned' }) },
  { name: "message:unsend of B's visitor's message", event: 'message:unsend', payload: () => ({ conversationId: b.conv, messageId: bMsg.first }) },
  { name: "message:unsend of B's agent's reply through A's own conversation", event: 'message:unsend', payload: () => ({ conversationId: a.conv, messageId: bMsg.reply }) },
]

const AGENT_ATTACKS: Attack[] = [
  { name: "message:send into B's conversation", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'attack-0003', text: 'pwned' }) },
  { name: "message:send of a private note into B's conversation", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'attack-0004', text: 'pwned', private: true }) },
  { name: "message:send reusing B's admin's clientId", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'cid-b-0003', text: 'pwned' }) },
  { name: "messages:sync of B's conversation", event: 'messages:sync', payload: () => ({ conversationId: b.conv, afterSeq: 0, limit: 200 }) },
  { name: "messages:sync of B's resolved conversation", event: 'messages:sync', payload: () => ({ conversationId: b.resolvedConv, afterSeq: 0 }) },
  { name: "typing:set (true) in B's conversation", event: 'typing:set', payload: () => ({ conversationId: b.conv, typing: true }) },
  { name: "typing:set (false) in B's conversation", event: 'typing:set', payload: () => ({ conversationId: b.conv, typing: false }) },
  { name: "conversation:delivered of B's conversation", event: 'conversation:delivered', payload: () => ({ conversationId: b.conv, seq: 1_000 }) },
  { name: "conversation:read of B's conversation", event: 'conversation:read', payload: () => ({ conversationId: b.conv, seq: 1_000 }) },
  { name: "conversation:assign of B's conversation to A's admin", event: 'conversation:assign', payload: () => ({ conversationId: b.conv, agentId: a.admin.id }) },
  { name: "conversation:assign of B's conversation to B's plain agent", event: 'conversation:assign', payload: () => ({ conversationId: b.conv, agentId: b.agent.id }) },
  { name: "conversation:assign of B's conversation to the queue", event: 'conversation:assign', payload: () => ({ conversationId: b.conv, agentId: null }) },
  { name: "conversation:assign of A's conversation to B's admin", event: 'conversation:assign', payload: () => ({ conversationId: a.conv, agentId: b.admin.id }) },
  { name: "conversation:assign of B's conversation to B's team", event: 'conversation:assign', payload: () => ({ conversationId: b.conv, teamId: b.team }) },
  { name: "conversation:assign of A's conversation to B's team", event: 'conversation:assign', payload: () => ({ conversationId: a.conv, teamId: b.team }) },
  { name: "conversation:resolve of B's conversation", event: 'conversation:resolve', payload: () => ({ conversationId: b.conv }) },
  { name: "conversation:reopen of B's resolved conversation", event: 'conversation:reopen', payload: () => ({ conversationId: b.resolvedConv }) },
  { name: "conversation:update of B's conversation", event: 'conversation:update', payload: () => ({ conversationId: b.conv, priority: 'urgent', tags: ['pwned'], subject: 'pwned' }) },
  { name: "message:edit of B's admin's reply", event: 'message:edit', payload: () => ({ conversationId: b.conv, messageId: bMsg.reply, text: 'pwned' }) },
  { name: "message:edit of B's private note through A's own conversation", event: 'message:edit', payload: () => ({ conversationId: a.conv, messageId: bMsg.note, text: 'pwned' }) },
  { name: "message:unsend of B's private note", event: 'message:unsend', payload: () => ({ conversationId: b.conv, messageId: bMsg.note }) },
  { name: "message:unsend of B's visitor's message through A's own conversation", event: 'message:unsend', payload: () => ({ conversationId: a.conv, messageId: bMsg.first }) },
  { name: "message:history of B's admin's reply", event: 'message:history', payload: () => ({ conversationId: b.conv, messageId: bMsg.reply }) },
  { name: "message:history of B's reply through A's own conversation", event: 'message:history', payload: () => ({ conversationId: a.conv, messageId: bMsg.reply }) },
  { name: "conversation:view of B's conversation", event: 'conversation:view', payload: () => ({ conversationId: b.conv, viewing: true }) },
  { name: "conversation:view (leaving) of B's conversation", event: 'conversation:view', payload: () => ({ conversationId: b.conv, viewing: false }) },
  { name: "message:send into B's conversation with the collision guard", event: 'message:send', payload: () => ({ conversationId: b.conv, clientId: 'attack-0005', text: 'pwned', unlessRepliedAfter: 0 }) },
]

describe("/visitor commands from A's visitor aimed at B", () => {
  eachCase(VISITOR_ATTACKS, (n) => `when sending ${n}, acks not_found or forbidden`, async ({ event, payload }) => {
    expect(await attempt(visitorA, event, payload())).toEqual(refused)
  })
})

describe("/agent commands from A's agents aimed at B", () => {
  const cases = AGENT_ATTACKS.flatMap((x) => (['admin', 'agent'] as const).map((role) => ({ ...x, role, name: `${x.name} (A's ${role})` })))
  eachCase(cases, (n) => `when sending ${n}, acks not_found or forbidden`, async ({ event, payload, role }) => {
    expect(await attempt(agentsA[role], event, payload())).toEqual(refused)
  })

  it("when A's conversation is aimed at B's admin, A's conversation stays as it was", async () => {
    const mine = () => s.db.inSite(a.site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: a.conv } }))
    const before = await mine()
    await attempt(agentsA.admin, 'conversation:assign', { conversationId: a.conv, agentId: b.agent.id })
    expect(await mine()).toEqual(before)
  })
})

describe("commands without a target id, with B's ids smuggled into the payload", () => {
  const smuggled = () => ({ siteId: b.site.id, visitorId: b.visitor.id, agentId: b.admin.id, id: b.visitor.id })

  it('when a visitor starts a conversation, it is created in A for A\'s visitor', async () => {
    const ack = await attempt(visitorA, 'conversation:start', { ...smuggled(), conversationId: b.conv, clientKey: 'smuggle-0001', message: { clientId: 'smuggle-0001', text: 'hello' } })
    expect(ack).toMatchObject({ ok: true, data: { conversation: { siteId: a.site.id } } })
    const id = (ack.data as { conversation: { id: string } }).conversation.id
    const row = await s.db.inSite(a.site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id } }))
    expect(row.visitorId).toBe(a.visitor.id)
  })

  it("when a visitor updates their profile or page, only A's visitor changes", async () => {
    expect(await attempt(visitorA, 'visitor:update', { ...smuggled(), name: 'Smuggler', email: 'smuggler@example.org' })).toMatchObject({ ok: true, data: { id: a.visitor.id, siteId: a.site.id, name: 'Smuggler' } })
    expect(await attempt(visitorA, 'visitor:page', { ...smuggled(), url: 'https://a.example/smuggled', title: 'Smuggled' })).toMatchObject({ ok: true })
  })

  it("when a visitor sets their company and attributes, only A's visitor's change; an attribute the team keeps to itself is forbidden", async () => {
    expect(await attempt(visitorA, 'visitor:update', { ...smuggled(), company: 'Smuggled Co', attributes: { nickname: 'smuggled' } })).toMatchObject({ ok: true, data: { id: a.visitor.id, company: 'Smuggled Co' } })
    expect(await attempt(visitorA, 'visitor:update', { ...smuggled(), attributes: { tier: b.values.tier } })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await attempt(visitorA, 'visitor:update', { ...smuggled(), attributes: { pwned: 'x' } })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } })
    const mine = await s.db.inSite(a.site.id, (tx) => tx.contactAttributeValue.findMany({ where: { visitorId: a.visitor.id }, include: { attribute: true } }))
    expect(mine.map((v) => [v.attribute.key, v.textValue]).sort()).toEqual([['nickname', 'smuggled'], ['tier', a.values.tier]])
  })

  it.each(['admin', 'agent'] as const)("when A's %s sets its status, only that agent of A changes", async (role) => {
    const ack = await attempt(agentsA[role], 'agent:status', { ...smuggled(), status: 'away' })
    expect(ack).toMatchObject({ ok: true, data: { id: a[role].id, siteId: a.site.id, status: 'away' } })
  })

  it.each(['admin', 'agent'] as const)("when A's %s lists who views what, only A's conversations and agents are listed", async (role) => {
    expect(await attempt(agentsA[role], 'conversation:view', { ...smuggled(), conversationId: a.conv, viewing: true })).toMatchObject({ ok: true, data: { conversationId: a.conv } })
    const ack = await attempt(agentsA[role], 'viewers:list', smuggled())
    expect(ack.ok).toBe(true)
    const items = (ack.data as { items: { conversationId: string; agents: { id: string }[] }[] }).items
    expect(items.map((x) => x.conversationId)).toEqual([a.conv])
    expect(items[0]!.agents.map((x) => x.id)).toContain(a[role].id)
    expect(JSON.stringify(items)).not.toMatch(new RegExp(`${b.admin.id}|${b.agent.id}`))
    await attempt(agentsA[role], 'conversation:view', { conversationId: a.conv, viewing: false })
  })

  it.each(['admin', 'agent'] as const)("when A's %s lists presence, only A's agents and visitors are listed", async (role) => {
    const ack = await attempt(agentsA[role], 'presence:list', smuggled())
    expect(ack.ok).toBe(true)
    const data = ack.data as { agents: { siteId: string }[]; visitors: { visitorId: string }[] }
    expect(data.agents.map((x) => x.siteId)).toEqual([a.site.id, a.site.id])
    expect(data.visitors.map((v) => v.visitorId)).toEqual([a.visitor.id])
  })
})

describe('site B after every socket attack', () => {
  it("when all the attacks above are done, B's rows are exactly as they were", async () => {
    await expectTenantIntact(s, b, initial)
  })
})

// ------------------------------------------------------------------ broadcasts

describe('broadcasts', () => {
  const mine: Socket[] = []
  afterEach(() => {
    for (const socket of mine.splice(0)) socket.close()
  })

  it("when B's visitor and agents converse, A's agent and visitor receive no event at all", async () => {
    // Fresh tenants: this test changes B on purpose.
    const [c, d] = await Promise.all([makeTenant(s, 'c'), makeTenant(s, 'd')])
    const seen: { who: string; event: string; args: unknown[] }[] = []
    const observe = (who: string, socket: Socket) => {
      mine.push(socket)
      socket.onAny((event: string, ...args: unknown[]) => seen.push({ who, event, args }))
      return socket
    }
    const cAgent = observe('A agent', rawSocket(s.url, '/agent', { token: c.admin.token, siteId: c.site.id }))
    const selfAnnounced = waitFor<string>((fn) => (cAgent.on('agent:updated', () => fn('x')), () => cAgent.off('agent:updated')))
    await connectRaw(cAgent)
    await selfAnnounced
    const cVisitor = observe('A visitor', rawSocket(s.url, '/visitor', { token: c.visitor.token }))
    const visitorAnnounced = waitFor<{ visitorId: string }>((fn) => (cAgent.on('visitor:updated', fn), () => cAgent.off('visitor:updated', fn)), (p) => p.visitorId === c.visitor.id)
    await connectRaw(cVisitor)
    await visitorAnnounced
    await new Promise((r) => setTimeout(r, 200))
    const aboutA = seen.splice(0)
    expect(JSON.stringify(aboutA)).not.toContain(d.site.id)

    // Site B (d) talks.
    const dVisitor = await connectRaw(rawSocket(s.url, '/visitor', { token: d.visitor.token }))
    const dAdmin = await connectRaw(rawSocket(s.url, '/agent', { token: d.admin.token, siteId: d.site.id }))
    const dAgent = await connectRaw(rawSocket(s.url, '/agent', { token: d.agent.token, siteId: d.site.id }))
    mine.push(dVisitor, dAdmin, dAgent)
    const ok = async (socket: Socket, event: string, payload: unknown) => {
      const ack = await ask<AckBody>(socket, event, payload)
      expect(ack, `${event} in B`).toMatchObject({ ok: true })
      return ack.data
    }
    const started = (await ok(dVisitor, 'conversation:start', { clientKey: 'd-new-0001', message: { clientId: 'd-new-0001', text: 'new in B' } })) as { conversation: { id: string } }
    const fresh = started.conversation.id
    await ok(dVisitor, 'typing:set', { conversationId: d.conv, typing: true })
    for (let i = 1; i <= 3; i++) await ok(dVisitor, 'message:send', { conversationId: d.conv, clientId: `d-msg-000${i}`, text: `B says ${i}` })
    await ok(dVisitor, 'typing:set', { conversationId: d.conv, typing: false })
    await ok(dAdmin, 'typing:set', { conversationId: d.conv, typing: true })
    const reply = (await ok(dAdmin, 'message:send', { conversationId: d.conv, clientId: 'd-reply-0001', text: 'B answers' })) as { id: string }
    const note = (await ok(dAdmin, 'message:send', { conversationId: d.conv, clientId: 'd-note-0001', text: 'B notes', private: true })) as { id: string }
    await ok(dAdmin, 'message:edit', { conversationId: d.conv, messageId: reply.id, text: 'B answers better' })
    await ok(dAdmin, 'message:history', { conversationId: d.conv, messageId: reply.id })
    await ok(dAdmin, 'conversation:view', { conversationId: d.conv, viewing: true })
    await ok(dAgent, 'conversation:view', { conversationId: d.conv, viewing: true })
    await ok(dAdmin, 'viewers:list', {})
    await ok(dAgent, 'conversation:view', { conversationId: d.conv, viewing: false })
    await ok(dAdmin, 'message:edit', { conversationId: d.conv, messageId: note.id, text: 'B notes more' })
    await ok(dAdmin, 'message:unsend', { conversationId: d.conv, messageId: note.id })
    // B's admin names B's agent in a note: B's agent hears of it (and of reading it), A's sockets do not.
    const mentioned = waitFor<{ id: string; agentId: string }>((fn) => (dAgent.on('mention:created', fn), () => dAgent.off('mention:created', fn)))
    await ok(dAdmin, 'message:send', { conversationId: d.conv, clientId: 'd-note-0002', text: `B asks @[${d.agent.name}]`, private: true })
    const mention = await mentioned
    expect(mention.agentId).toBe(d.agent.id)
    const read = waitFor<{ id: string }>((fn) => (dAgent.on('mention:read', fn), () => dAgent.off('mention:read', fn)), (x) => x.id === mention.id)
    const marked = await fetch(`${s.url}/api/sites/${d.site.id}/mentions/${mention.id}/read`, { method: 'POST', headers: { authorization: `Bearer ${d.agent.token}` } })
    expect(marked.status).toBe(200)
    await read
    await ok(dAdmin, 'conversation:read', { conversationId: d.conv, seq: 100 })
    await ok(dVisitor, 'conversation:read', { conversationId: d.conv, seq: 100 })
    await ok(dAdmin, 'conversation:assign', { conversationId: d.conv, agentId: d.agent.id })
    await ok(dAdmin, 'conversation:assign', { conversationId: d.conv, teamId: d.team, agentId: d.agent.id })
    await ok(dAdmin, 'conversation:update', { conversationId: d.conv, priority: 'urgent', tags: ['b-tag'] })
    await ok(dAgent, 'conversation:resolve', { conversationId: d.conv })
    await ok(dAgent, 'conversation:reopen', { conversationId: d.conv })
    await ok(dVisitor, 'visitor:page', { url: 'https://b.example/pricing', title: 'Pricing' })
    await ok(dVisitor, 'visitor:update', { name: 'Visitor of B' })
    await ok(dAdmin, 'agent:status', { status: 'away' })
    const closed = waitFor<{ id: string; status: string }>((fn) => (dAgent.on('conversation:updated', fn), () => dAgent.off('conversation:updated', fn)), (x) => x.id === fresh && x.status === 'closed')
    await ok(dVisitor, 'conversation:close', { conversationId: fresh })
    await closed
    // B's admin restyles B's widget: B's open widget hears of it, A's does not.
    const restyled = waitFor<{ siteId: string; primaryColor: string }>((fn) => (dVisitor.on('config:changed', fn), () => dVisitor.off('config:changed', fn)))
    const patched = await fetch(`${s.url}/api/sites/${d.site.id}/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${d.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ widget: { primaryColor: '#112233' } }),
    })
    expect(patched.status).toBe(200)
    expect(await restyled).toMatchObject({ siteId: d.site.id, primaryColor: '#112233' })
    // B's admin renames B's team: B's agents hear of it, A's do not.
    const renamed = waitFor<{ id: string; name: string }[]>((fn) => (dAgent.on('teams:changed', fn), () => dAgent.off('teams:changed', fn)))
    const team = await fetch(`${s.url}/api/sites/${d.site.id}/teams/${d.team}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${d.admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed team of B' }),
    })
    expect(team.status).toBe(200)
    expect((await renamed).map((t) => t.name)).toEqual(['Renamed team of B'])
    // B's conversation breaches an SLA clock: B's agents are told, A's are not.
    await s.db.inSite(d.site.id, (tx) => tx.$executeRaw`
      INSERT INTO mod_chat_sla_clocks (site_id, conversation_id, kind, started_at, due_at)
      VALUES (${d.site.id}::uuid, ${d.conv}::uuid, 'next_response', now() - interval '1 hour', now() - interval '1 minute')`)
    const breached = waitFor<{ conversation: { id: string }; kind: string }>((fn) => (dAgent.on('sla:breached', fn), () => dAgent.off('sla:breached', fn)))
    await s.services.analytics.sla.run()
    expect(await breached).toMatchObject({ conversation: { id: d.conv }, kind: 'next_response' })
    dVisitor.close()
    await waitFor<{ visitorId: string; online: boolean }>((fn) => (dAgent.on('visitor:updated', fn), () => dAgent.off('visitor:updated', fn)), (x) => x.visitorId === d.visitor.id && !x.online)
    // B's admin erases B's visitor: B's agents are told.
    const erased = waitFor<{ visitorId: string }>((fn) => (dAgent.on('visitor:erased', fn), () => dAgent.off('visitor:erased', fn)))
    const erase = await fetch(`${s.url}/api/sites/${d.site.id}/visitors/${d.visitor.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${d.admin.token}` } })
    expect(erase.status).toBe(200)
    expect(await erased).toEqual({ visitorId: d.visitor.id })
    // A visitor of B logs in as B's verified user: B's contacts merge, B's agents are told.
    const anonOfB = await s.fx.visitorSession(d.site.id)
    const mergedInB = waitFor<{ visitorId: string }>((fn) => (dAgent.on('contact:merged', fn), () => dAgent.off('contact:merged', fn)))
    const login = await fetch(`${s.url}/api/sites/${d.site.id}/visitor-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: anonOfB.token, identity: { userId: d.verified.user, hash: identityHash(d.site.identitySecret, d.verified.user) } }),
    })
    expect(login.status).toBe(201)
    expect(await mergedInB).toEqual({ visitorId: d.verified.id, mergedVisitorIds: [anonOfB.visitor.id] })
    await new Promise((r) => setTimeout(r, 300))

    expect(seen.map(({ who, event }) => `${who} got ${event}`)).toEqual([])

    // The observers were listening all along: something in A does reach them.
    const heard = waitFor<{ conversationId: string }>((fn) => (cAgent.on('message:created', fn), () => cAgent.off('message:created', fn)), (m) => m.conversationId === c.conv)
    await ok(cVisitor, 'message:send', { conversationId: c.conv, clientId: 'c-check-0001', text: 'still here' })
    await heard
    expectNoLeak(JSON.stringify(seen), d)
  })

  it("when B's visitors wait in B's queue, each hears only their own place, and A's visitor and agent hear nothing of it", async () => {
    const [c, d] = await Promise.all([makeTenant(s, 'c'), makeTenant(s, 'd')])
    const heard: { who: string; event: string; args: unknown[] }[] = []
    const observe = async (who: string, socket: Socket) => {
      mine.push(socket)
      socket.onAny((event: string, ...args: unknown[]) => heard.push({ who, event, args }))
      return connectRaw(socket)
    }
    await observe('A visitor', rawSocket(s.url, '/visitor', { token: c.visitor.token }))
    await observe('A agent', rawSocket(s.url, '/agent', { token: c.admin.token, siteId: c.site.id }))
    const other = await s.fx.visitorSession(d.site.id)
    const first = await observe('B visitor', rawSocket(s.url, '/visitor', { token: d.visitor.token }))
    const second = await observe('B other visitor', rawSocket(s.url, '/visitor', { token: other.token }))
    // No agent of B is online: both wait.
    const start = async (socket: Socket, key: string) => ((await ask<AckBody>(socket, 'conversation:start', { clientKey: key, message: { clientId: key, text: 'waiting' } })).data as { conversation: { id: string } }).conversation.id
    const mineId = await start(first, 'd-queue-0001')
    const theirsId = await start(second, 'd-queue-0002')
    const places = (who: string) => heard.filter((h) => h.who === who && h.event === 'queue:position').map((h) => h.args[0] as { conversationId: string; position: number })
    await eventually(() => places('B other visitor').some((p) => p.position === 2), 5_000, "B's second visitor's place")
    await new Promise((r) => setTimeout(r, 500))

    expect(places('B visitor').length).toBeGreaterThan(0)
    expect(places('B visitor').every((p) => p.conversationId === mineId && p.position === 1)).toBe(true)
    expect(places('B other visitor').every((p) => p.conversationId === theirsId && p.position === 2)).toBe(true)
    expect(heard.filter((h) => h.who.startsWith('A') && h.event === 'queue:position')).toEqual([])
    expectNoLeak(JSON.stringify(heard.filter((h) => h.who.startsWith('A'))), d)
  })
})
