// Hostile tenancy over REST: with only site A's credentials (its agents' tokens, its
// visitor's token), aim at site B's ids through every route in REST.md. Every attempt must be
// refused, nothing of B may come back, and B's rows must be exactly as they were.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../helpers.js'
import { identityHash } from '../../src/shared/auth.js'
import { eachCase, expectNoLeak, expectTenantIntact, makeTenant, snapshot, type Tenant } from './tenants.js'

let s: TestServer
let a: Tenant
let b: Tenant
let initial: Awaited<ReturnType<typeof snapshot>>
beforeAll(async () => {
  s = await startServer()
  a = await makeTenant(s, 'a')
  b = await makeTenant(s, 'b')
  initial = await snapshot(s, b)
})
afterAll(() => s.close())

const api = () => request(s.url)
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/**
 * Counted: every request of this file aimed at B or made with B's ids; refused (a 4xx with an error
 * body); leaked (an answer showing any of B's secrets); answered (A's own reads and notes, allowed,
 * none showing B).
 */
const tally = { attempts: 0, refused: 0, leaked: 0, answered: 0 }
afterAll(() => console.log(`hostile: attempts=${tally.attempts} refused=${tally.refused} leaked=${tally.leaked} (A's own requests answered=${tally.answered}, none showing B)`))

/** Runs one attempt; checks that nothing of B came back and that B's rows did not change. */
async function attempt(call: () => request.Test): Promise<request.Response> {
  const before = await snapshot(s, b)
  tally.attempts++
  const res = await call()
  if (b.secrets.some((x) => res.text.includes(x))) tally.leaked++
  if (res.status >= 400 && res.status < 500 && typeof (res.body as { error?: { code?: unknown } })?.error?.code === 'string') tally.refused++
  else tally.answered++
  expectNoLeak(res.text, b)
  await expectTenantIntact(s, b, before)
  return res
}

function expectError(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: { error: { code, message: expect.stringMatching(/\S/) } } })
}

// ------------------------------------------------------------------ the agent routes of REST.md

type Method = 'get' | 'post' | 'patch' | 'delete'
interface Route {
  name: string
  method: Method
  /** The path under /api/sites/:siteId, with the target tenant's ids. */
  path: (t: Tenant) => string
  body?: () => object
  /** Whether the path names a conversation, canned response, agent or webhook. */
  ids: boolean
}

