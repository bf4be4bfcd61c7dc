// Hostile tenancy over the agency routes (sites, members, a site's team, the identity secret):
// agency X's owner, admin, site admin (an agency member) and plain agent aim every one of them at
// agency Y's ids. Every attempt must be refused, nothing of Y may come back, and Y's rows (its
// agency, sites and secrets, people, sessions, memberships, conversations, canned responses and
// audit log) must be exactly as they were. Agents raising their own role are refused too, and a
// member's list of sites is theirs alone. The file prints its counts (attempts, refused, leaked).
import crypto from 'node:crypto'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgencySite, Member } from '@live-chat/protocol'
import { startServer, type TestServer } from '../helpers.js'
import { agencySnapshot, attacker, eachCase, makeAgencyTenant, type AgencyTenant } from './tenants.js'

let s: TestServer
let x: AgencyTenant
let y: AgencyTenant
const hostile = attacker(() => agencySnapshot(s, y), () => y.secrets)
const tally = hostile.tally
beforeAll(async () => {
  s = await startServer()
  x = await makeAgencyTenant(s, 'x')
  y = await makeAgencyTenant(s, 'y')
})
afterAll(async () => {
  console.log(`hostile-agency: attempts=${tally.attempts} refused=${tally.refused} leaked=${tally.leaked} (lists read=${tally.lists}, none showing Y)`)
  await s?.close()
})

type Who = 'owner' | 'admin' | 'siteAdmin' | 'agent'
const PEOPLE: Who[] = ['owner', 'admin', 'siteAdmin', 'agent']
type Method = 'get' | 'post' | 'patch' | 'delete'

function call(method: Method, path: string, token: string, body?: object): request.Test {
  const req = request(s.url)[method](path).set('Authorization', `Bearer ${token}`)
  return body ? req.send(body) : req
}

/** One attack: refused with one of `statuses` (an error body), nothing of Y in the answer, Y's rows unchanged. */
const attack = (method: Method, path: string, token: string, body: object | undefined, statuses: number[]) => hostile.attack(() => call(method, path, token, body), statuses)
const { leaks } = hostile

interface Route {
  name: string
  method: Method
  path: () => string
  body?: () => object
  /** What each of X's people gets (one status, or any of several). */
  expect: Record<Who, number[]>
}

const admins = (agency: number, others: number): Record<Who, number[]> => ({ owner: [agency], admin: [agency], siteAdmin: [others], agent: [others] })
const all = (status: number): Record<Who, number[]> => ({ owner: [status], admin: [status], siteAdmin: [status], agent: [status] })

