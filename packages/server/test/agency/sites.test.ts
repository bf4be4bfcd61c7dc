// The agency's sites over REST: listing (owners and admins see all, members theirs), creating
// (domains become allowed origins, the agency's owners and admins its admins), and deleting (with
// the site's name typed to confirm: every row of the site goes at once, a sibling site stays as it
// was, its live sockets end, the audit log keeps the event).
import crypto from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import { describe, expect, inject, it } from 'vitest'
import type { AgencySite, SiteSettings } from '@live-chat/protocol'
import { ask, connectRaw, eventually, rawSocket, serverPerFile, waitFor } from '../helpers.js'
import { agencySite, as, auditOf, join, membershipOf, newAgency, person } from './fixtures.js'

const file = serverPerFile()
const s = () => file.s

async function world() {
  const agency = await newAgency(s())
  const owner = await person(s(), agency.id, 'owner', 'Olive Owner')
  const admin = await person(s(), agency.id, 'admin')
  const member = await person(s(), agency.id, 'member')
  const one = await agencySite(s(), agency.id, { allowedOrigins: ['https://one.example'] })
  const two = await agencySite(s(), agency.id)
  await join(s(), one.id, member)
  return { agency, owner, admin, member, one, two }
}

describe('GET /api/agency/sites', () => {
  it('shows owners and admins every site of the agency, a member only theirs, and never another agency’s', async () => {
    const { owner, admin, member, one, two } = await world()
    const other = await world()
    for (const who of [owner, admin]) {
      const res = await as(s(), who.token).get('/api/agency/sites')
      expect(res.status).toBe(200)
      const items = res.body.items as AgencySite[]
      expect(items.map((x) => x.id)).toEqual([one.id, two.id])
      // The owner, the admin (by the agency role) and the member on one; the owner and admin on two.
      expect(items.map((x) => x.agents)).toEqual([3, 2])
      expect(items[0]).toMatchObject({ name: one.name, domains: ['https://one.example'], agencyId: one.agencyId })
      expect(res.text).not.toContain(other.one.id)
    }
    const mine = await as(s(), member.token).get('/api/agency/sites')
    expect((mine.body.items as AgencySite[]).map((x) => x.id)).toEqual([one.id])

    // Removed from the site: it is no longer theirs.
    await s().db.inSite(one.id, async (tx) => tx.agent.update({ where: { id: await membershipOf(s(), one.id, member.userId) }, data: { removedAt: new Date() } }))
    expect((await as(s(), member.token).get('/api/agency/sites')).body.items).toEqual([])
  })
})

describe('POST /api/agency/sites', () => {
  it('creates a site whose domains are its allowed origins and whose admins are the agency’s owners and admins, recorded in the audit log', async () => {
    const { agency, owner, admin, member } = await world()
    const res = await as(s(), admin.token).post('/api/agency/sites', { name: '  Shop  ', domains: ['Shop.Example', 'https://shop.example/', 'http://localhost:8080'] })
    expect(res.status).toBe(201)
    const site = res.body as AgencySite
    expect(site).toMatchObject({ agencyId: agency.id, name: 'Shop', domains: ['https://shop.example', 'http://localhost:8080'], agents: 2 })

    const settings = await as(s(), owner.token).get(`/api/sites/${site.id}/settings`)
    expect(settings.body as SiteSettings).toMatchObject({ siteId: site.id, name: 'Shop', allowedOrigins: ['https://shop.example', 'http://localhost:8080'] })
    const team = await as(s(), admin.token).get(`/api/sites/${site.id}/agents`)
    expect((team.body.items as { userId: string; role: string }[]).map((a) => [a.userId, a.role]).sort()).toEqual([[owner.userId, 'admin'], [admin.userId, 'admin']].sort())
    // The widget runs from its domains only.
    expect((await request(s().url).get(`/api/sites/${site.id}/widget`).set('Origin', 'https://shop.example')).status).toBe(200)
    expect((await request(s().url).get(`/api/sites/${site.id}/widget`).set('Origin', 'https://elsewhere.example')).status).toBe(403)
    // Not the member's: they belong to no membership of it.
    expect((await as(s(), member.token).get(`/api/sites/${site.id}/settings`)).status).toBe(403)

    const [event] = await auditOf(s(), agency.id, 'site.created')
    expect(event).toMatchObject({ siteId: site.id, actorType: 'user', actorId: admin.userId, targetId: site.id, data: { name: 'Shop', allowedOrigins: ['https://shop.example', 'http://localhost:8080'] } })
  })

  it('refuses a member (403) and bad input (400), creating nothing', async () => {
    const { agency, owner, member } = await world()
    const count = () => s().db.prisma.site.count({ where: { agencyId: agency.id } })
    const before = await count()
    const refused = await as(s(), member.token).post('/api/agency/sites', { name: 'Mine' })
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' })
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'Ok', domains: ['not a domain/with/path'] }, { name: 'Ok', domains: 'shop.example' }]) {
      const res = await as(s(), owner.token).post('/api/agency/sites', body)
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'invalid_payload' })
    }
    expect(await count()).toBe(before)
  })
})

