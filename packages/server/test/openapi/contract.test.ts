// Real answers against the OpenAPI document: a real server on the run's Postgres, real requests
// along the ways people use the API (a visitor chats and uploads, an agent works the inbox, an
// admin runs the site and the agency, a key calls the platform API), successes and errors alike;
// each answer's status, media type and body are checked with ajv (validator.ts).
import crypto from 'node:crypto'
import request from 'supertest'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from '../../src/openapi/document.js'
import { OPERATIONS } from '../../src/openapi/operations.js'
import { agency, agencyUser, apiKey, bearer, type AgencyFixture } from '../api-keys/fixtures.js'
import { ask, connectRaw, rawSocket, serverPerFile, type AgentFixture } from '../helpers.js'
import { SAMPLES } from '../uploads/samples.js'
import { ContractChecker } from './validator.js'

const t = serverPerFile()
const contract = new ContractChecker(buildOpenApiDocument() as never)

type Method = 'get' | 'post' | 'patch' | 'delete'
interface Call {
  token?: string
  body?: unknown
  query?: Record<string, string>
  headers?: Record<string, string>
}

/** Calls `pattern` with its `:params` filled, checks the answer against the document, returns it. */
async function call(method: Method, pattern: string, params: Record<string, string>, c: Call = {}): Promise<request.Response> {
  const path = pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? crypto.randomUUID()))
  let req = request(t.s.url)[method](path)
  if (c.token) req = req.set(bearer(c.token))
  if (c.headers) req = req.set(c.headers)
  if (c.query) req = req.query(c.query)
  const res = await (c.body !== undefined ? req.send(c.body as object) : req)
  contract.check(method, pattern, res)
  return res
}

const SITE = '/api/sites/:siteId'
let a: AgencyFixture
let admin: AgentFixture
let site: { siteId: string }

beforeAll(async () => {
  a = await agency(t.s)
  admin = await t.s.fx.agent(a.site.id, { role: 'admin' })
  site = { siteId: a.site.id }
})

