// Bans hold at every door a visitor has, for each kind (a visitor, an email, an IP range): a
// session, the socket's handshake, each of the 13 socket commands (the offline form is
// conversation:start), the five visitor REST routes, and any email a visitor gives. A ban reaches
// every process at once (another process's live sockets are disconnected, its command check
// forgets it knew of no bans); lifting restores access; an expired ban holds for no one.
// Addresses come from X-Forwarded-For (the server trusts its proxy), so each test has its own.
import type { Socket } from 'socket.io-client'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityHash } from '../../src/shared/auth.js'
import type { VisitorActor } from '../../src/shared/context.js'
import { ask, connectRaw, eventually, rawSocket, serverPerFile, startServer, waitFor, type TestServer } from '../helpers.js'
import { as, auditOf } from '../agency/fixtures.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

const file = serverPerFile({ trustProxy: true })
const s = () => file.s

/** What a banned visitor is told, wherever they knock. */
const NEUTRAL = { code: 'forbidden', message: 'Chat is not available right now.' }

let n = 0
const key = (what: string) => `${what}-${Date.now().toString(36)}-${(n++).toString(36)}`
/** A fresh documentation address per call (RFC 5737), so tests never share one. */
const freshIp = () => `198.51.${100 + (n % 100)}.${(n++ % 250) + 1}`
const xff = (ip: string) => ({ 'X-Forwarded-For': ip })

/** A visitor (from `ip`, with `email`) with a conversation (their message, and a choice from the admin) and a live socket. */
async function world(opts: { ip?: string; email?: string; url?: string } = {}) {
  const url = opts.url ?? s().url
  const site = await s().fx.site()
  const admin = await s().fx.agent(site.id, { role: 'admin' })
  const ip = opts.ip ?? freshIp()
  const visitor = await newVisitor(site.id, ip)
  const actor: VisitorActor = { kind: 'visitor', siteId: site.id, visitorId: visitor.id }
  if (opts.email) await s().services.visitors.update(actor, { email: opts.email })
  const started = await s().services.conversations.start(actor, { clientKey: key('k'), message: { clientId: key('c'), text: 'Hello' } })
  const conversationId = started.conversation.id
  const own = started.messages.find((m) => m.senderType === 'visitor')!.id
  const adminActor = await s().services.agents.authenticate(admin.token, site.id)
  const choice = await s().services.messages.send(adminActor, {
    conversationId,
    clientId: key('choice'),
    content: { kind: 'choice', options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] },
  })
  const socket = await connect(url, visitor.token, ip)
  return { site, admin, ip, visitor, actor, conversationId, own, choice: choice.message.id, socket, url }
}
type World = Awaited<ReturnType<typeof world>>

async function newVisitor(siteId: string, ip: string, body: object = {}) {
  const res = await request(s().url).post(`/api/sites/${siteId}/visitor-sessions`).set(xff(ip)).send(body)
  expect(res.status).toBe(201)
  return { id: res.body.visitor.id as string, token: res.body.token as string }
}

const connect = (url: string, token: string, ip: string) => connectRaw(file.track(rawSocket(url, '/visitor', { token }, xff(ip))))

/** The reason the socket is disconnected with (fails after 10 s). */
const disconnected = (socket: Socket) => waitFor<string>((fn) => (socket.on('disconnect', fn), () => socket.off('disconnect', fn)), () => true, 10_000, 'the socket to be disconnected')

/** The socket's handshake: 'ok', or the error it was refused with. */
const handshake = (w: World, url = w.url) =>
  connect(url, w.visitor.token, w.ip).then(
    (socket) => (socket.disconnect(), 'ok'),
    (e: { data?: unknown }) => e.data,
  )

