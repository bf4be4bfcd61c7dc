// Merging contacts when a verified identity (or a verified email) matches: the oldest contact
// remains; conversations, the visitor's messages, notes, attribute values, consents, bans and
// uploads follow it; the merged rows keep nothing personal; a merged-away token (and a live
// socket) goes on as the survivor; audited, sent to webhooks, told to the site's agents; two
// processes identifying the same person at once make one contact.
import request from 'supertest'
import { AgentClient } from '@live-chat/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityHash } from '../../src/shared/auth.js'
import { ask, connectRaw, eventually, rawSocket, serverPerFile, waitFor } from '../helpers.js'
import { agentSocket, as, auditOf } from '../agency/fixtures.js'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'

const file = serverPerFile()
const s = () => file.s

let n = 0
const key = (what: string) => `${what}-${Date.now().toString(36)}-${(n++).toString(36)}`

type Site = Awaited<ReturnType<ReturnType<typeof s>['fx']['site']>>

async function session(url: string, site: Site, body: { token?: string; userId?: string; email?: string; name?: string } = {}) {
  const identity = body.userId ? { userId: body.userId, hash: identityHash(site.identitySecret, body.userId), ...(body.email ? { email: body.email } : {}), ...(body.name ? { name: body.name } : {}) } : undefined
  const res = await request(url).post(`/api/sites/${site.id}/visitor-sessions`).send({ ...(body.token ? { token: body.token } : {}), ...(identity ? { identity } : {}) })
  expect(res.status).toBe(201)
  return { id: res.body.visitor.id as string, token: res.body.token as string }
}

async function chat(siteId: string, visitorId: string, text: string) {
  const started = await s().services.conversations.start({ kind: 'visitor', siteId, visitorId }, { clientKey: 'same-key', message: { clientId: key('c'), text } })
  return started.conversation.id
}

// Oldest first, as the merge decides it (visitors/service.ts `verified`): by creation, then by id,
// which decides between contacts created in the same millisecond (eight sessions at once do that).
const visitorRows = (siteId: string) => s().db.inSite(siteId, (tx) => tx.visitor.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))