const ROUTES: Route[] = [
  { name: 'GET conversations', method: 'get', path: () => '/conversations', ids: false },
  { name: 'GET conversations/:id', method: 'get', path: (t) => `/conversations/${t.conv}`, ids: true },
  { name: 'PATCH conversations/:id', method: 'patch', path: (t) => `/conversations/${t.conv}`, body: () => ({ priority: 'urgent', tags: ['pwned'], subject: 'pwned' }), ids: true },
  { name: 'POST conversations/:id/assign (to A admin)', method: 'post', path: (t) => `/conversations/${t.conv}/assign`, body: () => ({ agentId: a.admin.id }), ids: true },
  { name: 'POST conversations/:id/assign (to the queue)', method: 'post', path: (t) => `/conversations/${t.conv}/assign`, body: () => ({ agentId: null }), ids: true },
  { name: 'POST conversations/:id/resolve', method: 'post', path: (t) => `/conversations/${t.conv}/resolve`, ids: true },
  { name: 'POST conversations/:id/reopen', method: 'post', path: (t) => `/conversations/${t.resolvedConv}/reopen`, ids: true },
  { name: 'GET conversations/:id/messages', method: 'get', path: (t) => `/conversations/${t.conv}/messages`, ids: true },
  { name: 'GET conversations/:id/messages?after=0', method: 'get', path: (t) => `/conversations/${t.conv}/messages?after=0&limit=200`, ids: true },
  { name: 'GET conversations/:id/messages?before=', method: 'get', path: (t) => `/conversations/${t.resolvedConv}/messages?before=100`, ids: true },
  { name: 'POST conversations/:id/messages', method: 'post', path: (t) => `/conversations/${t.conv}/messages`, body: () => ({ clientId: 'attack-0001', text: 'pwned' }), ids: true },
  { name: 'POST conversations/:id/messages (private note)', method: 'post', path: (t) => `/conversations/${t.conv}/messages`, body: () => ({ clientId: 'attack-0002', text: 'pwned', private: true }), ids: true },
  { name: 'GET canned-responses', method: 'get', path: () => '/canned-responses', ids: false },
  { name: 'POST canned-responses', method: 'post', path: () => '/canned-responses', body: () => ({ title: 'pwned', content: 'pwned', shortcut: 'pwned' }), ids: false },
  { name: 'PATCH canned-responses/:id (shared)', method: 'patch', path: (t) => `/canned-responses/${t.canned}`, body: () => ({ content: 'pwned' }), ids: true },
  { name: 'PATCH canned-responses/:id (personal)', method: 'patch', path: (t) => `/canned-responses/${t.personalCanned}`, body: () => ({ content: 'pwned', isPersonal: false }), ids: true },
  { name: 'DELETE canned-responses/:id (shared)', method: 'delete', path: (t) => `/canned-responses/${t.canned}`, ids: true },
  { name: 'DELETE canned-responses/:id (personal)', method: 'delete', path: (t) => `/canned-responses/${t.personalCanned}`, ids: true },
  { name: 'POST canned-responses/:id/use (shared)', method: 'post', path: (t) => `/canned-responses/${t.canned}/use`, ids: true },
  { name: 'POST canned-responses/:id/use (personal)', method: 'post', path: (t) => `/canned-responses/${t.personalCanned}/use`, ids: true },
  { name: 'GET triggers', method: 'get', path: () => '/triggers', ids: false },
  { name: 'POST triggers', method: 'post', path: () => '/triggers', body: () => ({ name: 'pwned', text: 'pwned' }), ids: false },
  { name: 'PATCH triggers/:id', method: 'patch', path: (t) => `/triggers/${t.trigger}`, body: () => ({ text: 'pwned', enabled: false }), ids: true },
  { name: 'DELETE triggers/:id', method: 'delete', path: (t) => `/triggers/${t.trigger}`, ids: true },
  { name: 'GET teams', method: 'get', path: () => '/teams', ids: false },
  { name: 'POST teams', method: 'post', path: () => '/teams', body: () => ({ name: 'pwned' }), ids: false },
  { name: 'PATCH teams/:id', method: 'patch', path: (t) => `/teams/${t.team}`, body: () => ({ name: 'pwned', agentIds: [] }), ids: true },
  { name: 'DELETE teams/:id', method: 'delete', path: (t) => `/teams/${t.team}`, ids: true },
  { name: 'GET sla-policies', method: 'get', path: () => '/sla-policies', ids: false },
  { name: 'POST sla-policies', method: 'post', path: () => '/sla-policies', body: () => ({ name: 'pwned', priority: 'urgent', firstResponseMinutes: 1 }), ids: false },
  { name: 'PATCH sla-policies/:id', method: 'patch', path: (t) => `/sla-policies/${t.sla}`, body: () => ({ firstResponseMinutes: 1 }), ids: true },
  { name: 'DELETE sla-policies/:id', method: 'delete', path: (t) => `/sla-policies/${t.sla}`, ids: true },
  { name: 'POST conversations/:id/assign (to a team)', method: 'post', path: (t) => `/conversations/${t.conv}/assign`, body: () => ({ teamId: b.team }), ids: true },
  { name: 'GET agents', method: 'get', path: () => '/agents', ids: false },
  { name: 'POST agents', method: 'post', path: () => '/agents', body: () => ({ email: `intruder-${Date.now()}@example.test`, name: 'Intruder', password: 'intruder-password', role: 'admin' }), ids: false },
  { name: 'PATCH agents/:agentId (the admin)', method: 'patch', path: (t) => `/agents/${t.admin.id}`, body: () => ({ role: 'agent', maxConcurrentChats: 0, displayName: 'pwned' }), ids: true },
  { name: 'PATCH agents/:agentId (the plain agent)', method: 'patch', path: (t) => `/agents/${t.agent.id}`, body: () => ({ displayName: 'pwned', acceptNewChats: false, status: 'away' }), ids: true },
  { name: 'GET settings', method: 'get', path: () => '/settings', ids: false },
  { name: 'PATCH settings', method: 'patch', path: () => '/settings', body: () => ({ name: 'pwned', allowedOrigins: ['https://evil.example'] }), ids: false },
  { name: 'GET webhooks', method: 'get', path: () => '/webhooks', ids: false },
  { name: 'POST webhooks', method: 'post', path: () => '/webhooks', body: () => ({ url: 'https://evil.example/hook', events: ['message.created'] }), ids: false },
  { name: 'PATCH webhooks/:id', method: 'patch', path: (t) => `/webhooks/${t.webhook}`, body: () => ({ url: 'https://evil.example/hook', active: true }), ids: true },
  { name: 'DELETE webhooks/:id', method: 'delete', path: (t) => `/webhooks/${t.webhook}`, ids: true },
  { name: 'GET webhooks/:id/deliveries', method: 'get', path: (t) => `/webhooks/${t.webhook}/deliveries`, ids: true },
  { name: 'POST webhooks/:id/test', method: 'post', path: (t) => `/webhooks/${t.webhook}/test`, ids: true },
  { name: 'POST webhooks/:id/deliveries/:deliveryId/redeliver', method: 'post', path: (t) => `/webhooks/${t.webhook}/deliveries/${t.delivery}/redeliver`, ids: true },
  { name: 'POST webhooks/:id/secret/rotate', method: 'post', path: (t) => `/webhooks/${t.webhook}/secret/rotate`, body: () => ({ graceHours: 0 }), ids: true },
  { name: 'GET visitors/:visitorId/export', method: 'get', path: (t) => `/visitors/${t.visitor.id}/export`, ids: true },
  { name: 'DELETE visitors/:visitorId', method: 'delete', path: (t) => `/visitors/${t.visitor.id}`, ids: true },
  { name: 'PATCH settings (retention)', method: 'patch', path: () => '/settings', body: () => ({ retention: { mode: 'delete', days: 1 } }), ids: false },
  { name: 'GET bans', method: 'get', path: () => '/bans', ids: false },
  { name: 'POST bans (every address)', method: 'post', path: () => '/bans', body: () => ({ kind: 'ip', network: '0.0.0.0/0' }), ids: false },
  { name: "POST bans (B's visitor)", method: 'post', path: () => '/bans', body: () => ({ kind: 'visitor', visitorId: b.visitor.id }), ids: true },
  { name: "POST bans (B's visitor's address)", method: 'post', path: () => '/bans', body: () => ({ kind: 'ip', visitorId: b.visitor.id, scope: 'subnet' }), ids: true },
  { name: 'DELETE bans/:id', method: 'delete', path: (t) => `/bans/${t.ban}`, ids: true },
  { name: 'GET contact-attributes', method: 'get', path: () => '/contact-attributes', ids: false },
  { name: 'POST contact-attributes', method: 'post', path: () => '/contact-attributes', body: () => ({ key: 'pwned', label: 'pwned', type: 'text', visitorMaySet: true }), ids: false },
  { name: 'PATCH contact-attributes/:id', method: 'patch', path: (t) => `/contact-attributes/${t.contactAttribute}`, body: () => ({ label: 'pwned', options: ['pwned'], visitorMaySet: true }), ids: true },
  { name: 'DELETE contact-attributes/:id', method: 'delete', path: (t) => `/contact-attributes/${t.contactAttribute}`, ids: true },
  { name: 'GET visitors/:visitorId (the contact)', method: 'get', path: (t) => `/visitors/${t.visitor.id}`, ids: true },
  { name: 'GET visitors/:visitorId (the verified contact)', method: 'get', path: (t) => `/visitors/${t.verified.id}`, ids: true },
  { name: 'PATCH visitors/:visitorId', method: 'patch', path: (t) => `/visitors/${t.visitor.id}`, body: () => ({ name: 'pwned', email: 'pwned@example.org', company: 'pwned', attributes: { nickname: 'pwned' } }), ids: true },
  { name: 'PATCH visitors/:visitorId (clearing values)', method: 'patch', path: (t) => `/visitors/${t.visitor.id}`, body: () => ({ attributes: { tier: null, nickname: null } }), ids: true },
  { name: 'POST visitors/:visitorId/notes', method: 'post', path: (t) => `/visitors/${t.visitor.id}/notes`, body: () => ({ text: 'pwned' }), ids: true },
  { name: 'PATCH visitors/:visitorId/notes/:id', method: 'patch', path: (t) => `/visitors/${t.visitor.id}/notes/${t.note}`, body: () => ({ text: 'pwned' }), ids: true },
  { name: "PATCH visitors/:visitorId/notes/:id (A's visitor, B's note)", method: 'patch', path: (t) => `/visitors/${a.visitor.id}/notes/${t.note}`, body: () => ({ text: 'pwned' }), ids: true },
  { name: 'DELETE visitors/:visitorId/notes/:id', method: 'delete', path: (t) => `/visitors/${t.visitor.id}/notes/${t.note}`, ids: true },
  { name: "DELETE visitors/:visitorId/notes/:id (A's visitor, B's note)", method: 'delete', path: (t) => `/visitors/${a.visitor.id}/notes/${t.note}`, ids: true },
  { name: 'GET mentions', method: 'get', path: () => '/mentions', ids: false },
  { name: 'GET mentions?unread=true', method: 'get', path: () => '/mentions?unread=true&limit=100', ids: false },
  { name: 'POST mentions/:id/read', method: 'post', path: (t) => `/mentions/${t.mention}/read`, ids: true },
]

