// The audit log's routes: GET /api/agency/audit (filters, keyset pages newest first) and
// /api/agency/audit.csv (the exports' CSV conventions, recorded as export.audit), for agency
// owners and admins or a key with audit:read; and the events recorded here: webhook changes
// and the conversations export.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { AuditEvent, Page } from '@live-chat/protocol'
import { serverPerFile } from '../helpers.js'
import { parseCsv } from '../history/seed.js'
import { agency, agencyUser, apiKey, bearer, type AgencyFixture } from '../api-keys/fixtures.js'

const t = serverPerFile()
const api = () => request(t.s.url)

function expectError(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: { error: { code, message: expect.stringMatching(/\S/) } } })
}

/** Events of the agency at chosen times (three share one millisecond: the id orders them). */
async function seed(a: AgencyFixture) {
  const base = Date.parse('2026-03-01T12:00:00.000Z')
  const alice = crypto.randomUUID()
  const rows = [
    { action: 'auth.login', at: base, actorId: alice, siteId: null },
    { action: 'auth.login_failed', at: base + 1_000, actorId: alice, siteId: null },
    { action: 'site.updated', at: base + 2_000, actorId: null, siteId: a.site.id },
    { action: 'api_key.created', at: base + 3_000, actorId: alice, siteId: a.site.id },
    { action: 'api_key.revoked', at: base + 3_000, actorId: alice, siteId: a.other.id },
    { action: 'webhook.created', at: base + 3_000, actorId: null, siteId: a.site.id },
    { action: 'auth.logout', at: base + 4_000, actorId: alice, siteId: null },
  ]
  await t.s.db.inAgency(a.id, async (tx) => {
    for (const r of rows) {
      await tx.auditEvent.create({
        data: { agencyId: a.id, action: r.action, actorType: r.actorId ? 'user' : 'system', actorId: r.actorId, actorLabel: r.actorId ? 'Alice' : 'system', siteId: r.siteId, createdAt: new Date(r.at), data: { n: rows.indexOf(r) } },
      })
    }
  })
  return { base, alice }
}

const list = (token: string, query = '') => api().get(`/api/agency/audit${query}`).set(bearer(token))
const items = (res: request.Response) => (res.body as Page<AuditEvent>).items