/** Every table with a site_id column but the audit log, and how many rows each holds of `siteId` (read as the owner: no row-level security). */
async function rowsOf(siteId: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: inject('databaseUrl') })
  await c.connect()
  try {
    const tables = await c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'site_id' AND table_name <> 'audit_events' ORDER BY table_name",
    )
    const out: Record<string, number> = {}
    for (const { table_name: t } of tables.rows) {
      const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}" WHERE site_id = $1`, [siteId])
      out[t] = r.rows[0]!.n
    }
    out['sites'] = (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM sites WHERE id = $1', [siteId])).rows[0]!.n
    return out
  } finally {
    await c.end()
  }
}

/** Rows the app's flows do not make on demand (a pending reply email, an API key of the site), written as the owner. */
async function extraRows(siteId: string, agencyId: string, conversationId: string): Promise<void> {
  const c = new pg.Client({ connectionString: inject('databaseUrl') })
  await c.connect()
  try {
    await c.query("INSERT INTO mod_chat_email_jobs (conversation_id, site_id, due_at) VALUES ($1, $2, now() + interval '1 day') ON CONFLICT DO NOTHING", [conversationId, siteId])
    await c.query("INSERT INTO api_keys (agency_id, site_id, name, prefix, secret_hash, scopes) VALUES ($1, $2, 'k', 'lck_x', $3, ARRAY['sites:read'])", [agencyId, siteId, crypto.randomBytes(32).toString('hex')])
  } finally {
    await c.end()
  }
}