function send(route: Route, siteId: string, target: Tenant, token?: string): request.Test {
  let req = api()[route.method](`/api/sites/${siteId}${route.path(target)}`)
  if (token) req = req.set(bearer(token))
  const body = route.body?.()
  return body ? req.send(body) : req
}

const who = (role: 'admin' | 'agent') => (role === 'admin' ? a.admin.token : a.agent.token)
const crossSite = ROUTES.flatMap((route) => (['admin', 'agent'] as const).map((role) => ({ name: `A's ${role} calls ${route.name} with B's siteId`, route, role })))

describe('agent REST routes with site B in the path', () => {
  eachCase(crossSite, (n) => `when ${n}, answers 403 forbidden`, async ({ route, role }) => {
    expectError(await attempt(() => send(route, b.site.id, b, who(role))), 403, 'forbidden')
  })

  eachCase(ROUTES, (n) => `when A's visitor token calls ${n}, answers 401 unauthorized`, async (route) => {
    expectError(await attempt(() => send(route, b.site.id, b, a.visitor.token)), 401, 'unauthorized')
  })

  eachCase(ROUTES, (n) => `when ${n} is called with no token at all, answers 401 unauthorized`, async (route) => {
    expectError(await attempt(() => send(route, b.site.id, b)), 401, 'unauthorized')
  })
})

