// Hostile tenancy with API keys: agency X's keys — agency-wide and for X's site, one for each
// scope and one with every scope — aimed at agency Y on every site and agency route the app has
// (read from its router, so a new route is covered without editing this file): Y's site in the
// path, Y's ids (conversations, agents, users, webhooks, canned responses, keys, invitations)
// in X's own routes, and each key outside its scopes on X itself. Every attempt must be refused
// (4xx with an error body), nothing of Y may come back, and Y's rows must be exactly as they
// were. The file prints its counts.
import crypto from 'node:crypto'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_KEY_SCOPES, type ApiKeyScope, type AuditEvent, type Page } from '@live-chat/protocol'
import { KEY_ROUTES } from '../../src/api-keys/scopes.js'
import { startServer, type TestServer } from '../helpers.js'
import { agency, agencyUser, apiKey, appRoutes, fillPath, type AgencyFixture, type AppRoute } from '../api-keys/fixtures.js'
import { makeTenant, snapshot, type Tenant } from './tenants.js'

let s: TestServer
/** X: the attacker's agency (two sites, an owner). */
let x: AgencyFixture
/** Y: a site with people, conversations and canned responses, in an agency with a second site, an owner, a webhook, a key and audit events. */
let y: Tenant & { agencyId: string; siteName: string; second: string; owner: { userId: string; email: string }; webhook: string; key: string; secrets: string[] }
const tally = { attempts: 0, refused: 0, leaked: 0 }

beforeAll(async () => {
  s = await startServer()
  x = await agency(s)
  const t = await makeTenant(s, 'y')
  const agencyId = t.site.agencyId
  const second = await s.services.sites.create({ agencyId, name: `y-second-${crypto.randomBytes(4).toString('hex')}` })
  const owner = await agencyUser(s, agencyId, 'owner')
  const hook = await request(s.url).post(`/api/sites/${t.site.id}/webhooks`).set('Authorization', `Bearer ${t.admin.token}`).send({ url: 'https://y-hooks.example/secret', events: ['message.created'] })
  expect(hook.status, hook.text).toBe(201)
  const key = await apiKey(s, agencyId, { name: `y-key-${crypto.randomBytes(4).toString('hex')}` })
  const webhook = (hook.body as { id: string }).id
  const { name: siteName } = await s.db.prisma.site.findUniqueOrThrow({ where: { id: t.site.id } })
  y = { ...t, agencyId, siteName, second: second.id, owner, webhook, key: key.id, secrets: [...t.secrets, agencyId, second.id, second.name, second.identitySecret, owner.userId, owner.email, webhook, key.id, key.secret, 'y-hooks.example'] }
}, 120_000)

afterAll(async () => {
  console.log(`hostile-keys: attempts=${tally.attempts} refused=${tally.refused} leaked=${tally.leaked}`)
  await s?.close()
})

/** Every row of Y that a request could change. */
async function ySnapshot() {
  const keys = await s.db.inAgency(y.agencyId, (tx) => tx.apiKey.findMany({ orderBy: { id: 'asc' }, omit: { lastUsedAt: true } }))
  return {
    site: await snapshot(s, y),
    sites: await s.db.prisma.site.findMany({ where: { agencyId: y.agencyId }, orderBy: { id: 'asc' } }),
    users: await s.db.prisma.user.findMany({ where: { agencyId: y.agencyId }, orderBy: { id: 'asc' } }),
    webhooks: await s.db.inSite(y.site.id, (tx) => tx.webhook.findMany({ orderBy: { id: 'asc' } })),
    keys,
    audit: await s.db.inAgency(y.agencyId, (tx) => tx.auditEvent.findMany({ orderBy: { id: 'asc' } })),
  }
}

const siteRoutes = () => appRoutes(s.app.app).filter((r) => r.path.startsWith('/api/sites/:siteId/'))
const agencyRoutes = () => appRoutes(s.app.app).filter((r) => r.path === '/api/agency' || r.path.startsWith('/api/agency/'))
/** Site routes that need authentication (the widget config, visitor sessions and the trigger beacon are public). */
const authenticated = (r: AppRoute) => !/\/(widget|visitor-sessions|triggers\/:id\/shown)$/.test(r.path)

/** Y's id for a parameter of `path`. */
function yId(path: string, param: string): string {
  if (param === 'siteId') return y.site.id
  if (param === 'agentId') return y.admin.id
  if (param === 'userId') return y.owner.userId
  if (param === 'deliveryId') return y.delivery
  if (param === 'visitorId') return y.visitor.id
  if (path.includes('/notes/')) return y.note
  if (path.includes('/contact-attributes/')) return y.contactAttribute
  if (path.includes('/webhooks/')) return y.webhook
  if (path.includes('/canned-responses/')) return y.canned
  if (path.includes('/api-keys/')) return y.key
  if (path.includes('/bans/')) return y.ban
  if (path.includes('/mentions/')) return y.mention
  return y.conv
}