/** The session and the five visitor REST routes, as the visitor calls them, with what each answers an unbanned visitor (no SMTP here: no transcript). */
function restDoors(w: World, url = w.url) {
  const auth = { Authorization: `Bearer ${w.visitor.token}`, ...xff(w.ip) }
  return [
    { name: 'POST /api/sites/:siteId/visitor-sessions (coming back)', open: 201, call: () => request(url).post(`/api/sites/${w.site.id}/visitor-sessions`).set(xff(w.ip)).send({ token: w.visitor.token }) },
    { name: 'GET /api/visitor/me', open: 200, call: () => request(url).get('/api/visitor/me').set(auth) },
    { name: 'GET /api/visitor/conversations', open: 200, call: () => request(url).get('/api/visitor/conversations').set(auth) },
    { name: 'GET /api/visitor/conversations/:id/messages', open: 200, call: () => request(url).get(`/api/visitor/conversations/${w.conversationId}/messages`).set(auth) },
    { name: 'POST /api/visitor/uploads', open: 201, call: () => request(url).post('/api/visitor/uploads').set(auth).attach('file', Buffer.from('a note'), 'note.txt') },
    { name: 'POST /api/visitor/conversations/:id/transcript', open: 503, call: () => request(url).post(`/api/visitor/conversations/${w.conversationId}/transcript`).set(auth).send({ email: 'copy@example.test' }) },
  ]
}

/** Every visitor socket command, with a payload that would work (the offline form is conversation:start). */
function commandDoors(w: World): { name: string; event: string; payload: object }[] {
  const c = w.conversationId
  const cmd = (name: string, payload: object) => ({ name, event: name.split(' ')[0]!, payload })
  return [
    cmd('conversation:start', { clientKey: key('k'), message: { clientId: key('c'), text: 'Let me in' } }),
    cmd('conversation:start (the offline form)', { clientKey: key('k'), offline: true, fields: { email: 'later@example.test' }, message: { clientId: key('c'), text: 'Call me back' } }),
    cmd('message:send', { conversationId: c, clientId: key('c'), text: 'Still here' }),
    cmd('message:choose', { conversationId: c, messageId: w.choice, optionId: 'yes' }),
    cmd('messages:sync', { conversationId: c, afterSeq: 0 }),
    cmd('message:edit', { conversationId: c, messageId: w.own, text: 'Hello, edited' }),
    cmd('message:unsend', { conversationId: c, messageId: w.own }),
    cmd('typing:set', { conversationId: c, typing: true }),
    cmd('conversation:delivered', { conversationId: c, seq: 1 }),
    cmd('conversation:read', { conversationId: c, seq: 1 }),
    cmd('conversation:close', { conversationId: c }),
    cmd('conversation:rate', { conversationId: c, rating: 5 }),
    cmd('visitor:page', { url: 'https://shop.test/elsewhere', title: 'Elsewhere' }),
    cmd('visitor:update', { name: 'Someone else' }),
  ]
}

/** What a refused visitor could have changed: their row, their conversations, messages and uploads. */
async function written(w: World) {
  return s().db.inSite(w.site.id, async (tx) => ({
    visitor: await tx.visitor.findUnique({ where: { id: w.visitor.id }, omit: { lastSeenAt: true, updatedAt: true } }),
    conversations: await tx.conversation.findMany({ where: { visitorId: w.visitor.id }, orderBy: { id: 'asc' } }),
    messages: await tx.message.findMany({ where: { conversationId: w.conversationId }, orderBy: { seq: 'asc' } }),
    uploads: await tx.upload.count(),
  }))
}

/** A ban written straight to the database: no notice, so the live socket stays (as if the notice were lost). */
function quietBan(w: World, target: { kind: 'visitor'; visitorId: string } | { kind: 'email'; email: string } | { kind: 'ip'; network: string }) {
  return s().db.inSite(w.site.id, (tx) => tx.ban.create({ data: { siteId: w.site.id, createdByName: 'Test', ...target } }))
}

const refusedBody = (res: request.Response) => ({ status: res.status, error: res.body.error as unknown })

/** Every door of `w` refuses with the neutral answer, and nothing of theirs changed. Returns how many doors. */
async function expectEveryDoorShut(w: World): Promise<number> {
  const before = await written(w)
  const doors: string[] = []
  const rest = restDoors(w)
  for (const door of rest) {
    expect({ door: door.name, ...refusedBody(await door.call()) }).toEqual({ door: door.name, status: 403, error: NEUTRAL })
    doors.push(door.name)
  }
  for (const c of commandDoors(w)) {
    expect({ door: c.name, ack: await ask(w.socket, c.event, c.payload) }).toEqual({ door: c.name, ack: { ok: false, error: NEUTRAL } })
    doors.push(c.name)
  }
  expect(await handshake(w)).toEqual(NEUTRAL)
  doors.push('socket handshake')
  expect(await written(w)).toEqual(before)
  return doors.length
}

