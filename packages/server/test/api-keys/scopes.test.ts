// The scope table (src/api-keys/scopes.ts) against the app itself: every site and agency route
// the router has is either in the table (and then needs exactly its scope) or refused to keys,
// and the table names no route the app does not have.
import crypto from 'node:crypto'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import type { ApiKeyScope } from '@live-chat/protocol'
import { KEY_ROUTES, scopeFor } from '../../src/api-keys/scopes.js'
import { serverPerFile } from '../helpers.js'
import { agency, ALL_SCOPES, apiKey, appRoutes, bearer, fillPath, type AgencyFixture } from './fixtures.js'

const t = serverPerFile()

const keyRoutes = () => appRoutes(t.s.app.app).filter((r) => r.path.startsWith('/api/sites/:siteId/') || r.path === '/api/agency' || r.path.startsWith('/api/agency/'))

/** A request to the route with random ids (the site: the agency's), and an empty JSON body. */
function call(a: AgencyFixture, method: string, pattern: string, token: string): request.Test {
  const path = fillPath(pattern, (p) => (p === 'siteId' ? a.site.id : crypto.randomUUID()))
  const req = request(t.s.url)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path).set(bearer(token))
  return method === 'GET' || method === 'DELETE' ? req : req.send({})
}

describe('scopeFor', () => {
  it('matches whole paths as Express does: any case, one trailing slash, HEAD as GET', () => {
    const site = `/api/sites/${crypto.randomUUID()}`
    expect(scopeFor({ method: 'GET', path: `${site}/conversations` })).toBe('conversations:read')
    expect(scopeFor({ method: 'GET', path: `${site}/Conversations/` })).toBe('conversations:read')
    expect(scopeFor({ method: 'HEAD', path: `${site}/conversations` })).toBe('conversations:read')
    expect(scopeFor({ method: 'POST', path: `${site}/conversations/x/messages` })).toBe('messages:write')
    expect(scopeFor({ method: 'GET', path: '/api/agency/audit.csv' })).toBe('audit:read')
  })

  it('matches nothing else: other methods, longer or shorter paths, a dot that is not a dot', () => {
    const site = `/api/sites/${crypto.randomUUID()}`
    for (const [method, path] of [
      ['PUT', `${site}/conversations`],
      ['GET', `${site}/conversations/x/messages/y`],
      ['GET', `${site}/conversations//`],
      ['GET', `${site}`],
      ['GET', '/api/agency/auditxcsv'],
      ['GET', '/api/agency/audit.csv/x'],
      ['GET', '/api/agency/api-keys'],
      ['GET', '/api/agency'],
      ['GET', `${site}/canned-responses`],
      ['POST', `${site}/uploads`],
      ['GET', `/api/sites/${crypto.randomUUID()}/x/conversations`],
    ] as const) {
      expect(scopeFor({ method, path }), `${method} ${path}`).toBeNull()
    }
  })
})

describe('every site and agency route of the app', () => {
  it('is found in the router (the walk sees the mounted routers)', () => {
    const found = keyRoutes().map((r) => `${r.method} ${r.path}`)
    expect(found).toEqual(expect.arrayContaining(['GET /api/sites/:siteId/conversations', 'POST /api/sites/:siteId/conversations/:id/messages', 'GET /api/agency', 'POST /api/agency/api-keys', 'GET /api/agency/audit.csv']))
  })

  it('the table names only routes the app has', () => {
    const routed = new Set(appRoutes(t.s.app.app).map((r) => `${r.method} ${r.path}`))
    const missing = Object.keys(KEY_ROUTES).filter((k) => !routed.has(k))
    expect(missing).toEqual([])
  })

  it('needs exactly its scope when it is in the table, and is refused to any key otherwise', async () => {
    const a = await agency(t.s)
    const everything = await apiKey(t.s, a.id, { scopes: ALL_SCOPES })
    // One key per scope set, made when first needed.
    const keys = new Map<string, Promise<{ secret: string }>>()
    const keyOf = (name: string, scopes: ApiKeyScope[]) => {
      if (!keys.has(name)) keys.set(name, apiKey(t.s, a.id, { scopes }))
      return keys.get(name)!
    }
    let open = 0
    let closed = 0
    let public_ = 0
    for (const { method, path } of keyRoutes()) {
      const name = `${method} ${path}`
      const concrete = fillPath(path, () => crypto.randomUUID())
      const scope = KEY_ROUTES[name]
      if (!scope) {
        closed++
        expect(scopeFor({ method, path: concrete }), name).toBeNull()
        const res = await call(a, method, path, everything.secret)
        if (res.status !== 403) {
          // A public route (the widget's config, visitor sessions): it reads no Authorization, so a key is just ignored.
          public_++
          expect((await call(a, method, path, '')).status, name).toBe(res.status)
          continue
        }
        expect({ name, body: res.body as unknown }).toMatchObject({ body: { error: { code: 'forbidden', message: 'API keys cannot use this route' } } })
        continue
      }
      open++
      expect(scopeFor({ method, path: concrete }), name).toBe(scope)
      const without = await keyOf(`without ${scope}`, ALL_SCOPES.filter((x) => x !== scope))
      const refused = await call(a, method, path, without.secret)
      expect({ name, status: refused.status, body: refused.body as unknown }).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: `this API key lacks the scope ${scope}` } } })
      const only = await keyOf(`only ${scope}`, [scope])
      const allowed = await call(a, method, path, only.secret)
      // Past the key's checks: whatever the route says of random ids and an empty body, it is not about the key.
      expect(allowed.status, `${name}: ${allowed.text}`).not.toBe(401)
      expect(allowed.status === 403 ? (allowed.body as { error: { message: string } }).error.message : '', name).not.toMatch(/API key/)
    }
    expect(open).toBe(Object.keys(KEY_ROUTES).length)
    // Canned responses, uploads, the agency itself, API keys: never for keys.
    expect(closed - public_).toBeGreaterThanOrEqual(10)
    // The widget's config, visitor sessions, the anonymous "trigger shown" beacon.
    expect(public_).toBe(3)
  }, 120_000)
})