/** A body that would be valid, naming Y wherever it names anything. */
function bodyFor(route: AppRoute): object | undefined {
  const p = route.path
  const bodies: [RegExp, () => object][] = [
    [/\/messages$/, () => ({ clientId: `hostile-${crypto.randomBytes(4).toString('hex')}`, text: 'pwned', agentId: y.admin.id })],
    [/\/assign$/, () => ({ agentId: y.admin.id })],
    // Y's owner has an account in Y: adding it to X is refused.
    [/\/agents$/, () => ({ email: y.owner.email, name: 'Pwned', password: 'a long enough password', role: 'admin' })],
    [/\/agents\/:agentId$/, () => ({ displayName: 'pwned', role: 'admin', maxConcurrentChats: 0 })],
    [/\/conversations\/:id$/, () => ({ priority: 'urgent', tags: ['pwned'] })],
    [/\/webhooks$/, () => ({ url: 'https://evil.example/hook', events: ['message.created'] })],
    [/\/webhooks\/:id$/, () => ({ active: false })],
    [/\/canned-responses(\/:id)?$/, () => ({ title: 'pwned', content: 'pwned' })],
    [/\/triggers(\/:id)?$/, () => ({ name: 'pwned', text: 'pwned', enabled: false })],
    [/\/teams(\/:id)?$/, () => ({ name: 'pwned' })],
    [/\/sla-policies(\/:id)?$/, () => ({ name: 'pwned', priority: 'low', firstResponseMinutes: 1 })],
    [/\/settings$/, () => ({ name: 'pwned' })],
    [/\/bans$/, () => ({ kind: 'visitor', visitorId: y.visitor.id })],
    [/\/contact-attributes$/, () => ({ key: 'pwned', label: 'pwned', type: 'text' })],
    [/\/contact-attributes\/:id$/, () => ({ label: 'pwned', visitorMaySet: true })],
    [/\/visitors\/:visitorId$/, () => ({ name: 'pwned', company: 'pwned', attributes: { nickname: 'pwned' } })],
    [/\/notes(\/:id)?$/, () => ({ text: 'pwned' })],
    [/\/rotate$/, () => ({ graceHours: 0 })],
    [/^\/api\/agency\/sites\/:siteId$/, () => ({ confirm: y.siteName })],
    [/^\/api\/agency\/sites$/, () => ({ name: 'pwned' })],
    [/^\/api\/agency\/members\/:userId$/, () => ({ role: 'owner' })],
    [/^\/api\/agency\/api-keys$/, () => ({ name: 'pwned', siteId: y.site.id, scopes: ['sites:read'] })],
    [/^\/api\/agency\/invitations$/, () => ({ email: 'pwn@example.test', role: 'admin', sites: [{ siteId: y.site.id, role: 'admin' }] })],
    [/^\/api\/agency$/, () => ({ name: 'pwned' })],
  ]
  if (route.method === 'GET') return undefined
  return bodies.find(([re]) => re.test(p))?.[1]() ?? {}
}

/** One attempt: refused (a 4xx with an error body), nothing of Y in the answer. */
async function attempt(route: AppRoute, path: string, token: string, what: string): Promise<request.Response> {
  tally.attempts++
  let req = request(s.url)[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path).set('Authorization', `Bearer ${token}`)
  const body = bodyFor(route)
  if (body) req = req.send(body)
  const res = await req
  const leaked = y.secrets.filter((v) => res.text.includes(v))
  if (leaked.length) tally.leaked++
  const refused = res.status >= 400 && res.status < 500 && res.status !== 401 && typeof (res.body as { error?: { code?: unknown } })?.error?.code === 'string'
  if (refused) tally.refused++
  expect(leaked, `${what}: leaked Y's data`).toEqual([])
  expect({ what, status: res.status, refused }).toEqual({ what, status: res.status, refused: true })
  return res
}

/** Runs `fn` on every item, a few at a time (each request is small; the server takes several at once). */
async function each<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 4) await Promise.all(items.slice(i, i + 4).map(fn))
}

interface Key {
  name: string
  secret: string
  scopes: ApiKeyScope[]
  siteId: string | null
}

/** X's keys: for each scope, agency-wide and for X's site (audit:read is agency-wide only), and one with every scope of each kind. */
async function xKeys(): Promise<Key[]> {
  const kinds: { scopes: ApiKeyScope[]; siteId: string | null }[] = []
  for (const scope of API_KEY_SCOPES) {
    kinds.push({ scopes: [scope], siteId: null })
    if (scope !== 'audit:read') kinds.push({ scopes: [scope], siteId: x.site.id })
  }
  kinds.push({ scopes: [...API_KEY_SCOPES], siteId: null }, { scopes: API_KEY_SCOPES.filter((k) => k !== 'audit:read'), siteId: x.site.id })
  return Promise.all(
    kinds.map(async (k) => ({ ...k, name: `${k.siteId ? 'site' : 'agency-wide'} key [${k.scopes.length === 1 ? k.scopes[0] : 'every scope'}]`, secret: (await apiKey(s, x.id, k)).secret })),
  )
}

