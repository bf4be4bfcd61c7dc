// API keys: made, listed and revoked by an agency's owners and admins (never by a key), the
// secret shown once and stored as SHA-256 only; a key's request is refused as REST.md says
// (unknown 401; revoked, expired, another agency's site, another site, a missing scope 403), and
// lastUsedAt is written at most once a minute.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { ApiKey, ApiKeyCreated } from '@live-chat/protocol'
import { parseApiKey, sha256 } from '../../src/shared/secrets.js'
import { connectRaw, rawSocket, serverPerFile } from '../helpers.js'
import { agency, agencyUser, ALL_SCOPES, apiKey, bearer } from './fixtures.js'

const t = serverPerFile()
const api = () => request(t.s.url)

function expectError(res: request.Response, status: number, code: string, message?: RegExp): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: { error: { code, message: message ?? expect.stringMatching(/\S/) } } })
}

const auditOf = (agencyId: string, action: string) =>
  t.s.db.inAgency(agencyId, (tx) => tx.auditEvent.findMany({ where: { agencyId, action }, orderBy: { createdAt: 'asc' } }))

describe('POST /api/agency/api-keys', () => {
  it('when an owner makes a site key, answers the secret once, stores only its SHA-256 and records api_key.created', async () => {
    const a = await agency(t.s)
    const res = await api().post('/api/agency/api-keys').set(bearer(a.owner.token)).set('User-Agent', 'keys-test/1').send({ name: '  Platform  ', siteId: a.site.id, scopes: ['conversations:read', 'messages:write', 'conversations:read'] })
    expect(res.status, res.text).toBe(201)
    const { key, secret } = res.body as ApiKeyCreated
    expect(secret).toMatch(/^lck_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)
    expect(key).toEqual({
      id: parseApiKey(secret)!.id,
      name: 'Platform',
      prefix: secret.slice(0, 12),
      siteId: a.site.id,
      scopes: ['conversations:read', 'messages:write'],
      createdBy: a.owner.name,
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    })
    const row = await t.s.db.inAgency(a.id, (tx) => tx.apiKey.findUniqueOrThrow({ where: { id: key.id } }))
    expect(row.secretHash).toBe(sha256(parseApiKey(secret)!.secret))
    expect(JSON.stringify(row)).not.toContain(parseApiKey(secret)!.secret)
    const [event] = await auditOf(a.id, 'api_key.created')
    expect(event).toMatchObject({ actorType: 'user', actorId: a.owner.userId, siteId: a.site.id, targetType: 'api_key', targetId: key.id, targetLabel: 'Platform', userAgent: 'keys-test/1' })
    expect(JSON.stringify(event)).not.toContain(parseApiKey(secret)!.secret)

    // The list never shows the secret again.
    const list = await api().get('/api/agency/api-keys').set(bearer(a.owner.token))
    expect(list.status).toBe(200)
    expect((list.body as { items: ApiKey[] }).items).toEqual([key])
    expect(list.text).not.toContain(parseApiKey(secret)!.secret)
  })

  it('when an agency admin makes an agency-wide key with an expiry, the key has them', async () => {
    const a = await agency(t.s)
    const admin = await agencyUser(t.s, a.id, 'admin')
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString()
    const res = await api().post('/api/agency/api-keys').set(bearer(admin.token)).send({ name: 'CI', scopes: ['audit:read'], expiresAt })
    expect(res.status, res.text).toBe(201)
    expect((res.body as ApiKeyCreated).key).toMatchObject({ siteId: null, scopes: ['audit:read'], expiresAt, createdBy: admin.name })
  })

  it("when the operator's CLI makes one, it was created by nobody and the log says the operator", async () => {
    const a = await agency(t.s)
    const made = await t.s.services.apiKeys.create(await t.s.services.agency.operator(a.id), { name: 'From the CLI', siteId: null, scopes: ['sites:read'] })
    expect(made.key.createdBy).toBeNull()
    const [event] = await auditOf(a.id, 'api_key.created')
    expect(event).toMatchObject({ actorType: 'operator', actorId: null, targetId: made.key.id })
    expect((await api().get(`/api/sites/${a.site.id}/settings`).set(bearer(made.secret))).status).toBe(200)
  })

  const invalid = [
    { name: 'no scopes', body: { name: 'x', scopes: [] }, path: 'scopes' },
    { name: 'an unknown scope', body: { name: 'x', scopes: ['everything'] }, path: 'scopes.0' },
    { name: 'no name', body: { scopes: ['sites:read'] }, path: 'name' },
    { name: 'a siteId that is no UUID', body: { name: 'x', siteId: 'abc', scopes: ['sites:read'] }, path: 'siteId' },
    { name: 'an expiry in the past', body: { name: 'x', scopes: ['sites:read'], expiresAt: '2020-01-01T00:00:00Z' }, path: 'expiresAt' },
    { name: 'audit:read on a site key', body: (site: string) => ({ name: 'x', siteId: site, scopes: ['audit:read'] }), path: 'scopes' },
  ]
  for (const c of invalid) {
    it(`when the body has ${c.name}, answers 400 invalid_payload and makes nothing`, async () => {
      const a = await agency(t.s)
      const body = typeof c.body === 'function' ? c.body(a.site.id) : c.body
      const res = await api().post('/api/agency/api-keys').set(bearer(a.owner.token)).send(body)
      expectError(res, 400, 'invalid_payload')
      expect((res.body as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(c.path)
      expect(await t.s.db.inAgency(a.id, (tx) => tx.apiKey.count())).toBe(0)
    })
  }

  it("when the site is another agency's, answers 404 and makes nothing", async () => {
    const a = await agency(t.s)
    const b = await agency(t.s)
    expectError(await api().post('/api/agency/api-keys').set(bearer(a.owner.token)).send({ name: 'x', siteId: b.site.id, scopes: ['sites:read'] }), 404, 'not_found')
    expect(await t.s.db.inAgency(a.id, (tx) => tx.apiKey.count())).toBe(0)
    expect(await auditOf(a.id, 'api_key.created')).toEqual([])
  })

  it('when a member (not an owner or admin) asks, answers 403 on all three routes', async () => {
    const a = await agency(t.s)
    const member = await agencyUser(t.s, a.id, 'member')
    const key = await apiKey(t.s, a.id)
    expectError(await api().post('/api/agency/api-keys').set(bearer(member.token)).send({ name: 'x', scopes: ['sites:read'] }), 403, 'forbidden')
    expectError(await api().get('/api/agency/api-keys').set(bearer(member.token)), 403, 'forbidden')
    expectError(await api().delete(`/api/agency/api-keys/${key.id}`).set(bearer(member.token)), 403, 'forbidden')
    expect(await t.s.db.inAgency(a.id, (tx) => tx.apiKey.count())).toBe(1)
  })

  it('when a key, even with every scope, asks to make, list or revoke keys, answers 403', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id, { scopes: ALL_SCOPES })
    const other = await apiKey(t.s, a.id)
    expectError(await api().post('/api/agency/api-keys').set(bearer(key.secret)).send({ name: 'x', scopes: ['sites:read'] }), 403, 'forbidden')
    expectError(await api().get('/api/agency/api-keys').set(bearer(key.secret)), 403, 'forbidden')
    expectError(await api().delete(`/api/agency/api-keys/${other.id}`).set(bearer(key.secret)), 403, 'forbidden')
    expect(await t.s.db.inAgency(a.id, (tx) => tx.apiKey.count({ where: { revokedAt: null } }))).toBe(2)
  })

  it('the service refuses a key actor too (not only the route table)', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    const actor = { kind: 'agency' as const, agencyId: a.id, userId: crypto.randomUUID(), role: 'owner' as const, name: 'k', key: { id: key.id, name: 'k', scopes: ALL_SCOPES, siteId: null } }
    await expect(t.s.services.apiKeys.create(actor, { name: 'x', siteId: null, scopes: ['sites:read'] })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(t.s.services.apiKeys.list(actor)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(t.s.services.apiKeys.revoke(actor, key.id)).rejects.toMatchObject({ code: 'forbidden' })
  })
})

describe('DELETE /api/agency/api-keys/:id', () => {
  it('revokes at once: the next request with the key is refused 403, the event is recorded once', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id, { scopes: ['conversations:read'] })
    const list = () => api().get(`/api/sites/${a.site.id}/conversations`).set(bearer(key.secret))
    expect((await list()).status).toBe(200)
    const res = await api().delete(`/api/agency/api-keys/${key.id}`).set(bearer(a.owner.token))
    expect(res.status, res.text).toBe(204)
    expectError(await list(), 403, 'forbidden', /revoked/)
    // Again: nothing more happens.
    expect((await api().delete(`/api/agency/api-keys/${key.id}`).set(bearer(a.owner.token))).status).toBe(204)
    const events = await auditOf(a.id, 'api_key.revoked')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ actorId: a.owner.userId, targetId: key.id })
    const listed = await api().get('/api/agency/api-keys').set(bearer(a.owner.token))
    expect((listed.body as { items: ApiKey[] }).items[0]!.revokedAt).toEqual(expect.any(String))
  })

  it("when the key is another agency's, or no UUID, answers 404 / 400 and the key still works", async () => {
    const a = await agency(t.s)
    const b = await agency(t.s)
    const theirs = await apiKey(t.s, b.id, { scopes: ['conversations:read'] })
    expectError(await api().delete(`/api/agency/api-keys/${theirs.id}`).set(bearer(a.owner.token)), 404, 'not_found')
    expectError(await api().delete('/api/agency/api-keys/not-a-uuid').set(bearer(a.owner.token)), 400, 'invalid_payload')
    expect((await api().get(`/api/sites/${b.site.id}/conversations`).set(bearer(theirs.secret))).status).toBe(200)
  })
})