/** A site with a row in every site-scoped table: an agent and a visitor connected (the agent viewing the conversation), a conversation with a file, canned responses, a webhook and its deliveries, analytics. */
async function busySite(agencyId: string, ownerToken: string) {
  const site = await agencySite(s(), agencyId)
  const agent = await s().fx.agent(site.id, { name: 'Busy Bea' })
  const agentSocket = file.track(await connectRaw(rawSocket(s().url, '/agent', { token: agent.token, siteId: site.id })))
  const visitor = await s().fx.visitorSession(site.id)
  const visitorSocket = file.track(await connectRaw(rawSocket(s().url, '/visitor', { token: visitor.token })))
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/webhooks`, { url: 'https://hooks.example.test/in', events: ['conversation.created', 'message.created'] })).status).toBe(201)
  // An SLA policy (mod_chat_sla_policies): the visitor's first message starts its clocks (mod_chat_sla_clocks).
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/sla-policies`, { name: 'Default', firstResponseMinutes: 5 })).status).toBe(201)
  const upload = await request(s().url).post('/api/visitor/uploads').set('Authorization', `Bearer ${visitor.token}`).attach('file', Buffer.from('hello, a text file'), 'note.txt')
  expect(upload.status).toBe(201)
  const started = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(visitorSocket, 'conversation:start', { clientKey: `k-${site.id}`, message: { clientId: 'client-0001', text: 'Hello there', attachments: [upload.body.id] } })
  expect(started).toMatchObject({ ok: true })
  const conversationId = started.data.conversation.id
  // An edit keeps the earlier text for agents (mod_chat_message_edits).
  const synced = await ask<{ ok: boolean; data: { messages: { id: string; senderType: string }[] } }>(visitorSocket, 'messages:sync', { conversationId, afterSeq: 0 })
  const first = synced.data.messages.find((m) => m.senderType === 'visitor')!
  expect(await ask(visitorSocket, 'message:edit', { conversationId, messageId: first.id, text: 'Hello there, edited' })).toMatchObject({ ok: true })
  // The agent's dashboard shows the conversation (mod_chat_viewers).
  expect(await ask(agentSocket, 'conversation:view', { conversationId, viewing: true })).toMatchObject({ ok: true })
  const actor = await s().services.agents.authenticate(agent.token, site.id)
  await s().services.cannedResponses.create(actor, { title: 'Mine', content: 'personal', isPersonal: true })
  // A ban (of an address no test client has: nothing here is refused).
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/bans`, { kind: 'ip', network: '192.0.2.0/24' })).status).toBe(201)
  // A contact attribute, the visitor's value of it, and a note on the visitor (mod_chat_contact_*).
  const attribute = await as(s(), ownerToken).post(`/api/sites/${site.id}/contact-attributes`, { key: 'plan', label: 'Plan', type: 'text' })
  expect(attribute.status).toBe(201)
  expect((await as(s(), ownerToken).patch(`/api/sites/${site.id}/visitors/${visitor.visitor.id}`, { company: 'Busy Ltd', attributes: { plan: 'pro' } })).status).toBe(200)
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/visitors/${visitor.visitor.id}/notes`, { text: 'A busy contact' })).status).toBe(201)
  // A private note naming the agent (mod_chat_mentions).
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/conversations/${conversationId}/messages`, { clientId: 'note-0001', text: 'Over to you, @Busy Bea', private: true })).status).toBe(201)
  // A team with the agent in it (mod_chat_teams, mod_chat_team_members), the conversation for it.
  const team = await as(s(), ownerToken).post(`/api/sites/${site.id}/teams`, { name: 'Sales', agentIds: [agent.id] })
  expect(team.status).toBe(201)
  expect((await as(s(), ownerToken).post(`/api/sites/${site.id}/conversations/${conversationId}/assign`, { teamId: team.body.id })).status).toBe(200)
  const trigger = await as(s(), ownerToken).post(`/api/sites/${site.id}/triggers`, { name: 'Hello', text: 'Hi there', teamId: team.body.id })
  expect(trigger.status).toBe(201)
  expect((await request(s().url).post(`/api/sites/${site.id}/triggers/${trigger.body.id}/shown`)).status).toBeLessThan(300)
  await extraRows(site.id, agencyId, conversationId)
  // A visitor who chatted, erased: analytics keep their conversation's anonymous figures (mod_chat_analytics_removed).
  const erased = await s().fx.visitorSession(site.id)
  await s().services.conversations.start({ kind: 'visitor', siteId: site.id, visitorId: erased.visitor.id }, { clientKey: `gone-${site.id}`, message: { clientId: 'gone-0000001', text: 'Bye' } })
  expect((await as(s(), ownerToken).delete(`/api/sites/${site.id}/visitors/${erased.visitor.id}`)).status).toBe(200)
  await s().services.analytics.refresh()
  let rows: Record<string, number> = {}
  await eventually(async () => {
    rows = await rowsOf(site.id)
    // The outbox (mod_chat_events) held the site's events until the dispatcher took them: empty by now.
    return Object.entries(rows).every(([table, n]) => (table === 'mod_chat_events' ? n === 0 : n > 0))
  }, 10_000, 'a row in every site-scoped table')
  return { site, agent, agentSocket, visitor, visitorSocket, conversationId, rows }
}

describe('DELETE /api/agency/sites/:siteId', () => {
  it('deletes the site and every row in it at once, leaves a sibling site as it was, ends its live sockets and keeps the audit event', async () => {
    const { agency, owner } = await world()
    const doomed = await busySite(agency.id, owner.token)
    const sibling = await busySite(agency.id, owner.token)
    const siblingBefore = await rowsOf(sibling.site.id)
    expect((await as(s(), owner.token).patch(`/api/sites/${doomed.site.id}/settings`, { missedAfterMinutes: 30 })).status).toBe(200)

    const agentTold = waitFor<{ reason: string }>((fn) => (doomed.agentSocket.on('session:changed', fn), () => doomed.agentSocket.off('session:changed', fn)))
    const agentGone = new Promise<string>((resolve) => doomed.agentSocket.once('disconnect', resolve))
    const visitorGone = new Promise<string>((resolve) => doomed.visitorSocket.once('disconnect', resolve))
    let siblingDropped = false
    sibling.agentSocket.on('disconnect', () => (siblingDropped = true))
    sibling.visitorSocket.on('disconnect', () => (siblingDropped = true))

    const res = await as(s(), owner.token).delete(`/api/agency/sites/${doomed.site.id}`, { confirm: doomed.site.name })
    expect(res.status).toBe(204)

    expect(await agentTold).toEqual({ reason: 'removed' })
    expect(await agentGone).toBe('io server disconnect')
    expect(await visitorGone).toBe('io server disconnect')
    const none = Object.fromEntries(Object.keys(doomed.rows).map((t) => [t, 0]))
    expect(await rowsOf(doomed.site.id)).toEqual(none)

    // Coming back is refused: the token's site is gone.
    await expect(connectRaw(rawSocket(s().url, '/agent', { token: doomed.agent.token, siteId: doomed.site.id }))).rejects.toMatchObject({ data: { code: 'forbidden' } })
    await expect(connectRaw(rawSocket(s().url, '/visitor', { token: doomed.visitor.token }))).rejects.toMatchObject({ data: { code: 'unauthorized' } })
    expect((await as(s(), doomed.agent.token).get(`/api/sites/${doomed.site.id}/conversations`)).status).toBe(403)
    expect((await request(s().url).get(`/api/sites/${doomed.site.id}/widget`)).status).toBe(404)

    // The sibling: the same rows, its sockets still there.
    expect(await rowsOf(sibling.site.id)).toEqual(siblingBefore)
    expect(siblingDropped).toBe(false)
    expect(sibling.agentSocket.connected && sibling.visitorSocket.connected).toBe(true)
    expect((await as(s(), sibling.agent.token).get(`/api/sites/${sibling.site.id}/conversations`)).body.items).toHaveLength(1)

    const [event] = await auditOf(s(), agency.id, 'site.deleted')
    expect(event).toMatchObject({ siteId: doomed.site.id, actorId: owner.userId, targetLabel: doomed.site.name, data: { name: doomed.site.name, deleted: { conversations: 1, visitors: 1 } } })
    // Earlier events of the site stay too.
    expect(await auditOf(s(), agency.id, 'site.updated')).toMatchObject([{ siteId: doomed.site.id, data: { missedAfterMinutes: { from: 10, to: 30 } } }])
  })

  it('refuses a wrong confirmation (400), a member (403), another agency’s or an unknown site (404), and deletes nothing', async () => {
    const { agency, owner, admin, member, one } = await world()
    const other = await world()
    const cases: [string, ReturnType<typeof as>, string, object | undefined, number, string][] = [
      ['wrong name', as(s(), owner.token), one.id, { confirm: `${one.name} ` }, 400, 'invalid_payload'],
      ['other case', as(s(), owner.token), one.id, { confirm: one.name.toUpperCase() }, 400, 'invalid_payload'],
      ['no body', as(s(), owner.token), one.id, undefined, 400, 'invalid_payload'],
      ['a member', as(s(), member.token), one.id, { confirm: one.name }, 403, 'forbidden'],
      ['another agency’s site', as(s(), admin.token), other.one.id, { confirm: other.one.name }, 404, 'not_found'],
      ['an unknown site', as(s(), owner.token), crypto.randomUUID(), { confirm: 'x' }, 404, 'not_found'],
      ['not an id', as(s(), owner.token), 'nope', { confirm: 'x' }, 400, 'invalid_payload'],
    ]
    for (const [name, who, siteId, body, status, code] of cases) {
      const res = await who.delete(`/api/agency/sites/${siteId}`, body)
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status, code })
    }
    expect(await s().db.prisma.site.count({ where: { id: { in: [one.id, other.one.id] } } })).toBe(2)
    expect(await auditOf(s(), agency.id, 'site.deleted')).toEqual([])
  })
})