describe('the contract: real answers match the OpenAPI document', () => {
  it('probes, the document itself and first-run setup', async () => {
    expect((await call('get', '/healthz', {})).status).toBe(200)
    expect((await call('get', '/readyz', {})).status).toBe(200)
    expect((await call('get', '/metrics', {})).status).toBe(200)
    expect((await call('get', '/api/openapi.json', {})).status).toBe(200)
    expect((await call('get', '/api/setup', {})).status).toBe(200)
    expect((await call('post', '/api/setup/verify', {}, { body: { token: 'x' } })).status).toBe(400)
    expect((await call('post', '/api/setup/verify', {}, { body: { token: `${crypto.randomUUID()}.${'a'.repeat(43)}` } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/invitations/lookup', {}, { body: { token: `${crypto.randomUUID()}.${'a'.repeat(43)}` } })).status).toBe(404)
  })

  it('a visitor: widget settings, a session, a conversation, messages, an upload and its file', async () => {
    expect((await call('get', `${SITE}/widget`, site)).status).toBe(200)
    expect((await call('get', `${SITE}/widget`, { siteId: 'not-a-uuid' })).status).toBe(400)
    const session = await call('post', `${SITE}/visitor-sessions`, site, { body: { page: { url: 'https://shop.example/cart', title: 'Cart' } } })
    expect(session.status).toBe(201)
    const token = session.body.token as string
    expect((await call('get', '/api/visitor/me', {}, { token })).status).toBe(200)
    expect((await call('get', '/api/visitor/me', {}, { token: 'forged' })).status).toBe(401)
    const upload = await request(t.s.url).post('/api/visitor/uploads').set(bearer(token)).attach('file', SAMPLES.png, 'dot.png')
    contract.check('post', '/api/visitor/uploads', upload)
    expect(upload.status).toBe(201)
    const refused = await request(t.s.url).post('/api/visitor/uploads').set(bearer(token)).attach('file', SAMPLES.html, 'page.html')
    contract.check('post', '/api/visitor/uploads', refused)
    expect(refused.status).toBe(415)
    const file = await request(t.s.url).get(new URL(upload.body.url as string, t.s.url).pathname)
    contract.check('get', '/uploads/:id/:name', file)
    expect(file.status).toBe(200)
    expect((await call('get', '/uploads/:id/:name', { name: 'x.png' })).status).toBe(404)

    const socket = await connectRaw(rawSocket(t.s.url, '/visitor', { token }))
    try {
      const started = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(socket, 'conversation:start', {
        clientKey: `contract-${crypto.randomUUID()}`,
        message: { clientId: 'client-0001', text: 'Hello, my order is late', attachments: [upload.body.id] },
      })
      expect(started.ok).toBe(true)
      const id = started.data.conversation.id
      expect((await call('get', '/api/visitor/conversations', {}, { token })).body.items).toHaveLength(1)
      expect((await call('get', '/api/visitor/conversations/:id/messages', { id }, { token, query: { after: '0' } })).status).toBe(200)
      expect((await call('get', '/api/visitor/conversations/:id/messages', { id }, { token, query: { after: '1', before: '5' } })).status).toBe(400)
      // No SMTP in this server: the answer is an error, and still the standard error body.
      expect((await call('post', '/api/visitor/conversations/:id/transcript', { id }, { token, body: { email: 'me@example.test' } })).status).toBeGreaterThanOrEqual(400)
    } finally {
      socket.disconnect()
    }
  })

  it('an agent: sign-in, the inbox, a conversation from start to resolved, transcripts and exports', async () => {
    expect((await call('post', '/api/auth/login', {}, { body: { email: admin.email, password: 'wrong password' } })).status).toBe(401)
    expect((await call('post', '/api/auth/login', {}, { body: { email: 'not an email' } })).status).toBe(400)
    const login = await call('post', '/api/auth/login', {}, { body: { email: admin.email, password: admin.password } })
    expect(login.status).toBe(200)
    const token = login.body.token as string
    expect((await call('get', '/api/auth/me', {}, { token })).status).toBe(200)
    expect((await call('get', '/api/auth/me', {}, {})).status).toBe(401)
    expect((await call('post', '/api/auth/refresh', {}, { token })).status).toBe(200)
    expect((await call('get', '/api/auth/sessions', {}, { token })).body.items.length).toBeGreaterThan(0)
    expect((await call('delete', '/api/auth/sessions/:sessionId', {}, { token })).status).toBe(404)
    expect((await call('post', '/api/auth/two-factor/setup', {}, { token })).status).toBe(200)
    expect((await call('post', '/api/auth/two-factor/enable', {}, { token, body: { code: '000000' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/auth/password', {}, { token, body: { currentPassword: 'wrong', newPassword: 'a new long password' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/auth/password/forgot', {}, { body: { email: admin.email } })).status).toBe(202)
    expect((await call('post', '/api/auth/password/reset', {}, { body: { token: `${crypto.randomUUID()}.${'a'.repeat(43)}`, password: 'a new long password' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/auth/login/two-factor', {}, { body: { challenge: 'forged', code: '123456' } })).status).toBe(401)
    expect((await call('post', '/api/auth/login/two-factor/setup', {}, { body: { challenge: 'forged' } })).status).toBe(401)
    expect((await call('post', '/api/auth/login/two-factor/enable', {}, { body: { challenge: 'forged', code: '123456' } })).status).toBe(401)
    expect((await call('post', '/api/auth/two-factor/disable', {}, { token, body: { password: 'wrong password' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/auth/two-factor/recovery-codes', {}, { token, body: { password: 'wrong password' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('post', '/api/setup', {}, { body: { token: `${crypto.randomUUID()}.${'a'.repeat(43)}`, name: 'Owner', email: admin.email, password: 'a long password', agencyName: 'A', siteName: 'S' } })).status).toBeGreaterThanOrEqual(400)

    // A visitor starts a conversation; the agent takes it through the inbox.
    const visitor = await t.s.fx.visitorSession(a.site.id)
    const socket = await connectRaw(rawSocket(t.s.url, '/visitor', { token: visitor.token }))
    let id: string
    try {
      const started = await ask<{ ok: boolean; data: { conversation: { id: string } } }>(socket, 'conversation:start', { clientKey: `contract-${crypto.randomUUID()}`, message: { clientId: 'client-0002', text: 'Where is my parcel?' } })
      id = started.data.conversation.id
    } finally {
      socket.disconnect()
    }
    const conv = { ...site, id }
    const list = await call('get', `${SITE}/conversations`, site, { token, query: { status: 'pending,active', limit: '10' } })
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id)
    expect((await call('get', `${SITE}/conversations`, site, { token, query: { status: 'sleeping' } })).status).toBe(400)
    expect((await call('get', `${SITE}/conversations/:id`, conv, { token })).status).toBe(200)
    expect((await call('get', `${SITE}/conversations/:id`, { ...site }, { token })).status).toBe(404)
    expect((await call('patch', `${SITE}/conversations/:id`, conv, { token, body: { priority: 'high', tags: ['shipping'], subject: 'Parcel' } })).status).toBe(200)
    expect((await call('patch', `${SITE}/conversations/:id`, conv, { token, body: {} })).status).toBe(400)
    expect((await call('post', `${SITE}/conversations/:id/assign`, conv, { token, body: { agentId: admin.id } })).status).toBe(200)
    const sent = await call('post', `${SITE}/conversations/:id/messages`, conv, { token, body: { clientId: 'agent-reply-1', text: 'It ships today.' } })
    expect(sent.status).toBe(201)
    expect((await call('post', `${SITE}/conversations/:id/messages`, conv, { token, body: { clientId: 'agent-reply-1', text: 'It ships today.' } })).status).toBe(200)
    expect((await call('post', `${SITE}/conversations/:id/messages`, conv, { token, body: { clientId: 'agent-note-1', text: 'Checked with the warehouse', private: true } })).status).toBe(201)
    // A note naming another agent: their mention, listed and read by them alone.
    const bea = await t.s.fx.agent(a.site.id, { name: 'Bea Contract' })
    expect((await call('post', `${SITE}/conversations/:id/messages`, conv, { token, body: { clientId: 'agent-note-2', text: 'Over to you @[Bea Contract]', private: true } })).status).toBe(201)
    const mentions = await call('get', `${SITE}/mentions`, site, { token: bea.token, query: { unread: 'true', limit: '10' } })
    expect(mentions.body).toMatchObject({ unread: 1, items: [{ kind: 'mention', agentId: bea.id }] })
    const mention = { ...site, id: (mentions.body.items as { id: string }[])[0]!.id }
    expect((await call('get', `${SITE}/mentions`, site, { token: bea.token, query: { limit: '0' } })).status).toBe(400)
    expect((await call('post', `${SITE}/mentions/:id/read`, mention, { token })).status).toBe(404)
    expect((await call('post', `${SITE}/mentions/:id/read`, mention, { token: bea.token })).body.readAt).toEqual(expect.any(String))
    expect((await call('post', `${SITE}/mentions/:id/read`, { ...site, id: 'x' }, { token: bea.token })).status).toBe(400)
    expect((await call('get', `${SITE}/conversations/:id/messages`, conv, { token, query: { before: '100', limit: '50' } })).body.messages.length).toBeGreaterThan(1)
    const upload = await request(t.s.url).post(`/api/sites/${a.site.id}/uploads`).set(bearer(token)).attach('file', SAMPLES.pdf, 'label.pdf')
    contract.check('post', `${SITE}/uploads`, upload)
    expect(upload.status).toBe(201)
    expect((await call('post', `${SITE}/conversations/:id/resolve`, conv, { token })).status).toBe(200)
    expect((await call('post', `${SITE}/conversations/:id/reopen`, conv, { token })).status).toBe(200)
    for (const format of ['json', 'csv', 'txt']) {
      const res = await call('get', `${SITE}/conversations/:id/transcript`, conv, { token, query: { format } })
      expect(res.status).toBe(200)
    }
    expect((await call('get', `${SITE}/conversations/:id/transcript`, conv, { token, query: { format: 'pdf' } })).status).toBe(400)
    expect((await call('get', `${SITE}/exports/conversations.csv`, site, { token, query: { status: 'active' } })).status).toBe(200)
    expect((await call('get', `${SITE}/exports/conversations.csv`, site, { token, query: { limit: '5' } })).status).toBe(400)
    expect((await call('post', '/api/auth/logout', {}, { token })).status).toBe(204)
    expect((await call('get', '/api/auth/me', {}, { token })).status).toBe(401)
  })

  it('a site admin: canned responses, agents, settings, identity secret, webhooks, analytics', async () => {
    const token = admin.token
    const canned = await call('post', `${SITE}/canned-responses`, site, { token, body: { title: 'Shipping', shortcut: 'ship', content: 'Orders ship within 2 days.' } })
    expect(canned.status).toBe(201)
    const c = { ...site, id: canned.body.id as string }
    expect((await call('post', `${SITE}/canned-responses`, site, { token, body: { title: 'Again', shortcut: 'ship', content: 'x' } })).status).toBe(409)
    expect((await call('get', `${SITE}/canned-responses`, site, { token, query: { q: 'ship' } })).body.items).toHaveLength(1)
    expect((await call('patch', `${SITE}/canned-responses/:id`, c, { token, body: { category: 'Orders' } })).status).toBe(200)
    expect((await call('post', `${SITE}/canned-responses/:id/use`, c, { token })).status).toBe(200)
    expect((await call('delete', `${SITE}/canned-responses/:id`, c, { token })).status).toBe(204)

    const trigger = await call('post', `${SITE}/triggers`, site, { token, body: { name: 'Pricing', text: 'Questions about plans?', rules: { url: '/pricing*', seconds: 10 } } })
    expect(trigger.status).toBe(201)
    const tr = { ...site, id: trigger.body.id as string }
    expect((await call('post', `${SITE}/triggers/:id/shown`, tr)).status).toBe(204)
    expect((await call('get', `${SITE}/triggers`, site, { token })).body.items).toHaveLength(1)
    expect((await call('patch', `${SITE}/triggers/:id`, tr, { token, body: { enabled: false } })).status).toBe(200)
    expect((await call('post', `${SITE}/triggers`, site, { token, body: { name: 'x', text: '' } })).status).toBe(400)
    expect((await call('delete', `${SITE}/triggers/:id`, tr, { token })).status).toBe(204)

    expect((await call('get', `${SITE}/agents`, site, { token })).status).toBe(200)
    const agent = await call('post', `${SITE}/agents`, site, { token, body: { email: `new-${crypto.randomUUID()}@example.test`, name: 'New Agent', password: 'a long password' } })
    expect(agent.status).toBe(201)
    const ag = { ...site, agentId: agent.body.id as string }
    const team = await call('post', `${SITE}/teams`, site, { token, body: { name: 'Sales', agentIds: [agent.body.id] } })
    expect(team.status).toBe(201)
    const tm = { ...site, id: team.body.id as string }
    expect((await call('get', `${SITE}/teams`, site, { token })).body.items).toHaveLength(1)
    expect((await call('patch', `${SITE}/teams/:id`, tm, { token, body: { name: 'Sales & presales' } })).status).toBe(200)
    expect((await call('post', `${SITE}/teams`, site, { token, body: { name: '' } })).status).toBe(400)
    expect((await call('patch', `${SITE}/agents/:agentId`, ag, { token, body: { maxConcurrentChats: 3, teamIds: [team.body.id] } })).status).toBe(200)
    expect((await call('delete', `${SITE}/teams/:id`, tm, { token })).status).toBe(204)
    const sla = await call('post', `${SITE}/sla-policies`, site, { token, body: { name: 'Default', firstResponseMinutes: 5, priority: 'high' } })
    expect(sla.status).toBe(201)
    const sp = { ...site, id: sla.body.id as string }
    expect((await call('get', `${SITE}/sla-policies`, site, { token })).body.items).toHaveLength(1)
    expect((await call('patch', `${SITE}/sla-policies/:id`, sp, { token, body: { resolutionMinutes: 600 } })).status).toBe(200)
    expect((await call('post', `${SITE}/sla-policies`, site, { token, body: { name: 'None' } })).status).toBe(400)
    expect((await call('delete', `${SITE}/sla-policies/:id`, sp, { token })).status).toBe(204)
    expect((await call('delete', `${SITE}/agents/:agentId`, ag, { token })).status).toBe(204)
    // A ban (of an email nobody here has), listed, refused again while in force, lifted.
    const ban = await call('post', `${SITE}/bans`, site, { token, body: { kind: 'email', email: 'nobody@example.test', reason: 'Spam' } })
    expect(ban.status).toBe(201)
    expect((await call('post', `${SITE}/bans`, site, { token, body: { kind: 'email', email: 'nobody@example.test' } })).status).toBe(409)
    expect((await call('post', `${SITE}/bans`, site, { token, body: { kind: 'ip', network: '10.0.0.0/33' } })).status).toBe(400)
    expect((await call('get', `${SITE}/bans`, site, { token })).body.items).toHaveLength(1)
    expect((await call('delete', `${SITE}/bans/:id`, { ...site, id: ban.body.id as string }, { token })).status).toBe(204)

    expect((await call('get', `${SITE}/settings`, site, { token })).status).toBe(200)
    expect((await call('patch', `${SITE}/settings`, site, { token, body: { widget: { primaryColor: '#123456', holidays: ['2026-12-25'] } } })).status).toBe(200)
    expect((await call('patch', `${SITE}/settings`, site, { token, body: { widget: { primaryColor: 'blue' } } })).status).toBe(400)
    expect((await call('patch', `${SITE}/settings`, site, { token, body: { retention: { mode: 'anonymise', days: 90 } } })).body.retention).toEqual({ mode: 'anonymise', days: 90 })
    expect((await call('patch', `${SITE}/settings`, site, { token, body: { retention: { mode: 'delete', days: 0 } } })).status).toBe(400)
    const someone = await t.s.fx.visitorSession(a.site.id)
    const v = { ...site, visitorId: someone.visitor.id }
    // Contacts: attributes defined, a contact edited (a wrong value refused), a note written, edited, deleted, the inbox filtered.
    const plan = await call('post', `${SITE}/contact-attributes`, site, { token, body: { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] } })
    expect(plan.status).toBe(201)
    expect((await call('post', `${SITE}/contact-attributes`, site, { token, body: { key: 'plan', label: 'Again', type: 'text' } })).status).toBe(409)
    expect((await call('post', `${SITE}/contact-attributes`, site, { token, body: { key: 'seats', label: 'Seats', type: 'number', visitorMaySet: true } })).status).toBe(201)
    expect((await call('get', `${SITE}/contact-attributes`, site, { token })).body.items).toHaveLength(2)
    const pl = { ...site, id: plan.body.id as string }
    expect((await call('patch', `${SITE}/contact-attributes/:id`, pl, { token, body: { options: ['free', 'pro', 'team'] } })).status).toBe(200)
    expect((await call('patch', `${SITE}/visitors/:visitorId`, v, { token, body: { name: 'Ann', company: 'Acme', attributes: { plan: 'pro', seats: 3 } } })).body.attributes).toEqual({ plan: 'pro', seats: 3 })
    expect((await call('patch', `${SITE}/visitors/:visitorId`, v, { token, body: { attributes: { seats: 'three' } } })).status).toBe(400)
    const note = await call('post', `${SITE}/visitors/:visitorId/notes`, v, { token, body: { text: 'Prefers email' } })
    expect(note.status).toBe(201)
    const nt = { ...v, id: note.body.id as string }
    expect((await call('patch', `${SITE}/visitors/:visitorId/notes/:id`, nt, { token, body: { text: 'Prefers email, mornings' } })).status).toBe(200)
    expect((await call('get', `${SITE}/visitors/:visitorId`, v, { token })).body).toMatchObject({ company: 'Acme', notes: [{ text: 'Prefers email, mornings' }] })
    expect((await call('get', `${SITE}/conversations`, site, { token, query: { attribute: 'plan', attributeValue: 'pro' } })).status).toBe(200)
    expect((await call('get', `${SITE}/conversations`, site, { token, query: { attribute: 'seats', attributeMin: 'x' } })).status).toBe(400)
    expect((await call('delete', `${SITE}/visitors/:visitorId/notes/:id`, nt, { token })).status).toBe(204)
    expect((await call('delete', `${SITE}/contact-attributes/:id`, pl, { token })).status).toBe(204)
    expect((await call('get', `${SITE}/visitors/:visitorId/export`, v, { token })).status).toBe(200)
    expect((await call('delete', `${SITE}/visitors/:visitorId`, v, { token })).body).toMatchObject({ visitorId: someone.visitor.id, conversations: 0 })
    expect((await call('delete', `${SITE}/visitors/:visitorId`, v, { token })).status).toBe(404)
    expect((await call('get', `${SITE}/visitors/:visitorId/export`, v, { token })).status).toBe(404)
    expect((await call('get', `${SITE}/identity-secret`, site, { token })).status).toBe(200)
    expect((await call('post', `${SITE}/identity-secret/rotate`, site, { token, body: { graceHours: 1 } })).status).toBe(200)

    const hook = await call('post', `${SITE}/webhooks`, site, { token, body: { url: 'https://hooks.example.test/hook', events: ['message.created'], active: false } })
    expect(hook.status).toBe(201)
    const h = { ...site, id: hook.body.id as string }
    expect((await call('get', `${SITE}/webhooks`, site, { token })).body.items).toHaveLength(1)
    expect((await call('patch', `${SITE}/webhooks/:id`, h, { token, body: { events: ['conversation.created', 'conversation.missed'] } })).status).toBe(200)
    expect((await call('post', `${SITE}/webhooks/:id/test`, h, { token })).status).toBe(202)
    expect((await call('post', `${SITE}/webhooks/:id/secret/rotate`, h, { token, body: { graceHours: 1 } })).body.previousSecretValidUntil).toBeTruthy()
    const log = await call('get', `${SITE}/webhooks/:id/deliveries`, h, { token })
    expect(log.body.items.length).toBeGreaterThan(0)
    const again = await call('post', `${SITE}/webhooks/:id/deliveries/:deliveryId/redeliver`, { ...h, deliveryId: log.body.items[0].id as string }, { token })
    expect(again.body).toMatchObject({ status: 'pending', attempts: 0 })
    expect((await call('post', `${SITE}/webhooks/:id/deliveries/:deliveryId/redeliver`, h, { token })).status).toBe(404)
    expect((await call('post', `${SITE}/webhooks`, site, { token, body: { url: 'ftp://x', events: [] } })).status).toBe(400)
    expect((await call('post', `${SITE}/webhooks`, site, { token, body: { url: 'http://169.254.169.254/latest', events: ['message.created'] } })).body.error.code).toBe('target_not_allowed')
    expect((await call('delete', `${SITE}/webhooks/:id`, h, { token })).status).toBe(204)

    const range = { from: '2026-01-01', to: '2026-01-31' }
    expect((await call('get', `${SITE}/analytics`, site, { token, query: range })).status).toBe(200)
    expect((await call('get', `${SITE}/analytics.csv`, site, { token, query: range })).status).toBe(200)
    expect((await call('get', `${SITE}/analytics`, site, { token, query: { from: '2026-02-01', to: '2026-01-01' } })).status).toBe(400)

    // A plain agent of the site is not an admin.
    const plain = await t.s.fx.agent(a.site.id)
    expect((await call('get', `${SITE}/webhooks`, site, { token: plain.token })).status).toBe(403)
  })

  it('the agency: sites, members, invitations, API keys, audit; and a key calling the platform API', async () => {
    const token = a.owner.token
    expect((await call('get', '/api/agency', {}, { token })).status).toBe(200)
    expect((await call('patch', '/api/agency', {}, { token, body: { name: 'Contract Agency' } })).status).toBe(200)
    expect((await call('get', '/api/agency/sites', {}, { token })).body.items.length).toBeGreaterThanOrEqual(2)
    const created = await call('post', '/api/agency/sites', {}, { token, body: { name: 'Throwaway', domains: ['shop.example'] } })
    expect(created.status).toBe(201)
    expect((await call('delete', '/api/agency/sites/:siteId', { siteId: created.body.id }, { token, body: { confirm: 'wrong name' } })).status).toBeGreaterThanOrEqual(400)
    expect((await call('delete', '/api/agency/sites/:siteId', { siteId: created.body.id }, { token, body: { confirm: 'Throwaway' } })).status).toBe(204)
    const member = await agencyUser(t.s, a.id, 'member')
    const members = await call('get', '/api/agency/members', {}, { token })
    expect(members.body.items.length).toBeGreaterThan(0)
    expect((await call('patch', '/api/agency/members/:userId', { userId: member.userId }, { token, body: { role: 'admin' } })).status).toBe(200)
    expect((await call('patch', '/api/agency/members/:userId', { userId: member.userId }, { token, body: { role: 'emperor' } })).status).toBe(400)

    const invited = await call('post', '/api/agency/invitations', {}, { token, body: { email: `invitee-${crypto.randomUUID()}@example.test`, sites: [{ siteId: a.site.id }] } })
    expect(invited.status).toBe(201)
    const inv = { id: invited.body.invitation.id as string }
    expect((await call('get', '/api/agency/invitations', {}, { token, query: { status: 'all' } })).body.items.length).toBeGreaterThan(0)
    const resent = await call('post', '/api/agency/invitations/:id/resend', inv, { token })
    expect(resent.status).toBe(200)
    const linkToken = (resent.body.link as string).split('/').pop()!
    expect((await call('post', '/api/invitations/lookup', {}, { body: { token: linkToken } })).status).toBe(200)
    expect((await call('delete', '/api/agency/invitations/:id', inv, { token })).status).toBe(204)
    expect((await call('post', '/api/invitations/accept', {}, { body: { token: linkToken, name: 'Too Late', password: 'a long password' } })).status).toBeGreaterThanOrEqual(400)

    const key = await call('post', '/api/agency/api-keys', {}, { token, body: { name: 'Platform', scopes: ['conversations:read', 'audit:read'] } })
    expect(key.status).toBe(201)
    expect((await call('get', '/api/agency/api-keys', {}, { token })).body.items.length).toBeGreaterThan(0)
    expect((await call('post', '/api/agency/api-keys', {}, { token, body: { name: 'No scopes', scopes: [] } })).status).toBe(400)
    const secret = key.body.secret as string
    expect((await call('get', `${SITE}/conversations`, site, { token: secret })).status).toBe(200)
    expect((await call('get', `${SITE}/agents`, site, { token: secret })).status).toBe(403)
    expect((await call('get', '/api/agency/audit', {}, { token: secret, query: { limit: '5' } })).status).toBe(200)
    expect((await call('get', '/api/agency/audit.csv', {}, { token: secret, query: { action: 'auth.' } })).status).toBe(200)
    expect((await call('get', '/api/agency/audit.csv', {}, { token: secret, query: { limit: '5' } })).status).toBe(400)
    expect((await call('delete', '/api/agency/api-keys/:id', { id: key.body.key.id }, { token })).status).toBe(204)
    expect([401, 403]).toContain((await call('get', `${SITE}/conversations`, site, { token: secret })).status)
    expect((await call('delete', '/api/agency/members/:userId', { userId: crypto.randomUUID() }, { token })).status).toBe(404)
    const other = await apiKey(t.s, a.id, { scopes: ['agents:read'] })
    expect((await call('delete', '/api/agency/members/:userId', { userId: member.userId }, { token: other.secret })).status).toBe(403)
    expect((await call('delete', '/api/agency/members/:userId', { userId: member.userId }, { token })).status).toBe(204)
  })

  it('checked many answers, of most operations, and reports how many', () => {
    const operations = new Set(contract.checked.map((c) => c.split(' ').slice(0, 2).join(' ')))
    const unchecked = OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).filter((o) => !operations.has(o))
    console.log(`contract: ${contract.checked.length} answers checked against the document, covering ${operations.size} of ${OPERATIONS.length} operations; not called: ${unchecked.join(', ') || 'none'}`)
    expect(contract.checked.length).toBeGreaterThan(100)
    expect(unchecked).toEqual([])
  })
})

describe('the contract checker', () => {
  it('rejects an answer that differs from the document: a missing field, a wrong type, an unknown field, an unlisted status or media type', () => {
    const message = {
      id: crypto.randomUUID(),
      conversationId: crypto.randomUUID(),
      seq: 1,
      clientId: 'client-0001',
      senderType: 'agent',
      senderId: null,
      senderName: 'Ann',
      type: 'text',
      text: 'Hi',
      attachments: [],
      private: false,
      system: null,
      content: null,
      answer: null,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      rev: 0,
    }
    const path = `${SITE}/conversations/:id/messages`
    const json = 'application/json; charset=utf-8'
    expect(contract.problems('post', path, 201, json, message)).toBeNull()
    const { seq: _seq, ...noSeq } = message
    expect(contract.problems('post', path, 201, json, noSeq)).toMatch(/seq/)
    expect(contract.problems('post', path, 201, json, { ...message, seq: 'one' })).toMatch(/seq/)
    expect(contract.problems('post', path, 201, json, { ...message, senderType: 'robot' })).toMatch(/senderType/)
    expect(contract.problems('post', path, 201, json, { ...message, createdAt: 'yesterday' })).toMatch(/createdAt/)
    expect(contract.problems('post', path, 201, json, { ...message, secret: 'leaked' })).toMatch(/additional/)
    expect(contract.problems('post', path, 202, json, message)).toMatch(/not listed/)
    expect(contract.problems('post', path, 201, 'text/html', message)).toMatch(/not listed/)
    expect(contract.problems('post', path, 400, json, { error: { code: 'teapot', message: 'x' } })).toMatch(/code/)
    expect(contract.problems('post', path, 400, json, { message: 'no envelope' })).not.toBeNull()
    expect(contract.problems('post', `${SITE}/conversations/:id/snooze`, 200, json, {})).toMatch(/no operation/)
  })
})