describe('merging contacts on a verified identity', () => {
  it('an anonymous visitor who logs in as a known user is merged into that older contact: conversations, messages, notes, values, profile fields and uploads follow', async () => {
    const site = await s().fx.site()
    const admin = await s().fx.agent(site.id, { role: 'admin' })
    const A = as(s(), admin.token)
    const base = `/api/sites/${site.id}`
    await A.post(`${base}/contact-attributes`, { key: 'plan', label: 'Plan', type: 'text' })
    await A.post(`${base}/contact-attributes`, { key: 'seats', label: 'Seats', type: 'number' })
    const hook = await A.post(`${base}/webhooks`, { url: 'https://hooks.example.test/contacts', events: ['contact.merged'] })
    expect(hook.status).toBe(201)

    // The known user, from an earlier visit (older), with a conversation, a value, a note.
    const known = await session(s().url, site, { userId: 'user-42', email: 'grace@example.test', name: 'Grace' })
    const knownChat = await chat(site.id, known.id, 'My earlier question')
    await A.patch(`${base}/visitors/${known.id}`, { attributes: { plan: 'pro' } })
    // Today, anonymous on another device: a conversation (same client key), a value of each, a note, a phone, a ban, an upload.
    const anon = await session(s().url, site)
    const anonChat = await chat(site.id, anon.id, 'Question before logging in')
    await A.patch(`${base}/visitors/${anon.id}`, { phone: '+1 555 0199', company: 'Harvard', attributes: { plan: 'free', seats: 3 } })
    const note = await A.post(`${base}/visitors/${anon.id}/notes`, { text: 'Asked about invoices' })
    const upload = await request(s().url).post('/api/visitor/uploads').set('Authorization', `Bearer ${anon.token}`).attach('file', Buffer.from('receipt'), 'receipt.txt')
    expect(upload.status).toBe(201)
    const socket = await connectRaw(file.track(rawSocket(s().url, '/visitor', { token: anon.token })))
    const agents = await agentSocket(s().url, admin.token, site.id, file.track)
    const told = waitFor<{ visitorId: string; mergedVisitorIds: string[] }>((fn) => (agents.socket.on('contact:merged', fn), () => agents.socket.off('contact:merged', fn)))
    // The SDK passes it on (the dashboard's inbox reads its list again on it).
    const sdk = new AgentClient({ url: s().url, token: admin.token })
    await sdk.connect(site.id)
    const sdkTold = new Promise<{ visitorId: string; mergedVisitorIds: string[] }>((resolve) => sdk.on('contact:merged', resolve))

    // They log in: the host's page identifies them with the anonymous token.
    const merged = await session(s().url, site, { token: anon.token, userId: 'user-42', email: 'grace@example.test' })
    expect(merged.id).toBe(known.id)

    const rows = await visitorRows(site.id)
    expect(rows.map((r) => ({ id: r.id, mergedIntoId: r.mergedIntoId }))).toEqual([
      { id: known.id, mergedIntoId: null },
      { id: anon.id, mergedIntoId: known.id },
    ])
    // The tombstone keeps nothing personal.
    expect(rows[1]).toMatchObject({ name: null, email: null, phone: null, company: null, externalId: null, verified: false, customData: {}, pages: [], consents: [], ipAddress: null, userAgent: null })
    const contact = (await A.get(`${base}/visitors/${known.id}`)).body
    expect(contact).toMatchObject({ externalId: 'user-42', verified: true, phone: '+1 555 0199', company: 'Harvard', attributes: { plan: 'pro', seats: 3 } })
    expect(contact.notes.map((x: { id: string }) => x.id)).toEqual([note.body.id])
    expect((await A.get(`${base}/visitors/${anon.id}`)).status).toBe(404)

    // Conversations follow (both now the survivor's; the clashing client key dropped on the moved one), and so do the visitor's messages.
    const convs = await s().db.inSite(site.id, (tx) => tx.conversation.findMany({ where: { id: { in: [knownChat, anonChat] } }, orderBy: { createdAt: 'asc' } }))
    expect(convs.map((c) => [c.visitorId, c.clientKey])).toEqual([[known.id, 'same-key'], [known.id, null]])
    const senders = await s().db.inSite(site.id, (tx) => tx.message.findMany({ where: { conversationId: anonChat, senderType: 'visitor' } }))
    expect(senders.map((m) => m.senderId)).toEqual([known.id])
    const up = await s().db.inSite(site.id, (tx) => tx.upload.findUnique({ where: { id: upload.body.id } }))
    expect(up?.visitorId).toBe(known.id)
    const inbox = await A.get(`${base}/conversations?visitorId=${known.id}`)
    expect(inbox.body.items.map((c: { id: string }) => c.id).sort()).toEqual([knownChat, anonChat].sort())

    // The old token goes on as the survivor: REST, a new socket, and the live one.
    const mine = await request(s().url).get('/api/visitor/conversations').set('Authorization', `Bearer ${anon.token}`)
    expect(mine.body.items.map((c: { id: string }) => c.id).sort()).toEqual([knownChat, anonChat].sort())
    expect(await told).toEqual({ visitorId: known.id, mergedVisitorIds: [anon.id] })
    expect(await sdkTold).toEqual({ visitorId: known.id, mergedVisitorIds: [anon.id] })
    sdk.disconnect()
    expect(await ask(socket, 'message:send', { conversationId: knownChat, clientId: key('c'), text: 'On the old socket, in the older chat' })).toMatchObject({ ok: true })
    expect(await ask(socket, 'message:send', { conversationId: anonChat, clientId: key('c'), text: 'And in the moved one' })).toMatchObject({ ok: true })
    const fresh = await connectRaw(file.track(rawSocket(s().url, '/visitor', { token: anon.token })))
    expect(await ask(fresh, 'message:send', { conversationId: knownChat, clientId: key('c'), text: 'From a new tab' })).toMatchObject({ ok: true })
    const profile = await request(s().url).get('/api/visitor/me').set('Authorization', `Bearer ${anon.token}`)
    expect(profile.body.id).toBe(known.id)
    // The inbox filtered on the survivor's attribute finds both chats (the moved one's order row follows it).
    const seats = await A.get(`${base}/conversations?attribute=seats&attributeMin=3&attributeMax=3`)
    expect(seats.body.items.map((c: { id: string }) => c.id).sort()).toEqual([knownChat, anonChat].sort())

    // Audited (ids only) and sent to the webhook.
    const audit = await auditOf(s(), site.agencyId, 'contact.merged')
    expect(audit.map((e) => ({ target: e.targetId, data: e.data, actor: e.actorType }))).toEqual([{ target: known.id, data: { mergedVisitorIds: [anon.id], conversations: 1 }, actor: 'system' }])
    const delivery = await eventually(() => s().db.inSite(site.id, (tx) => tx.webhookDelivery.findFirst({ where: { event: 'contact.merged' } })), 10_000, 'the contact.merged delivery')
    expect((delivery!.payload as { data: unknown }).data).toEqual({ visitorId: known.id, mergedVisitorIds: [anon.id], conversationIds: [anonChat] })
  })

  it('an anonymous visitor who logs in as a new user simply becomes that contact (nothing to merge)', async () => {
    const site = await s().fx.site()
    const anon = await session(s().url, site)
    const c = await chat(site.id, anon.id, 'Hello')
    const identified = await session(s().url, site, { token: anon.token, userId: 'new-user' })
    expect(identified.id).toBe(anon.id)
    expect((await visitorRows(site.id)).map((r) => r.mergedIntoId)).toEqual([null])
    expect(await s().db.inSite(site.id, (tx) => tx.conversation.count({ where: { id: c, visitorId: anon.id } }))).toBe(1)
    expect(await auditOf(s(), site.agencyId, 'contact.merged')).toEqual([])
  })

  it('verified contacts with the same verified email become one (the oldest); a self-typed email never merges', async () => {
    const site = await s().fx.site()
    const first = await session(s().url, site, { userId: 'crm-1', email: 'Lin@example.test' })
    const firstChat = await chat(site.id, first.id, 'First account')
    // Someone typed the same address in a form: not a reason to merge.
    const typist = await session(s().url, site)
    await s().services.visitors.update({ kind: 'visitor', siteId: site.id, visitorId: typist.id }, { email: 'lin@example.test' })
    const typistChat = await chat(site.id, typist.id, 'Not Lin')
    // The host's new user id (another login system), first without an email: a contact of its own.
    const second = await session(s().url, site, { userId: 'auth0|lin' })
    const secondChat = await chat(site.id, second.id, 'Second account')
    expect(second.id).not.toBe(first.id)
    // Then with the verified email: the two are one, the older.
    const again = await session(s().url, site, { token: second.token, userId: 'auth0|lin', email: 'lin@example.test' })
    expect(again.id).toBe(first.id)
    const rows = await visitorRows(site.id)
    expect(rows.find((r) => r.id === first.id)).toMatchObject({ externalId: 'auth0|lin', email: 'lin@example.test', mergedIntoId: null })
    expect(rows.find((r) => r.id === second.id)).toMatchObject({ externalId: null, mergedIntoId: first.id })
    expect(rows.find((r) => r.id === typist.id)).toMatchObject({ email: 'lin@example.test', mergedIntoId: null })
    const convs = await s().db.inSite(site.id, (tx) => tx.conversation.findMany({ where: { id: { in: [firstChat, secondChat, typistChat] } } }))
    expect(Object.fromEntries(convs.map((c) => [c.id, c.visitorId]))).toEqual({ [firstChat]: first.id, [secondChat]: first.id, [typistChat]: typist.id })
  })

  it('a visitor verified as someone else is not merged; merging again folds earlier tombstones into the new survivor (no chains)', async () => {
    const site = await s().fx.site()
    const u1 = await session(s().url, site, { userId: 'u1', email: 'one@example.test' })
    const anon = await session(s().url, site)
    await session(s().url, site, { token: anon.token, userId: 'u1' }) // anon → u1
    // u1's token, identifying as u2: u2 is a new contact; u1 stays.
    const u2 = await session(s().url, site, { token: u1.token, userId: 'u2' })
    expect(u2.id).not.toBe(u1.id)
    // Later u2 gets u1's verified email: u1 (older) takes u2 in; anon's tombstone now points at u1 directly.
    const again = await session(s().url, site, { token: u2.token, userId: 'u2', email: 'one@example.test' })
    expect(again.id).toBe(u1.id)
    const rows = await visitorRows(site.id)
    expect(rows.map((r) => r.mergedIntoId)).toEqual([null, u1.id, u1.id])
  })

  it('erasing the survivor erases the tombstones with it', async () => {
    const site = await s().fx.site()
    const admin = await s().fx.agent(site.id, { role: 'admin' })
    const known = await session(s().url, site, { userId: 'gone' })
    const anon = await session(s().url, site)
    await session(s().url, site, { token: anon.token, userId: 'gone' })
    expect((await as(s(), admin.token).delete(`/api/sites/${site.id}/visitors/${known.id}`)).status).toBe(200)
    expect(await visitorRows(site.id)).toEqual([])
    expect((await request(s().url).get('/api/visitor/me').set('Authorization', `Bearer ${anon.token}`)).status).toBe(401)
  })
})