describe('a request with a key', () => {
  const conversations = (siteId: string, secret: string) => api().get(`/api/sites/${siteId}/conversations`).set(bearer(secret))

  it('when no such key exists (well-formed or not, or a wrong secret), answers 401 unauthorized', async () => {
    const a = await agency(t.s)
    const real = await apiKey(t.s, a.id)
    const random = `lck_${crypto.randomUUID().replace(/-/g, '')}_${crypto.randomBytes(32).toString('base64url')}`
    const wrongSecret = `${real.secret.slice(0, 37)}${crypto.randomBytes(32).toString('base64url')}`
    for (const token of [random, wrongSecret, 'lck_', 'lck_abc_def', `${real.secret}x`]) {
      expectError(await conversations(a.site.id, token), 401, 'unauthorized')
      expectError(await api().get('/api/agency/audit').set(bearer(token)), 401, 'unauthorized')
    }
  })

  it('when the key has expired, answers 403 forbidden', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    await t.s.db.inAgency(a.id, (tx) => tx.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1000) } }))
    expectError(await conversations(a.site.id, key.secret), 403, 'forbidden', /expired/)
    expectError(await api().get('/api/agency/audit').set(bearer(key.secret)), 403, 'forbidden', /expired/)
  })

  it("when the site is another agency's (or none), answers 403 forbidden", async () => {
    const a = await agency(t.s)
    const b = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    expectError(await conversations(b.site.id, key.secret), 403, 'forbidden')
    expectError(await conversations(crypto.randomUUID(), key.secret), 403, 'forbidden')
    expectError(await conversations('not-a-uuid', key.secret), 403, 'forbidden')
  })

  it('when a site key is used on another site of its agency, or on an agency route, answers 403 forbidden', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id, { siteId: a.site.id, scopes: ['conversations:read', 'sites:read', 'agents:read'] })
    expect((await conversations(a.site.id, key.secret)).status).toBe(200)
    expectError(await conversations(a.other.id, key.secret), 403, 'forbidden')
    expectError(await api().get('/api/agency/sites').set(bearer(key.secret)), 403, 'forbidden')
    expectError(await api().get('/api/agency').set(bearer(key.secret)), 403, 'forbidden')
  })

  it('when the route needs a scope the key lacks, answers 403 naming the scope', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id, { scopes: ['conversations:read'] })
    expectError(await api().get(`/api/sites/${a.site.id}/agents`).set(bearer(key.secret)), 403, 'forbidden', /agents:read/)
    expectError(await api().get('/api/agency/audit').set(bearer(key.secret)), 403, 'forbidden', /audit:read/)
  })

  it('acts as an admin of the site that is no agent: refused on routes outside the table, such as canned responses and uploads', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    expectError(await api().get(`/api/sites/${a.site.id}/canned-responses`).set(bearer(key.secret)), 403, 'forbidden', /cannot use this route/)
    expectError(await api().post(`/api/sites/${a.site.id}/uploads`).set(bearer(key.secret)).attach('file', Buffer.from('x'), 'x.txt'), 403, 'forbidden')
    expectError(await api().patch('/api/agency').set(bearer(key.secret)).send({ name: 'x' }), 403, 'forbidden')
  })

  it('writes lastUsedAt on first use, then at most once a minute', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    const lastUsed = async () => (await t.s.db.inAgency(a.id, (tx) => tx.apiKey.findUniqueOrThrow({ where: { id: key.id } }))).lastUsedAt
    expect(await lastUsed()).toBeNull()
    expect((await conversations(a.site.id, key.secret)).status).toBe(200)
    const first = await lastUsed()
    expect(first).toBeInstanceOf(Date)
    expect((await conversations(a.site.id, key.secret)).status).toBe(200)
    expect(await lastUsed()).toEqual(first)
    // A minute later (moved back rather than waited for), the next use writes it again.
    const old = new Date(Date.now() - 61_000)
    await t.s.db.inAgency(a.id, (tx) => tx.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: old } }))
    expect((await api().get('/api/agency/audit').set(bearer(key.secret))).status).toBe(200)
    const later = await lastUsed()
    expect(later!.getTime()).toBeGreaterThan(old.getTime() + 60_000)
    // A refused request does not count as a use.
    await t.s.db.inAgency(a.id, (tx) => tx.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: old } }))
    expectError(await api().get(`/api/sites/${a.site.id}/canned-responses`).set(bearer(key.secret)), 403, 'forbidden')
    expect(await lastUsed()).toEqual(old)
  })

  it('is never accepted by the agent socket', async () => {
    const a = await agency(t.s)
    const key = await apiKey(t.s, a.id)
    const socket = rawSocket(t.s.url, '/agent', { token: key.secret, siteId: a.site.id })
    try {
      await expect(connectRaw(socket)).rejects.toMatchObject({ data: { code: 'unauthorized' } })
    } finally {
      socket.disconnect()
    }
  })
})