describe("agent REST routes in site A aimed at B's ids", () => {
  const withIds = ROUTES.filter((r) => r.ids)

  eachCase(withIds, (n) => `when A's admin calls ${n} with B's id, answers 404 not_found`, async (route) => {
    expectError(await attempt(() => send(route, a.site.id, b, a.admin.token)), 404, 'not_found')
  })

  eachCase(withIds, (n) => `when A's plain agent calls ${n} with B's id, refuses without saying more`, async (route) => {
    const res = await attempt(() => send(route, a.site.id, b, a.agent.token))
    expect([403, 404]).toContain(res.status)
    expectError(res, res.status, res.status === 403 ? 'forbidden' : 'not_found')
  })

  eachCase([
    { name: "B's admin", agent: () => b.admin.id },
    { name: "B's plain agent", agent: () => b.agent.id },
  ], (n) => `when A's admin assigns A's conversation to ${n}, answers 404 and A's conversation stays as it was`, async ({ agent }) => {
    const mine = () => s.db.inSite(a.site.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: a.conv } }))
    const before = await mine()
    const res = await attempt(() => api().post(`/api/sites/${a.site.id}/conversations/${a.conv}/assign`).set(bearer(a.admin.token)).send({ agentId: agent() }))
    expectError(res, 404, 'not_found')
    expect(await mine()).toEqual(before)
  })
})