/** Lifting: the visitor comes back in through every kind of door. */
async function expectDoorsOpen(w: World): Promise<void> {
  for (const door of restDoors(w)) expect({ door: door.name, status: (await door.call()).status }).toEqual({ door: door.name, status: door.open })
  expect(await handshake(w)).toBe('ok')
  const sent = await ask<{ ok: boolean }>(w.socket, 'message:send', { conversationId: w.conversationId, clientId: key('c'), text: 'Back again' })
  expect(sent).toMatchObject({ ok: true })
}

describe('a ban of each kind holds at every visitor door', () => {
  it('a visitor ban: the session, the handshake, all 14 command doors and the 5 REST routes refuse them, neutrally; lifting opens them again', async () => {
    const w = await world()
    const ban = await quietBan(w, { kind: 'visitor', visitorId: w.visitor.id })
    expect(await expectEveryDoorShut(w)).toBe(21)
    // A new visitor from the same address is someone else (ban the address for that).
    await newVisitor(w.site.id, w.ip)
    expect((await as(s(), w.admin.token).delete(`/api/sites/${w.site.id}/bans/${ban.id}`)).status).toBe(204)
    await expectDoorsOpen(w)
  })

  it('an email ban: the visitor who gave it is refused everywhere, and anyone giving it (pre-chat or offline form, profile, identity) is refused, nothing kept', async () => {
    const w = await world({ email: 'spammer@example.test' })
    const ban = await quietBan(w, { kind: 'email', email: 'spammer@example.test' })
    expect(await expectEveryDoorShut(w)).toBe(21)

    // Someone else, elsewhere, gives the banned email (in any case).
    const other = await newVisitor(w.site.id, freshIp())
    const ip = freshIp()
    const socket = await connect(w.url, other.token, ip)
    const before = await s().db.inSite(w.site.id, (tx) => tx.visitor.findUnique({ where: { id: other.id }, omit: { lastSeenAt: true, updatedAt: true } }))
    for (const [event, payload] of [
      ['conversation:start', { clientKey: key('k'), fields: { email: 'Spammer@Example.test' }, message: { clientId: key('c'), text: 'Pre-chat form' } }],
      ['conversation:start', { clientKey: key('k'), offline: true, fields: { email: 'SPAMMER@example.test' }, message: { clientId: key('c'), text: 'Offline form' } }],
      ['visitor:update', { email: 'spammer@example.test' }],
    ] as const) {
      expect({ event, ack: await ask(socket, event, payload) }).toEqual({ event, ack: { ok: false, error: NEUTRAL } })
    }
    expect(await s().db.inSite(w.site.id, (tx) => tx.visitor.findUnique({ where: { id: other.id }, omit: { lastSeenAt: true, updatedAt: true } }))).toEqual(before)
    expect(await s().db.inSite(w.site.id, (tx) => tx.conversation.count({ where: { visitorId: other.id } }))).toBe(0)
    // A host site vouching for a user with that email: no session, no visitor made.
    const visitors = () => s().db.inSite(w.site.id, (tx) => tx.visitor.count())
    const count = await visitors()
    const identity = { userId: 'user-7', hash: identityHash(w.site.identitySecret, 'user-7'), email: 'spammer@example.test' }
    const vouched = await request(w.url).post(`/api/sites/${w.site.id}/visitor-sessions`).set(xff(freshIp())).send({ identity })
    expect(refusedBody(vouched)).toEqual({ status: 403, error: NEUTRAL })
    expect(await visitors()).toBe(count)
    // Another email is fine.
    expect(await ask(socket, 'visitor:update', { email: 'fine@example.test' })).toMatchObject({ ok: true })

    expect((await as(s(), w.admin.token).delete(`/api/sites/${w.site.id}/bans/${ban.id}`)).status).toBe(204)
    await expectDoorsOpen(w)
  })

  it('an IP range ban: the visitor at an address inside it is refused everywhere, and so is a new visitor from there; outside it, anyone is welcome', async () => {
    const w = await world({ ip: '203.0.113.77' })
    const ban = await quietBan(w, { kind: 'ip', network: '203.0.113.0/24' })
    expect(await expectEveryDoorShut(w)).toBe(21)
    const fresh = (ip: string) => request(w.url).post(`/api/sites/${w.site.id}/visitor-sessions`).set(xff(ip)).send({})
    expect(refusedBody(await fresh('203.0.113.200'))).toEqual({ status: 403, error: NEUTRAL })
    // A dual-stack socket's IPv4-mapped form is the same address.
    expect(refusedBody(await fresh('::ffff:203.0.113.9'))).toEqual({ status: 403, error: NEUTRAL })
    expect((await fresh('203.0.114.1')).status).toBe(201)
    // The same token from an address outside the range gets in: the range is what is banned.
    expect(await handshake({ ...w, ip: '192.0.2.1' })).toBe('ok')
    expect((await as(s(), w.admin.token).delete(`/api/sites/${w.site.id}/bans/${ban.id}`)).status).toBe(204)
    await expectDoorsOpen(w)
  })

  it('an IPv6 range ban holds for addresses inside it only', async () => {
    const w = await world({ ip: '2001:db8:42::7' })
    await quietBan(w, { kind: 'ip', network: '2001:db8:42::/48' })
    expect(await expectEveryDoorShut(w)).toBe(21)
    expect(await handshake({ ...w, ip: '2001:db8:43::7' })).toBe('ok')
  })
})

