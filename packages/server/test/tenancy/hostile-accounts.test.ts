// Hostile tenancy over the accounts routes: agency X's owner, admin, site admin (an agency member)
// and plain agent aim the invitations, API keys, audit log and sessions routes at agency Y's ids;
// spent, revoked, expired and forged invitation, reset and setup links are refused; and the
// session events of X's changes never reach Y's sockets. Every attempt must be refused, nothing
// of Y may come back, and Y's rows (agency, sites, people, sessions, memberships, conversations,
// invitations, API keys, audit log) must be exactly as they were. Prints its counts.
import crypto from 'node:crypto'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AgentSession, AuditEvent } from '@live-chat/protocol'
import { connectRaw, rawSocket, startServer, type TestServer } from '../helpers.js'
import { agencySnapshot, attacker, eachCase, makeAgencyTenant, type AgencyTenant } from './tenants.js'

let s: TestServer
let x: AgencyTenant
let y: AgencyTenant
/** Y's rows the attacks aim at. */
const yIds = { invitation: '', apiKey: '', session: '' }
/** Y's links that must no longer work, by what happened to them. */
const links = { accepted: '', revoked: '', expired: '', resetUsed: '', resetExpired: '', setupSpent: '' }

const tokenOf = (link: string | undefined) => link!.split(/#(?:invite|reset|setup)\//)[1]!

beforeAll(async () => {
  s = await startServer()
  x = await makeAgencyTenant(s, 'x')
  y = await makeAgencyTenant(s, 'y')
  const yOwner = await s.services.agency.authenticate(y.owner.token)
  // A pending invitation of Y, and one accepted, one revoked, one expired (their links kept).
  const pending = await s.services.invitations.create(yOwner, { email: `pending-${crypto.randomUUID()}@example.test`, role: 'member', sites: [{ siteId: y.main.id, role: 'agent' }] })
  yIds.invitation = pending.invitation!.id
  const accepted = await s.services.invitations.create(yOwner, { email: `accepted-${crypto.randomUUID()}@example.test`, role: 'member', sites: [{ siteId: y.main.id, role: 'agent' }] })
  links.accepted = tokenOf(accepted.link)
  await s.services.invitations.accept({ token: links.accepted, name: 'Accepted', password: 'accepted password' }, {})
  const revoked = await s.services.invitations.create(yOwner, { email: `revoked-${crypto.randomUUID()}@example.test`, role: 'member', sites: [] })
  links.revoked = tokenOf(revoked.link)
  await s.services.invitations.revoke(yOwner, revoked.invitation!.id)
  const expired = await s.services.invitations.create(yOwner, { email: `expired-${crypto.randomUUID()}@example.test`, role: 'member', sites: [] })
  links.expired = tokenOf(expired.link)
  // Y's API key and one of its people's sessions.
  yIds.apiKey = (await s.services.apiKeys.create(yOwner, { name: 'Y key', siteId: null, scopes: ['sites:read'] })).key.id
  yIds.session = y.agent.sessionId
  // A used reset link and an expired one of Y's agent; a spent setup link.
  const used = await s.services.passwords.resetLink(y.siteAdmin.email, null)
  links.resetUsed = tokenOf(used.link)
  await s.services.passwords.reset(links.resetUsed, 'a brand new password', {})
  links.resetExpired = tokenOf((await s.services.passwords.resetLink(y.agent.email, null)).link)
  const owner = new pg.Client({ connectionString: inject('databaseUrl') })
  await owner.connect()
  try {
    await owner.query('UPDATE invitations SET expires_at = now() - interval \'1 minute\' WHERE id = $1', [expired.invitation!.id])
    await owner.query('UPDATE password_resets SET expires_at = now() - interval \'1 minute\' WHERE user_id = $1 AND used_at IS NULL', [y.agent.userId])
    const setupId = crypto.randomUUID()
    const secret = crypto.randomBytes(32).toString('base64url')
    await owner.query('INSERT INTO setup_tokens (id, token_hash, used_at) VALUES ($1, $2, now())', [setupId, crypto.createHash('sha256').update(secret).digest('hex')])
    links.setupSpent = `${setupId}.${secret}`
  } finally {
    await owner.end()
  }
  // The reset ended the site admin's sessions: sign them in again for the agency tenant's token.
  const again = await request(s.url).post('/api/auth/login').send({ email: y.siteAdmin.email, password: 'a brand new password' })
  y.siteAdmin.token = (again.body as AgentSession).token
}, 90_000)

afterAll(async () => {
  console.log(`hostile-accounts: attempts=${tally.attempts} refused=${tally.refused} leaked=${tally.leaked} (lists read=${tally.lists}, none showing Y)`)
  await s?.close()
})

type Who = 'owner' | 'admin' | 'siteAdmin' | 'agent'
const PEOPLE: Who[] = ['owner', 'admin', 'siteAdmin', 'agent']
type Method = 'get' | 'post' | 'patch' | 'delete'

const hostile = attacker(() => agencySnapshot(s, y), () => [...y.secrets, ...Object.values(yIds)])
const { attack, leaks, tally } = hostile

const as = (who: Who) => (method: Method, path: string, body?: object) => {
  const req = request(s.url)[method](path).set('Authorization', `Bearer ${x[who].token}`)
  return body ? req.send(body) : req
}

interface Route {
  name: string
  method: Method
  path: () => string
  body?: () => object
  statuses: Record<Who, number[]>
}
const agencyAdmins = (theirs: number[], others: number[]): Record<Who, number[]> => ({ owner: theirs, admin: theirs, siteAdmin: others, agent: others })

const ROUTES: Route[] = [
  { name: "POST /api/agency/invitations/:id/resend (Y's invitation)", method: 'post', path: () => `/api/agency/invitations/${yIds.invitation}/resend`, statuses: agencyAdmins([404], [403, 404]) },
  { name: "DELETE /api/agency/invitations/:id (Y's invitation)", method: 'delete', path: () => `/api/agency/invitations/${yIds.invitation}`, statuses: agencyAdmins([404], [403, 404]) },
  { name: "POST /api/agency/invitations (to Y's site)", method: 'post', path: () => '/api/agency/invitations', body: () => ({ email: `intruder-${crypto.randomUUID()}@example.test`, role: 'member', sites: [{ siteId: y.main.id, role: 'admin' }] }), statuses: agencyAdmins([404], [403, 404]) },
  { name: "POST /api/agency/invitations (Y's owner's email)", method: 'post', path: () => '/api/agency/invitations', body: () => ({ email: y.owner.email, role: 'member', sites: [{ siteId: x.main.id, role: 'agent' }] }), statuses: agencyAdmins([409], [403, 409]) },
  { name: "DELETE /api/agency/api-keys/:id (Y's key)", method: 'delete', path: () => `/api/agency/api-keys/${yIds.apiKey}`, statuses: agencyAdmins([404], [403]) },
  { name: "POST /api/agency/api-keys (for Y's site)", method: 'post', path: () => '/api/agency/api-keys', body: () => ({ name: 'intruder', siteId: y.main.id, scopes: ['conversations:read'] }), statuses: agencyAdmins([404], [403]) },
  { name: "DELETE /api/auth/sessions/:sessionId (Y's agent's session)", method: 'delete', path: () => `/api/auth/sessions/${yIds.session}`, statuses: agencyAdmins([404], [404]) },
  { name: "PATCH /api/agency (X's own agency, by a member)", method: 'patch', path: () => '/api/agency', body: () => ({ name: 'pwned', requireTwoFactor: true }), statuses: { owner: [], admin: [], siteAdmin: [403], agent: [403] } },
]

const cases = ROUTES.flatMap((route) => PEOPLE.filter((who) => route.statuses[who].length > 0).map((who) => ({ name: `X's ${who} calls ${route.name}`, route, who })))

describe("accounts routes aimed at agency Y's ids", () => {
  eachCase(cases, (n) => `when ${n}, refuses it and Y stays as it was`, async ({ route, who }) => {
    await attack(() => as(who)(route.method, route.path(), route.body?.()), route.statuses[who])
  })
})

describe("X's audit log, filtered towards Y", () => {
  const reads = [
    { name: "events of Y's site", query: () => `siteId=${y.main.id}` },
    { name: "events by Y's owner", query: () => `actorId=${y.owner.userId}` },
    { name: 'sign-ins, all of them', query: () => 'action=auth.' },
  ]
  eachCase(
    reads.flatMap((r) => (['owner', 'admin'] as const).map((who) => ({ ...r, who, name: `${who} lists ${r.name}` }))),
    (n) => `X's ${n}: only X's events, nothing of Y (JSON and CSV)`,
    async ({ query, who }) => {
      tally.lists += 2
      const res = await as(who)('get', `/api/agency/audit?${query()}`)
      expect(res.status).toBe(200)
      expect(leaks(res)).toEqual([])
      const agencyOfEvent = await Promise.all((res.body.items as AuditEvent[]).map((e) => s.db.inAgency(x.agency.id, (tx) => tx.auditEvent.count({ where: { id: e.id } }))))
      expect(agencyOfEvent.every((n) => n === 1)).toBe(true)
      const csv = await as(who)('get', `/api/agency/audit.csv?${query()}`)
      expect(csv.status).toBe(200)
      expect(leaks(csv)).toEqual([])
    },
  )
  eachCase((['siteAdmin', 'agent'] as const).map((who) => ({ name: who, who })), (n) => `X's ${n} may not read the audit log at all`, async ({ who }) => {
    await attack(() => as(who)('get', '/api/agency/audit'), [403])
    await attack(() => as(who)('get', '/api/agency/audit.csv'), [403])
  })
})

describe("Y's spent, revoked, expired and forged links", () => {
  const forge = (token: string) => `${token.split('.')[0]}.${crypto.randomBytes(32).toString('base64url')}`
  const cases = [
    { name: 'an accepted invitation, accepted again', call: () => request(s.url).post('/api/invitations/accept').send({ token: links.accepted, name: 'Again', password: 'another password' }), statuses: [409] },
    { name: 'an accepted invitation, looked up', call: () => request(s.url).post('/api/invitations/lookup').send({ token: links.accepted }), statuses: [409] },
    { name: 'a revoked invitation, accepted', call: () => request(s.url).post('/api/invitations/accept').send({ token: links.revoked, name: 'Revoked', password: 'another password' }), statuses: [409] },
    { name: 'an expired invitation, accepted', call: () => request(s.url).post('/api/invitations/accept').send({ token: links.expired, name: 'Expired', password: 'another password' }), statuses: [409] },
    { name: 'an invitation id with a forged secret', call: () => request(s.url).post('/api/invitations/accept').send({ token: forge(links.expired), name: 'Forged', password: 'another password' }), statuses: [404] },
    { name: 'a used reset link', call: () => request(s.url).post('/api/auth/password/reset').send({ token: links.resetUsed, password: 'taken over password' }), statuses: [409] },
    { name: 'an expired reset link', call: () => request(s.url).post('/api/auth/password/reset').send({ token: links.resetExpired, password: 'taken over password' }), statuses: [409] },
    { name: 'a reset id with a forged secret', call: () => request(s.url).post('/api/auth/password/reset').send({ token: forge(links.resetExpired), password: 'taken over password' }), statuses: [404] },
    { name: 'a reset link given as an invitation', call: () => request(s.url).post('/api/invitations/accept').send({ token: links.resetExpired, name: 'Crossed', password: 'another password' }), statuses: [404] },
    { name: 'a spent setup link', call: () => request(s.url).post('/api/setup').send({ token: links.setupSpent, name: 'Mallory', email: `mallory-${crypto.randomUUID()}@example.test`, password: 'mallory password', agencyName: 'Evil', siteName: 'Evil', domains: [] }), statuses: [409] },
    { name: 'a forged setup link', call: () => request(s.url).post('/api/setup/verify').send({ token: forge(links.setupSpent) }), statuses: [404, 409] },
  ]
  eachCase(cases, (n) => `when ${n}, refuses it and Y stays as it was`, async ({ call, statuses }) => {
    await attack(call, statuses)
  })
})

describe('session events', () => {
  it("X's removals, role changes and sign-outs never reach Y's sockets", async () => {
    const ySocket = await connectRaw(rawSocket(s.url, '/agent', { token: y.agent.token, siteId: y.main.id }))
    const heard: string[] = []
    ySocket.onAny((event: string) => event.startsWith('session:') && heard.push(event))
    let dropped = false
    ySocket.on('disconnect', () => (dropped = true))
    try {
      const xAgentSocket = await connectRaw(rawSocket(s.url, '/agent', { token: x.agent.token, siteId: x.main.id }))
      const xDropped = new Promise<void>((resolve) => xAgentSocket.on('disconnect', () => resolve()))
      // X's site admin makes X's agent an admin, X's owner removes them from the site, X's admin signs out.
      expect((await as('siteAdmin')('patch', `/api/sites/${x.main.id}/agents/${x.ids.agent}`, { role: 'admin' })).status).toBe(200)
      await xDropped
      expect((await as('owner')('delete', `/api/sites/${x.main.id}/agents/${x.ids.agent}`)).status).toBe(204)
      expect((await as('admin')('post', '/api/auth/logout')).status).toBe(204)
      // Y's socket heard nothing and is still there; a round trip proves the server still serves it.
      const ack = (await ySocket.timeout(5_000).emitWithAck('presence:list', {})) as { ok: boolean }
      expect(ack.ok).toBe(true)
      expect({ heard, dropped }).toEqual({ heard: [], dropped: false })
      xAgentSocket.close()
    } finally {
      ySocket.close()
    }
  })

  it('counts: every attempt was refused and nothing leaked', () => {
    expect(tally.attempts).toBeGreaterThan(0)
    expect({ refused: tally.refused, leaked: tally.leaked }).toEqual({ refused: tally.attempts, leaked: 0 })
  })
})