describe("site A's teams, pointed at B's", () => {
  const aSite = (method: 'post' | 'patch', path: string, body: object) => () => api()[method](`/api/sites/${a.site.id}${path}`).set(bearer(a.admin.token)).send(body)
  const refusals = [
    { name: "transfers A's conversation to B's team", call: () => aSite('post', `/conversations/${a.conv}/assign`, { teamId: b.team })(), status: 404, code: 'not_found' },
    { name: "puts A's agent in B's team", call: () => aSite('patch', `/agents/${a.agent.id}`, { teamIds: [b.team] })(), status: 400, code: 'invalid_payload' },
    { name: "makes a team of B's agent", call: () => aSite('post', '/teams', { name: 'Mixed', agentIds: [b.agent.id] })(), status: 400, code: 'invalid_payload' },
    { name: "staffs A's team with B's admin", call: () => aSite('patch', `/teams/${a.team}`, { agentIds: [b.admin.id] })(), status: 400, code: 'invalid_payload' },
    { name: "gives a proactive message B's team", call: () => aSite('post', '/triggers', { name: 'x', text: 'x', teamId: b.team })(), status: 400, code: 'invalid_payload' },
    { name: "makes an SLA policy for B's team", call: () => aSite('post', '/sla-policies', { name: 'x', teamId: b.team, firstResponseMinutes: 1 })(), status: 400, code: 'invalid_payload' },
    { name: "points A's SLA policy at B's team", call: () => aSite('patch', `/sla-policies/${a.sla}`, { teamId: b.team })(), status: 400, code: 'invalid_payload' },
    { name: "filters the inbox by B's team", call: () => api().get(`/api/sites/${a.site.id}/conversations?teamId=${b.team}`).set(bearer(a.admin.token)), status: 200, code: '' },
  ]

  eachCase(refusals, (n) => `when A's admin ${n}, is refused (or sees nothing) and nothing of A changes`, async ({ call, status, code }) => {
    const mine = () => s.db.inSite(a.site.id, async (tx) => ({ conv: await tx.conversation.findUniqueOrThrow({ where: { id: a.conv } }), members: await tx.teamMember.findMany({ orderBy: { agentId: 'asc' } }) }))
    const before = await mine()
    const res = await attempt(call)
    if (code) expectError(res, status, code)
    else expect((res.body as { items: unknown[] }).items).toEqual([])
    expect(await mine()).toEqual(before)
  })

  it("when a visitor of another site starts a conversation for B's team (by its id), it is for no team", async () => {
    // A site of its own, so that A's listings below keep their counts.
    const other = await s.fx.site()
    const v = await s.fx.visitorSession(other.id)
    const started = await s.services.conversations.start({ kind: 'visitor', siteId: other.id, visitorId: v.visitor.id }, { clientKey: 'for-b-team-0001', team: b.team })
    const row = await s.db.inSite(other.id, (tx) => tx.conversation.findUniqueOrThrow({ where: { id: started.conversation.id } }))
    expect(row.teamId).toBeNull()
  })
})