describe('GET /api/agency/audit', () => {
  it("lists the agency's events newest first (ties by id), in the AuditEvent shape, and none of another agency's", async () => {
    const a = await agency(t.s)
    const b = await agency(t.s)
    await seed(a)
    await seed(b)
    const res = await list(a.owner.token, '?to=2026-03-02T00:00:00Z')
    expect(res.status, res.text).toBe(200)
    const got = items(res)
    expect(got.map((e) => e.action)).toEqual(['auth.logout', expect.any(String), expect.any(String), expect.any(String), 'site.updated', 'auth.login_failed', 'auth.login'])
    // The three of one millisecond, by id.
    const tied = got.slice(1, 4)
    expect(tied.map((e) => e.action).sort()).toEqual(['api_key.created', 'api_key.revoked', 'webhook.created'])
    expect(tied.map((e) => e.id)).toEqual(tied.map((e) => e.id).sort())
    expect(got[0]).toEqual({
      id: expect.any(String),
      action: 'auth.logout',
      actor: { type: 'user', id: expect.any(String), label: 'Alice' },
      siteId: null,
      target: null,
      data: { n: 6 },
      ip: null,
      userAgent: null,
      createdAt: '2026-03-01T12:00:04.000Z',
    })
    expect((res.body as Page<AuditEvent>).nextCursor).toBeNull()
    const theirs = await t.s.db.inAgency(b.id, (tx) => tx.auditEvent.findMany({ select: { id: true } }))
    for (const { id } of theirs) expect(res.text).not.toContain(id)
  })

  it('filters by action (exact, or a prefix ending in "."), actor, site and time (from inclusive, to exclusive)', async () => {
    const a = await agency(t.s)
    const { alice } = await seed(a)
    const actions = async (q: string) => {
      const res = await list(a.owner.token, `?${q.includes('to=') ? '' : 'to=2026-03-02T00:00:00Z&'}${q}`)
      expect(res.status, `${q}: ${res.text}`).toBe(200)
      return items(res).map((e) => e.action).sort()
    }
    expect(await actions('action=auth.login')).toEqual(['auth.login'])
    expect(await actions('action=auth.')).toEqual(['auth.login', 'auth.login_failed', 'auth.logout'])
    expect(await actions('action=api_key.')).toEqual(['api_key.created', 'api_key.revoked'])
    expect(await actions('action=auth')).toEqual([])
    expect(await actions(`actorId=${alice}`)).toEqual(['api_key.created', 'api_key.revoked', 'auth.login', 'auth.login_failed', 'auth.logout'])
    expect(await actions(`siteId=${a.site.id}`)).toEqual(['api_key.created', 'site.updated', 'webhook.created'])
    expect(await actions('from=2026-03-01T12:00:03.000Z')).toEqual(['api_key.created', 'api_key.revoked', 'auth.logout', 'webhook.created'])
    expect(await actions('from=2026-03-01T12:00:01.000Z&to=2026-03-01T12:00:03.000Z')).toEqual(['auth.login_failed', 'site.updated'])
    expect(await actions('from=2026-03-01T13:00:00%2B01:00&to=2026-03-01T13:00:01%2B01:00')).toEqual(['auth.login'])
  })

  it('pages with the cursor: every event once, in order, whatever the page size', async () => {
    const a = await agency(t.s)
    await seed(a)
    const all = items(await list(a.owner.token, '?to=2026-03-02T00:00:00Z')).map((e) => e.id)
    for (const limit of [1, 2, 3, 6]) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const res = await list(a.owner.token, `?to=2026-03-02T00:00:00Z&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        expect(res.status).toBe(200)
        const page = res.body as Page<AuditEvent>
        expect(page.items.length).toBeLessThanOrEqual(limit)
        seen.push(...page.items.map((e) => e.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen, `limit ${limit}`).toEqual(all)
    }
  })

  const bad = ['action=Auth.', 'action=auth%25', 'actorId=x', 'siteId=1', 'from=yesterday', 'to=2026-13-01T00:00:00Z', 'limit=0', 'limit=1000', 'cursor=nonsense', `cursor=${'x'.repeat(300)}`]
  for (const q of bad) {
    it(`when the query has ${q}, answers 400 invalid_payload`, async () => {
      const a = await agency(t.s)
      expectError(await list(a.owner.token, `?${q}`), 400, 'invalid_payload')
    })
  }

  it('is for owners and admins, and agency-wide keys with audit:read; members, other keys and site keys get 403', async () => {
    const a = await agency(t.s)
    await seed(a)
    const admin = await agencyUser(t.s, a.id, 'admin')
    const member = await agencyUser(t.s, a.id, 'member')
    const reader = await apiKey(t.s, a.id, { scopes: ['audit:read'] })
    const other = await apiKey(t.s, a.id, { scopes: ['sites:read', 'conversations:read'] })
    const site = await apiKey(t.s, a.id, { siteId: a.site.id, scopes: ['sites:read'] })
    for (const token of [a.owner.token, admin.token, reader.secret]) {
      expect((await list(token)).status).toBe(200)
      expect((await api().get('/api/agency/audit.csv').set(bearer(token))).status).toBe(200)
    }
    for (const token of [member.token, other.secret, site.secret]) {
      expectError(await list(token), 403, 'forbidden')
      expectError(await api().get('/api/agency/audit.csv').set(bearer(token)), 403, 'forbidden')
    }
    expectError(await list(''), 401, 'unauthorized')
  })
})

describe('GET /api/agency/audit.csv', () => {
  it('exports the filtered events as CSV (BOM, CRLF, formulas escaped) and records the export, which it lists', async () => {
    const a = await agency(t.s)
    await seed(a)
    const reader = await apiKey(t.s, a.id, { scopes: ['audit:read'], name: '=HYPERLINK("http://evil.example","x")' })
    await t.s.db.inAgency(a.id, (tx) =>
      tx.auditEvent.create({ data: { agencyId: a.id, action: 'site.updated', actorType: 'user', actorLabel: '@SUM(1+1)', targetType: 'site', targetLabel: 'Line one\nline two', data: { name: '+cmd' } } }),
    )
    const res = await api().get('/api/agency/audit.csv?action=site.').set(bearer(reader.secret)).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = []
      r.on('data', (c: Buffer) => chunks.push(c))
      r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')))
    })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/)
    const text = res.body as string
    expect(text.startsWith('\uFEFFcreated_at,action,actor_type,actor_id,actor,site_id,target_type,target_id,target,data,ip,user_agent,id\r\n')).toBe(true)
    // A strict reader (a lone LF would end a record): site.updated twice, the seeded one and the new one.
    const [header, ...rows] = parseCsv(text)
    expect(header).toHaveLength(13)
    expect(rows.map((r) => [r[1], r[4], r[8], r[9]])).toEqual([
      ['site.updated', "'@SUM(1+1)", 'Line one\nline two', '{"name":"+cmd"}'],
      ['site.updated', 'system', '', '{"n":2}'],
    ])
    expect(text).not.toMatch(/(^|,)[=+@-]/m)
    const exported = await t.s.db.inAgency(a.id, (tx) => tx.auditEvent.findMany({ where: { action: 'export.audit' } }))
    expect(exported).toHaveLength(1)
    expect(exported[0]).toMatchObject({ actorType: 'api_key', actorId: reader.id, actorLabel: '=HYPERLINK("http://evil.example","x")', data: { filter: { action: 'site.' } } })

    // Unfiltered, the export lists itself, with the key's name escaped.
    const all = await api().get('/api/agency/audit.csv').set(bearer(a.owner.token))
    expect(all.text).toContain(`,export.audit,api_key,${reader.id},"'=HYPERLINK(""http://evil.example"",""x"")"`)
  })

  it('takes no cursor or limit (400), and a bad filter is 400 before anything is recorded', async () => {
    const a = await agency(t.s)
    for (const q of ['cursor=abc', 'limit=5', 'action=NOPE']) expectError(await api().get(`/api/agency/audit.csv?${q}`).set(bearer(a.owner.token)), 400, 'invalid_payload')
    expect(await t.s.db.inAgency(a.id, (tx) => tx.auditEvent.count({ where: { action: 'export.audit' } }))).toBe(0)
  })
})

describe('events recorded outside the accounts routes', () => {
  it('webhook.created, webhook.updated and webhook.deleted: who, the site, the host only (never the path or query)', async () => {
    const a = await agency(t.s)
    const admin = await t.s.fx.agent(a.site.id, { role: 'admin' })
    const site = (path: string) => `/api/sites/${a.site.id}${path}`
    const created = await api().post(site('/webhooks')).set(bearer(admin.token)).set('User-Agent', 'hooks/1').send({ url: 'https://hooks.example/T0/B0/secret-path?token=s3cret', events: ['message.created'] })
    expect(created.status, created.text).toBe(201)
    const id = (created.body as { id: string }).id
    expect((await api().patch(site(`/webhooks/${id}`)).set(bearer(admin.token)).send({ url: 'https://other.example/x?token=other', active: false })).status).toBe(200)
    expect((await api().delete(site(`/webhooks/${id}`)).set(bearer(admin.token))).status).toBe(204)
    const events = await t.s.db.inAgency(a.id, (tx) => tx.auditEvent.findMany({ where: { action: { startsWith: 'webhook.' } }, orderBy: { createdAt: 'asc' } }))
    expect(events.map((e) => e.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.deleted'])
    expect(events[0]).toMatchObject({ actorType: 'user', actorId: admin.userId, siteId: a.site.id, targetType: 'webhook', targetId: id, targetLabel: 'https://hooks.example', userAgent: 'hooks/1', data: { host: 'https://hooks.example', events: ['message.created'], active: true } })
    expect(events[1]!.data).toEqual({ host: 'https://other.example', urlChanged: true, previousHost: 'https://hooks.example', active: false })
    expect(events[2]!.data).toEqual({ host: 'https://other.example' })
    expect(JSON.stringify(events)).not.toMatch(/secret-path|s3cret|token=|\/x\?/)
  })

  it('a refused webhook change records nothing', async () => {
    const a = await agency(t.s)
    const agent = await t.s.fx.agent(a.site.id, { role: 'agent' })
    expectError(await api().post(`/api/sites/${a.site.id}/webhooks`).set(bearer(agent.token)).send({ url: 'https://hooks.example/x', events: ['message.created'] }), 403, 'forbidden')
    expect(await t.s.db.inAgency(a.id, (tx) => tx.auditEvent.count({ where: { action: { startsWith: 'webhook.' } } }))).toBe(0)
  })

  it('export.conversations when the conversations CSV is downloaded, with its filter; none when the filter is refused', async () => {
    const a = await agency(t.s)
    const agent = await t.s.fx.agent(a.site.id)
    const res = await api().get(`/api/sites/${a.site.id}/exports/conversations.csv?status=resolved&tag=vip`).set(bearer(agent.token))
    expect(res.status, res.text).toBe(200)
    expectError(await api().get(`/api/sites/${a.site.id}/exports/conversations.csv?status=nope`).set(bearer(agent.token)), 400, 'invalid_payload')
    const events = await t.s.db.inAgency(a.id, (tx) => tx.auditEvent.findMany({ where: { action: 'export.conversations' } }))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ actorType: 'user', actorId: agent.userId, siteId: a.site.id, data: { filter: { status: ['resolved'], tag: 'vip' } } })
  })
})