const ROUTES: Route[] = [
  // The agency routes, with Y's ids: X's owners and admins do not find them, X's members may not ask.
  { name: "DELETE /api/agency/sites/:siteId (Y's main site, its name to confirm)", method: 'delete', path: () => `/api/agency/sites/${y.main.id}`, body: () => ({ confirm: y.main.name }), expect: admins(404, 403) },
  { name: "DELETE /api/agency/sites/:siteId (Y's second site)", method: 'delete', path: () => `/api/agency/sites/${y.second.id}`, body: () => ({ confirm: y.second.name }), expect: admins(404, 403) },
  { name: "PATCH /api/agency/members/:userId (Y's owner to member)", method: 'patch', path: () => `/api/agency/members/${y.owner.userId}`, body: () => ({ role: 'member' }), expect: admins(404, 403) },
  { name: "PATCH /api/agency/members/:userId (Y's agent to owner)", method: 'patch', path: () => `/api/agency/members/${y.agent.userId}`, body: () => ({ role: 'owner' }), expect: { owner: [404], admin: [403, 404], siteAdmin: [403], agent: [403] } },
  { name: "PATCH /api/agency/members/:userId (Y's site admin to admin)", method: 'patch', path: () => `/api/agency/members/${y.siteAdmin.userId}`, body: () => ({ role: 'admin' }), expect: admins(404, 403) },
  { name: "DELETE /api/agency/members/:userId (Y's owner)", method: 'delete', path: () => `/api/agency/members/${y.owner.userId}`, expect: admins(404, 403) },
  { name: "DELETE /api/agency/members/:userId (Y's agent)", method: 'delete', path: () => `/api/agency/members/${y.agent.userId}`, expect: admins(404, 403) },
  // Y's site in the path: nobody of X is a member of it.
  { name: "GET /api/sites/:siteId/identity-secret (Y's site)", method: 'get', path: () => `/api/sites/${y.main.id}/identity-secret`, expect: all(403) },
  { name: "POST /api/sites/:siteId/identity-secret/rotate (Y's site)", method: 'post', path: () => `/api/sites/${y.main.id}/identity-secret/rotate`, body: () => ({ graceHours: 0 }), expect: all(403) },
  { name: "GET /api/sites/:siteId/identity-secret (Y's second site)", method: 'get', path: () => `/api/sites/${y.second.id}/identity-secret`, expect: all(403) },
  { name: "DELETE /api/sites/:siteId/agents/:agentId (Y's site, Y's agent)", method: 'delete', path: () => `/api/sites/${y.main.id}/agents/${y.ids.agent}`, expect: all(403) },
  { name: "PATCH /api/sites/:siteId/agents/:agentId (Y's site, Y's agent to admin)", method: 'patch', path: () => `/api/sites/${y.main.id}/agents/${y.ids.agent}`, body: () => ({ role: 'admin' }), expect: all(403) },
  { name: "POST /api/sites/:siteId/agents (Y's site, a new account)", method: 'post', path: () => `/api/sites/${y.main.id}/agents`, body: () => ({ email: `intruder-${crypto.randomUUID()}@example.test`, name: 'Intruder', password: 'intruder password', role: 'admin' }), expect: all(403) },
  { name: "GET /api/sites/:siteId/agents (Y's site)", method: 'get', path: () => `/api/sites/${y.main.id}/agents`, expect: all(403) },
  { name: "GET /api/sites/:siteId/settings (Y's site)", method: 'get', path: () => `/api/sites/${y.main.id}/settings`, expect: all(403) },
  { name: "PATCH /api/sites/:siteId/settings (Y's site)", method: 'patch', path: () => `/api/sites/${y.main.id}/settings`, body: () => ({ name: 'pwned', allowedOrigins: ['https://evil.example'] }), expect: all(403) },
  // X's own site in the path, Y's ids in it: not found there (a plain agent may not ask at all).
  { name: "DELETE /api/sites/:siteId/agents/:agentId (X's site, Y's agent)", method: 'delete', path: () => `/api/sites/${x.main.id}/agents/${y.ids.agent}`, expect: { owner: [404], admin: [404], siteAdmin: [404], agent: [403] } },
  { name: "DELETE /api/sites/:siteId/agents/:agentId (X's site, Y's owner)", method: 'delete', path: () => `/api/sites/${x.main.id}/agents/${y.ids.owner}`, expect: { owner: [404], admin: [404], siteAdmin: [404], agent: [403] } },
  { name: "PATCH /api/sites/:siteId/agents/:agentId (X's site, Y's agent to admin)", method: 'patch', path: () => `/api/sites/${x.main.id}/agents/${y.ids.agent}`, body: () => ({ role: 'admin', displayName: 'pwned' }), expect: { owner: [404], admin: [404], siteAdmin: [404], agent: [403] } },
  { name: "PATCH /api/sites/:siteId/agents/:agentId (X's site, Y's site admin's name)", method: 'patch', path: () => `/api/sites/${x.main.id}/agents/${y.ids.siteAdmin}`, body: () => ({ displayName: 'pwned' }), expect: { owner: [404], admin: [404], siteAdmin: [404], agent: [403] } },
  { name: "POST /api/sites/:siteId/agents (X's site, Y's agent's email)", method: 'post', path: () => `/api/sites/${x.main.id}/agents`, body: () => ({ email: y.agent.email, name: 'Taken' }), expect: { owner: [409], admin: [409], siteAdmin: [409], agent: [403] } },
  { name: "POST /api/sites/:siteId/agents (X's site, Y's owner's email)", method: 'post', path: () => `/api/sites/${x.main.id}/agents`, body: () => ({ email: y.owner.email, name: 'Taken', role: 'admin' }), expect: { owner: [409], admin: [409], siteAdmin: [409], agent: [403] } },
]