describe("site A's private notes naming B's agents", () => {
  eachCase([
    { name: "B's plain agent, bracketed", text: () => `look @[${b.agent.name}]` },
    { name: "B's admin, bare", text: () => `look @${b.admin.name} please` },
  ], (n) => `when A's admin's note names ${n}, nobody is notified (B's mentions unchanged, none in A)`, async ({ text }) => {
    const res = await attempt(() => api().post(`/api/sites/${a.site.id}/conversations/${a.conv}/messages`).set(bearer(a.admin.token)).send({ clientId: `note-${Date.now()}`, text: text(), private: true }))
    expect(res.status).toBe(201)
    const id = (res.body as { id: string }).id
    expect(await s.db.inSite(a.site.id, (tx) => tx.mention.count({ where: { messageId: id } }))).toBe(0)
  })

  it("when A's plain agent reads A's mention under B's site id, answers 403 and the mention stays unread", async () => {
    expectError(await attempt(() => api().post(`/api/sites/${b.site.id}/mentions/${a.mention}/read`).set(bearer(a.agent.token))), 403, 'forbidden')
    expect(await s.db.inSite(a.site.id, (tx) => tx.mention.findUniqueOrThrow({ where: { id: a.mention } }))).toMatchObject({ readAt: null })
  })
})

describe("site A's listings, filtered towards B", () => {
  const aSite = (path: string) => () => api().get(`/api/sites/${a.site.id}${path}`).set(bearer(a.admin.token))
  const reads = [
    { name: "conversations assigned to B's admin", call: () => aSite(`/conversations?agentId=${b.admin.id}`)(), items: 0 },
    { name: "conversations matching B's message text", call: () => aSite(`/conversations?q=${encodeURIComponent(b.texts.first)}`)(), items: 0 },
    { name: "conversations after a cursor made of B's conversation", call: () => aSite(`/conversations?cursor=${Buffer.from(JSON.stringify([new Date().toISOString(), b.conv])).toString('base64url')}`)(), items: 2 },
    { name: "conversations tagged like B's", call: () => aSite('/conversations?tag=vip&status=pending,active,resolved,closed')(), items: 1 },
    { name: "canned responses matching B's content", call: () => aSite(`/canned-responses?q=${encodeURIComponent(b.texts.canned)}`)(), items: 0 },
    { name: 'canned responses, all of them', call: () => aSite('/canned-responses')(), items: 1 },
    { name: 'agents', call: () => aSite('/agents')(), items: 2 },
    { name: 'bans', call: () => aSite('/bans')(), items: 1 },
    { name: 'contact attributes', call: () => aSite('/contact-attributes')(), items: 2 },
    { name: "conversations whose contact has B's attribute value", call: () => aSite(`/conversations?attribute=nickname&attributeValue=${encodeURIComponent(b.values.nickname)}`)(), items: 0 },
    { name: 'conversations whose contact has any tier (the key B has too)', call: () => aSite('/conversations?attribute=tier&status=pending,active,resolved,closed')(), items: 2 },
    { name: "mentions (A's plain agent's own)", call: () => api().get(`/api/sites/${a.site.id}/mentions`).set(bearer(a.agent.token)), items: 1 },
    { name: "mentions (A's admin's: none)", call: () => aSite('/mentions')(), items: 0 },
  ]

  eachCase(reads, (n) => `when listing ${n}, returns only site A rows`, async ({ call, items }) => {
    const res = await attempt(call)
    expect(res.status).toBe(200)
    const got = (res.body as { items: { siteId: string }[] }).items
    expect(got).toHaveLength(items)
    expect(got.every((i) => i.siteId === a.site.id)).toBe(true)
  })

  it("when A's admin reads /auth/me or logs in, only site A is listed", async () => {
    const me = await attempt(() => api().get('/api/auth/me').set(bearer(a.admin.token)))
    expect(me.status).toBe(200)
    expect((me.body as { sites: { siteId: string }[] }).sites.map((x) => x.siteId)).toEqual([a.site.id])
    const login = await attempt(() => api().post('/api/auth/login').send({ email: a.admin.email, password: a.admin.password }))
    expect(login.status).toBe(200)
    expect((login.body as { sites: { siteId: string }[] }).sites.map((x) => x.siteId)).toEqual([a.site.id])
  })
})