describe('banning over the API', () => {
  it("disconnects the banned visitor's live sockets at once, leaves others alone, shows in the list and the audit log; lifting lets them back", async () => {
    const w = await world()
    const bystander = await newVisitor(w.site.id, freshIp())
    const calm = await connect(w.url, bystander.token, freshIp())
    const secondTab = await connect(w.url, w.visitor.token, w.ip)
    const gone = Promise.all([w.socket, secondTab].map(disconnected))
    let bystanderDropped = false
    calm.on('disconnect', () => (bystanderDropped = true))

    const res = await as(s(), w.admin.token).post(`/api/sites/${w.site.id}/bans`, { kind: 'visitor', visitorId: w.visitor.id, reason: 'Abusive language' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ kind: 'visitor', visitor: { id: w.visitor.id }, email: null, network: null, reason: 'Abusive language', expiresAt: null, createdBy: { agentId: w.admin.id } })
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect'])
    expect(await ask(calm, 'visitor:page', { url: 'https://shop.test/still-here' })).toMatchObject({ ok: true })
    expect(bystanderDropped).toBe(false)

    const list = await as(s(), w.admin.token).get(`/api/sites/${w.site.id}/bans`)
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([res.body.id])
    const [created] = await auditOf(s(), w.site.agencyId, 'ban.created')
    expect(created).toMatchObject({ siteId: w.site.id, actorId: w.admin.userId, targetType: 'ban', targetId: res.body.id, data: { kind: 'visitor', visitorId: w.visitor.id, reason: 'Abusive language' } })

    expect((await as(s(), w.admin.token).delete(`/api/sites/${w.site.id}/bans/${res.body.id}`)).status).toBe(204)
    expect((await auditOf(s(), w.site.agencyId, 'ban.lifted'))[0]).toMatchObject({ targetId: res.body.id })
    expect((await as(s(), w.admin.token).get(`/api/sites/${w.site.id}/bans`)).body.items).toEqual([])
    w.socket = await connect(w.url, w.visitor.token, w.ip)
    await expectDoorsOpen(w)
  })

  it("bans a visitor's address, or their /24, without the agent ever seeing it; an email ban disconnects whoever has it", async () => {
    const w = await world({ ip: '192.0.2.45', email: 'has@example.test' })
    const api = as(s(), w.admin.token)
    const address = await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'ip', visitorId: w.visitor.id })
    expect(address.body).toMatchObject({ kind: 'ip', network: '192.0.2.45', visitor: null })
    expect((await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'ip', visitorId: w.visitor.id })).status).toBe(409)
    const subnet = await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'ip', visitorId: w.visitor.id, scope: 'subnet' })
    expect(subnet.body).toMatchObject({ kind: 'ip', network: '192.0.2.0/24' })
    const typed = await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'ip', network: '2001:DB8::1/32' })
    expect(typed.body).toMatchObject({ network: '2001:db8::/32' })

    const v = await world({ email: 'Has@Example.test' })
    const gone = disconnected(v.socket)
    expect((await as(s(), v.admin.token).post(`/api/sites/${v.site.id}/bans`, { kind: 'email', email: 'HAS@example.test' })).body).toMatchObject({ email: 'has@example.test' })
    expect(await gone).toBe('io server disconnect')
  })

  it('any agent may ban; an agent sees and lifts only their own, an admin every one', async () => {
    const w = await world()
    const agent = await s().fx.agent(w.site.id, { role: 'agent' })
    const mine = await as(s(), agent.token).post(`/api/sites/${w.site.id}/bans`, { kind: 'email', email: 'a@example.test' })
    expect(mine.status).toBe(201)
    const admins = await as(s(), w.admin.token).post(`/api/sites/${w.site.id}/bans`, { kind: 'email', email: 'b@example.test' })
    const ids = (res: request.Response) => (res.body.items as { id: string }[]).map((b) => b.id)
    expect(ids(await as(s(), agent.token).get(`/api/sites/${w.site.id}/bans`))).toEqual([mine.body.id])
    expect(ids(await as(s(), w.admin.token).get(`/api/sites/${w.site.id}/bans`))).toEqual([admins.body.id, mine.body.id])
    expect((await as(s(), agent.token).delete(`/api/sites/${w.site.id}/bans/${admins.body.id}`)).body.error.code).toBe('not_found')
    expect((await as(s(), w.admin.token).delete(`/api/sites/${w.site.id}/bans/${mine.body.id}`)).status).toBe(204)
    expect((await as(s(), agent.token).delete(`/api/sites/${w.site.id}/bans/${mine.body.id}`)).status).toBe(404)
  })

  it('an expired ban holds for no one, is not listed, and is cleared when the next ban is made', async () => {
    const w = await world()
    const api = as(s(), w.admin.token)
    const ban = await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'ip', network: `${w.ip}/32`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() })
    expect(ban.body).toMatchObject({ network: w.ip, expiresAt: expect.any(String) })
    expect(await handshake(w)).toEqual(NEUTRAL)
    // Its hour passes.
    await s().db.inSite(w.site.id, (tx) => tx.ban.update({ where: { id: ban.body.id }, data: { expiresAt: new Date(Date.now() - 1_000) } }))
    w.socket = await connect(w.url, w.visitor.token, w.ip)
    await expectDoorsOpen(w)
    expect((await api.get(`/api/sites/${w.site.id}/bans`)).body.items).toEqual([])
    await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'email', email: 'next@example.test' })
    expect(await s().db.inSite(w.site.id, (tx) => tx.ban.findUnique({ where: { id: ban.body.id } }))).toBeNull()
  })

  it('refuses bad input with 400 and the error shape, writing nothing', async () => {
    const w = await world()
    const other = await world()
    const api = as(s(), w.admin.token)
    const bad: [object, string][] = [
      [{ kind: 'ip', network: '10.0.0.0/33' }, 'network'],
      [{ kind: 'ip', network: '300.1.2.3' }, 'network'],
      [{ kind: 'ip', network: 'fe80::1%eth0' }, 'network'],
      [{ kind: 'ip', network: 'example.com' }, 'network'],
      [{ kind: 'ip' }, 'network'],
      [{ kind: 'ip', network: '10.0.0.0/8', visitorId: w.visitor.id }, 'network'],
      [{ kind: 'ip', network: '10.0.0.0/8', scope: 'subnet' }, 'scope'],
      [{ kind: 'country', country: 'XX' }, 'kind'],
      [{ visitorId: w.visitor.id }, 'kind'],
      [{ kind: 'visitor', visitorId: w.visitor.id, reason: 'x'.repeat(501) }, 'reason'],
      [{ kind: 'visitor', visitorId: 'not-a-uuid' }, 'visitorId'],
      [{ kind: 'email', email: 'not an email' }, 'email'],
      [{ kind: 'email', email: 'a@example.test', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
    ]
    for (const [body, path] of bad) {
      const res = await api.post(`/api/sites/${w.site.id}/bans`, body)
      expect({ body, status: res.status, code: res.body.error?.code, message: res.body.error?.message, paths: (res.body.error?.details ?? []).map((d: { path: string }) => d.path) }).toMatchObject({
        body,
        status: 400,
        code: 'invalid_payload',
        message: expect.stringMatching(/^invalid body: /),
        paths: expect.arrayContaining([path]),
      })
    }
    // Another site's visitor is no visitor of this site.
    expect((await api.post(`/api/sites/${w.site.id}/bans`, { kind: 'visitor', visitorId: other.visitor.id })).body.error.code).toBe('not_found')
    expect((await api.delete(`/api/sites/${w.site.id}/bans/not-a-uuid`)).status).toBe(400)
    expect(await s().db.inSite(w.site.id, (tx) => tx.ban.count())).toBe(0)
  })
})