describe("agency X's API keys against agency Y", () => {
  let keys: Key[]
  let before: Awaited<ReturnType<typeof ySnapshot>>
  beforeAll(async () => {
    keys = await xKeys()
    before = await ySnapshot()
  })

  it("on every site route with Y's site in the path: 403 for every key", async () => {
    const routes = siteRoutes().filter(authenticated)
    expect(routes.length).toBeGreaterThan(25)
    for (const key of keys) {
      await each(routes, async (route) => {
        const res = await attempt(route, fillPath(route.path, (p) => yId(route.path, p)), key.secret, `${key.name} ${route.method} ${route.path}`)
        expect(res.status, `${key.name} ${route.method} ${route.path}`).toBe(403)
      })
    }
  }, 300_000)

  it("on X's own site and agency routes with Y's ids: refused (404 for ids it cannot see, 403 where keys may not go)", async () => {
    const every = keys.filter((k) => k.scopes.length > 1)
    const routes = [...siteRoutes().filter(authenticated), ...agencyRoutes()].filter((r) => /:(id|agentId|userId|visitorId)\b/.test(r.path) || r.path === '/api/agency/sites/:siteId' || (r.method !== 'GET' && /\/(messages|assign|agents|api-keys|invitations|bans)$/.test(r.path)))
    for (const key of every) {
      for (const route of routes) {
        // An agency route names Y's ids (and Y's site); a site route is X's site with Y's other ids.
        const path = fillPath(route.path, (p) => (p === 'siteId' && !route.path.startsWith('/api/agency') ? x.site.id : yId(route.path, p)))
        const res = await attempt(route, path, key.secret, `${key.name} ${route.method} ${path}`)
        expect([403, 404, ...(route.path.endsWith('/agents') ? [409] : [])], `${key.name} ${route.method} ${route.path}: ${res.text}`).toContain(res.status)
      }
    }
  }, 300_000)

  it('outside its scopes on X itself: every route a key lacks the scope for, or that is not for keys, or another site of X, is 403', async () => {
    for (const key of keys) {
      await each([...siteRoutes().filter(authenticated), ...agencyRoutes()], async (route) => {
        const scope = KEY_ROUTES[`${route.method} ${route.path}`]
        const agencyRoute = route.path.startsWith('/api/agency')
        const allowed = scope !== undefined && key.scopes.includes(scope) && !(agencyRoute && key.siteId !== null)
        if (allowed) {
          // A site key on X's other site is still outside what it may do.
          if (agencyRoute || key.siteId === null) return
          const res = await attempt(route, fillPath(route.path, (p) => (p === 'siteId' ? x.other.id : crypto.randomUUID())), key.secret, `${key.name} on X's other site ${route.method} ${route.path}`)
          expect(res.status).toBe(403)
          return
        }
        const res = await attempt(route, fillPath(route.path, (p) => (p === 'siteId' ? x.site.id : crypto.randomUUID())), key.secret, `${key.name} ${route.method} ${route.path}`)
        expect({ route: `${key.name} ${route.method} ${route.path}`, status: res.status, body: res.body as unknown }).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringMatching(/API key|scope/) } } })
      })
    }
  }, 300_000)

  it("X's audit log filtered to Y's site, people and keys shows nothing (and nothing of Y unfiltered)", async () => {
    const reader = keys.find((k) => k.siteId === null && k.scopes.length > 1)!
    // Unfiltered first: the exports after it record their own filters (Y's ids as X typed them) in X's log.
    for (const q of ['', `siteId=${y.site.id}`, `actorId=${y.admin.userId}`, `actorId=${y.key}`, `siteId=${y.second}`]) {
      for (const path of ['/api/agency/audit', '/api/agency/audit.csv']) {
        const res = await request(s.url).get(`${path}?${q}`).set('Authorization', `Bearer ${reader.secret}`)
        expect(res.status).toBe(200)
        expect(y.secrets.filter((v) => res.text.includes(v)), `${path}?${q}`).toEqual([])
        if (path.endsWith('audit') && q) expect((res.body as Page<AuditEvent>).items).toEqual([])
      }
    }
  })

  it("leaves every row of Y as it was", async () => {
    expect(await ySnapshot()).toEqual(before)
    expect(tally.attempts).toBeGreaterThan(1_000)
    expect(tally.refused).toBe(tally.attempts)
    expect(tally.leaked).toBe(0)
  })
})