describe("contacts merged across sites: never", () => {
  const identify = (siteId: string, secret: string, token: string) => {
    const identity = { userId: b.verified.user, hash: identityHash(secret, b.verified.user), email: b.verified.email }
    return api().post(`/api/sites/${siteId}/visitor-sessions`).send({ token, identity })
  }

  it("when a visitor of A identifies on site A as B's verified user (B's user id and email, signed with A's secret), they stay A's contact and B's contact is untouched", async () => {
    // A visitor of its own: the session echoes the identity it was given (the attacker's own input), so no leak check on this answer.
    const fresh = await s.fx.visitorSession(a.site.id)
    const before = await snapshot(s, b)
    const res = await identify(a.site.id, a.site.identitySecret, fresh.token)
    expect(res.status).toBe(201)
    expect((res.body as { visitor: { id: string; siteId: string } }).visitor).toMatchObject({ id: fresh.visitor.id, siteId: a.site.id })
    await expectTenantIntact(s, b, before)
    const merged = await s.db.inSite(a.site.id, (tx) => tx.visitor.count({ where: { mergedIntoId: { not: null } } }))
    expect(merged).toBe(0)
  })

  it("when A's visitor asks site B for a session as B's verified user with a hash made with A's secret, answers 401 identity_invalid", async () => {
    expectError(await attempt(() => identify(b.site.id, a.site.identitySecret, a.visitor.token)), 401, 'identity_invalid')
  })
})