describe('a ban reaches every server process', () => {
  it("another process's socket commands learn of a ban at once: its 'no bans here' cache is dropped by the notice", async () => {
    const other: TestServer = await startServer({ trustProxy: true })
    try {
      const w = await world()
      const refused = () => other.services.bans.refuseCommand({ ...w.actor, ip: w.ip }).then(() => false, (e: { code?: string }) => e.code === 'forbidden')
      // The other process reads the site once and keeps "no bans" for a while.
      expect(await refused()).toBe(false)
      expect((await as(s(), w.admin.token).post(`/api/sites/${w.site.id}/bans`, { kind: 'visitor', visitorId: w.visitor.id })).status).toBe(201)
      await eventually(refused, 5_000, 'the other process refuses the banned visitor')
    } finally {
      await other.close()
    }
  })

  describe('two real processes over Redis', () => {
    let a: ServerProcess
    let b: ServerProcess
    beforeAll(async () => {
      ;[a, b] = await Promise.all([startProcess({ TRUST_PROXY: 'true' }), startProcess({ TRUST_PROXY: 'true' })])
    }, 120_000)
    afterAll(() => Promise.all([stopProcess(a), stopProcess(b)]))

    it('a ban made on process A disconnects the visitor connected to process B, who is refused there at every door; a bystander stays; lifting on A lets them back on B', { timeout: 60_000 }, async () => {
      const targets = {
        visitor: await world({ url: b.url }),
        email: await world({ url: b.url, email: 'troll@example.test' }),
        ip: await world({ url: b.url, ip: '203.0.113.150' }),
      }
      const bystander = await world({ url: b.url })
      let bystanderDropped = false
      bystander.socket.on('disconnect', () => (bystanderDropped = true))
      const bodies = { visitor: (w: World) => ({ kind: 'visitor', visitorId: w.visitor.id }), email: () => ({ kind: 'email', email: 'troll@example.test' }), ip: () => ({ kind: 'ip', network: '203.0.113.128/25' }) }

      for (const [kind, w] of Object.entries(targets) as [keyof typeof targets, World][]) {
        // B has served the site's commands already (and knows of no ban).
        expect(await ask(w.socket, 'visitor:page', { url: 'https://shop.test/before' })).toMatchObject({ ok: true })
        const gone = disconnected(w.socket)
        const ban = await request(a.url).post(`/api/sites/${w.site.id}/bans`).set('Authorization', `Bearer ${w.admin.token}`).send(bodies[kind](w))
        expect({ kind, status: ban.status }).toEqual({ kind, status: 201 })
        expect({ kind, reason: await gone }).toEqual({ kind, reason: 'io server disconnect' })
        expect({ kind, handshake: await handshake(w, b.url) }).toEqual({ kind, handshake: NEUTRAL })
        for (const door of restDoors(w, b.url)) {
          expect({ kind, door: door.name, ...refusedBody(await door.call()) }).toEqual({ kind, door: door.name, status: 403, error: NEUTRAL })
        }
        const lift = await request(a.url).delete(`/api/sites/${w.site.id}/bans/${ban.body.id}`).set('Authorization', `Bearer ${w.admin.token}`)
        expect(lift.status).toBe(204)
        w.socket = await connect(b.url, w.visitor.token, w.ip)
        expect({ kind, sent: await ask(w.socket, 'message:send', { conversationId: w.conversationId, clientId: key('c'), text: 'Back on B' }) }).toMatchObject({ kind, sent: { ok: true } })
      }
      expect(await ask(bystander.socket, 'visitor:page', { url: 'https://shop.test/after' })).toMatchObject({ ok: true })
      expect(bystanderDropped).toBe(false)
    })
  })
})