describe('merging on two real processes', () => {
  let a: ServerProcess
  let b: ServerProcess
  beforeAll(async () => {
    ;[a, b] = await Promise.all([startProcess(), startProcess()])
  }, 120_000)
  afterAll(() => Promise.all([stopProcess(a), stopProcess(b)]))

  it('anonymous visitors identifying as the same user at once on both processes end as one contact holding every conversation', { timeout: 60_000 }, async () => {
    const site = await s().fx.site()
    const anons = await Promise.all(Array.from({ length: 8 }, () => session(s().url, site)))
    const chats = await Promise.all(anons.map((v, i) => chat(site.id, v.id, `Chat ${i}`)))
    const results = await Promise.all(anons.map((v, i) => session(i % 2 ? a.url : b.url, site, { token: v.token, userId: 'same-person', email: 'same@example.test' })))
    // One contact remains, the oldest of them (an identification that came first may have answered
    // with a contact a later one merged into an older one: its token follows, see below).
    const rows = await visitorRows(site.id)
    const live = rows.filter((r) => r.mergedIntoId === null)
    expect(live.map((r) => [r.id, r.externalId])).toEqual([[rows[0]!.id, 'same-person']])
    const survivor = live[0]!.id
    expect(results.every((r) => rows.some((x) => x.id === r.id))).toBe(true)
    expect(rows.filter((r) => r.mergedIntoId !== null).every((r) => r.mergedIntoId === survivor)).toBe(true)
    const owners = await s().db.inSite(site.id, (tx) => tx.conversation.findMany({ where: { id: { in: chats } } }))
    expect(owners.map((c) => c.visitorId)).toEqual(chats.map(() => survivor))
    // Every old token acts as the survivor on either process.
    for (const [i, v] of anons.entries()) {
      const me = await request(i % 2 ? b.url : a.url).get('/api/visitor/me').set('Authorization', `Bearer ${v.token}`)
      expect(me.body.id).toBe(survivor)
    }
  })
})