const cases = ROUTES.flatMap((route) => PEOPLE.map((who) => ({ name: `X's ${who} calls ${route.name}`, route, who })))

describe("agency routes aimed at agency Y's ids", () => {
  eachCase(cases, (n) => `when ${n}, refuses it and Y stays as it was`, async ({ route, who }) => {
    await attack(route.method, route.path(), x[who].token, route.body?.(), route.expect[who])
  })
})

describe('raising your own role', () => {
  const xSnapshot = () => agencySnapshot(s, x)
  eachCase([
    { name: "X's agent makes themselves a site admin", who: 'agent' as Who, method: 'patch' as Method, path: () => `/api/sites/${x.main.id}/agents/${x.ids.agent}`, body: { role: 'admin' } },
    { name: "X's agent makes themselves an agency admin", who: 'agent' as Who, method: 'patch' as Method, path: () => `/api/agency/members/${x.agent.userId}`, body: { role: 'admin' } },
    { name: "X's site admin makes themselves an agency admin", who: 'siteAdmin' as Who, method: 'patch' as Method, path: () => `/api/agency/members/${x.siteAdmin.userId}`, body: { role: 'admin' } },
    { name: "X's admin makes themselves an owner", who: 'admin' as Who, method: 'patch' as Method, path: () => `/api/agency/members/${x.admin.userId}`, body: { role: 'owner' } },
    { name: "X's admin demotes X's owner", who: 'admin' as Who, method: 'patch' as Method, path: () => `/api/agency/members/${x.owner.userId}`, body: { role: 'member' } },
    { name: "X's site admin removes X's owner from the main site", who: 'siteAdmin' as Who, method: 'delete' as Method, path: () => `/api/sites/${x.main.id}/agents/${x.ids.owner}`, body: undefined },
  ], (n) => `when ${n}, refuses it and X's rows stay as they were`, async ({ who, method, path, body }) => {
    const before = await xSnapshot()
    const res = await attack(method, path(), x[who].token, body, [403, 409])
    expect(res.body.error.code).toMatch(/^(forbidden|invalid_state)$/)
    expect(await xSnapshot()).toEqual(before)
  })
})

describe('what X’s people may list', () => {
  /** A list read: nothing of Y in it. */
  async function read(path: string, who: Who): Promise<request.Response> {
    tally.lists++
    const res = await call('get', path, x[who].token)
    expect(leaks(res), `leaked ${y.label}'s data`).toEqual([])
    return res
  }

  eachCase(PEOPLE.map((who) => ({ name: who, who })), (n) => `X's ${n} lists the agency's sites: theirs (all of X's for owners and admins), none of Y's`, async ({ who }) => {
    const res = await read('/api/agency/sites', who)
    expect(res.status).toBe(200)
    const expected = who === 'owner' || who === 'admin' ? [x.main.id, x.second.id] : [x.main.id]
    expect((res.body.items as AgencySite[]).map((site) => site.id)).toEqual(expected)
  })

  eachCase(PEOPLE.map((who) => ({ name: who, who })), (n) => `X's ${n} lists the members: X's people only, and only for owners and admins`, async ({ who }) => {
    const res = await read('/api/agency/members', who)
    if (who === 'owner' || who === 'admin') {
      expect(res.status).toBe(200)
      expect((res.body.items as Member[]).map((m) => m.userId).sort()).toEqual([x.owner, x.admin, x.siteAdmin, x.agent].map((p) => p.userId).sort())
    } else {
      expect(res.status).toBe(403)
    }
  })

  it('counts: every attempt was refused and nothing leaked', () => {
    expect(tally.attempts).toBeGreaterThan(0)
    expect({ refused: tally.refused, leaked: tally.leaked }).toEqual({ refused: tally.attempts, leaked: 0 })
  })
})