describe('visitor REST routes with A\'s visitor token', () => {
  const messages = [
    { name: "B's active conversation", path: () => `/api/visitor/conversations/${b.conv}/messages` },
    { name: "B's active conversation, after=0", path: () => `/api/visitor/conversations/${b.conv}/messages?after=0&limit=200` },
    { name: "B's active conversation, before=100", path: () => `/api/visitor/conversations/${b.conv}/messages?before=100` },
    { name: "B's resolved conversation", path: () => `/api/visitor/conversations/${b.resolvedConv}/messages` },
  ]

  eachCase(messages, (n) => `when reading the messages of ${n}, answers 404 not_found`, async ({ path }) => {
    expectError(await attempt(() => api().get(path()).set(bearer(a.visitor.token))), 404, 'not_found')
  })

  it("when reading /visitor/me and /visitor/conversations, returns only A's visitor and conversations", async () => {
    const me = await attempt(() => api().get('/api/visitor/me').set(bearer(a.visitor.token)))
    expect(me.body).toMatchObject({ id: a.visitor.id, siteId: a.site.id })
    const list = await attempt(() => api().get('/api/visitor/conversations').set(bearer(a.visitor.token)))
    expect((list.body as { items: { id: string }[] }).items.map((c) => c.id).sort()).toEqual([a.conv, a.resolvedConv].sort())
  })

  eachCase([
    { name: 'GET /api/visitor/me', path: '/api/visitor/me' },
    { name: 'GET /api/visitor/conversations', path: '/api/visitor/conversations' },
    { name: "GET /api/visitor/conversations/:id/messages of B's conversation", path: '' },
  ], (n) => `when A's agent token calls ${n}, answers 401 unauthorized`, async ({ path }) => {
    const url = path || `/api/visitor/conversations/${b.conv}/messages`
    expectError(await attempt(() => api().get(url).set(bearer(a.admin.token))), 401, 'unauthorized')
  })

  it("when A's visitor token asks site B for a session, never comes back as A's visitor", async () => {
    const res = await attempt(() => api().post(`/api/sites/${b.site.id}/visitor-sessions`).send({ token: a.visitor.token }))
    if (res.status !== 201) return expectError(res, res.status, (res.body as { error: { code: string } }).error.code)
    const session = res.body as { token: string; visitor: { id: string; siteId: string } }
    expect(session.visitor.id).not.toBe(a.visitor.id)
    expect(session.visitor.id).not.toBe(b.visitor.id)
    expect(session.visitor.siteId).toBe(b.site.id)
    // The new visitor of B sees none of B's existing conversations, and none of A's.
    const list = await attempt(() => api().get('/api/visitor/conversations').set(bearer(session.token)))
    expect(list.body).toEqual({ items: [] })
    expectNoLeak(list.text, a)
    const mine = await attempt(() => api().get(`/api/visitor/conversations/${a.conv}/messages`).set(bearer(session.token)))
    expectError(mine, 404, 'not_found')
  })

  it("when a page on A's origin asks for B's widget or a session of B, answers 403 origin_not_allowed", async () => {
    expectError(await attempt(() => api().get(`/api/sites/${b.site.id}/widget`).set('Origin', a.origin)), 403, 'origin_not_allowed')
    const session = await attempt(() => api().post(`/api/sites/${b.site.id}/visitor-sessions`).set('Origin', a.origin).send({ token: a.visitor.token }))
    expectError(session, 403, 'origin_not_allowed')
  })

  it("when anyone reads B's public widget config, it exposes no secret", async () => {
    const res = await attempt(() => api().get(`/api/sites/${b.site.id}/widget`).set('Origin', b.origin))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ siteId: b.site.id })
    for (const key of ['identitySecret', 'allowedOrigins', 'agents', 'email', 'name']) expect(res.body).not.toHaveProperty(key)
    expect(res.text).not.toMatch(/@example\.test/)
  })
})

describe("the anonymous trigger beacon aimed at B's triggers", () => {
  it("when a trigger of B is counted under A's site id, answers 404 and B's counter stays", async () => {
    expectError(await attempt(() => api().post(`/api/sites/${a.site.id}/triggers/${b.trigger}/shown`)), 404, 'not_found')
  })

  it("when A's visitor starts a conversation in A naming B's trigger, nothing of B is stored or shown", async () => {
    const va = { kind: 'visitor' as const, siteId: a.site.id, visitorId: a.visitor.id }
    const started = await s.services.conversations.start(va, { clientKey: `key-a-trigger-${Date.now()}`, triggerId: b.trigger, message: { clientId: 'cid-a-trigger-1', text: 'hi' } })
    expect(started.messages.map((m) => m.text)).toEqual(['hi'])
    await expectTenantIntact(s, b, await snapshot(s, b))
  })
})

describe('site B after every attack', () => {
  it('counts: every attempt was refused or answered with A\'s own rows only, and nothing leaked', () => {
    expect(tally.attempts).toBeGreaterThan(0)
    expect({ accounted: tally.refused + tally.answered, leaked: tally.leaked }).toEqual({ accounted: tally.attempts, leaked: 0 })
  })

  it('when all the attacks above are done, B still has its conversations, messages, agents and canned responses', async () => {
    await expectTenantIntact(s, b, initial)
    const now = await snapshot(s, b)
    expect(now.messages.some((m) => m.content === 'pwned')).toBe(false)
    expect(now.cannedResponses.map((c) => c.content).sort()).toEqual([b.texts.canned, b.texts.personal].sort())
    expect(now.site?.name).not.toBe('pwned')
    expect(now.site?.allowedOrigins).toEqual([b.origin])
    expect(now.agents.map((x) => [x.role, x.maxConcurrentChats, x.displayName]).sort()).toEqual([['admin', 5, null], ['agent', 5, null]])
  })
})
