// Fixtures for the API key and audit suites: an agency with its owner (signed in) and sites,
// and keys made through the same service as POST /api/agency/api-keys.
import crypto from 'node:crypto'
import type { Express } from 'express'
import type { AgencyRole, ApiKeyScope } from '@live-chat/protocol'
import { API_KEY_SCOPES } from '@live-chat/protocol'
import { hashPassword } from '../../src/shared/auth.js'
import type { SiteFixture, TestServer } from '../helpers.js'

export const ALL_SCOPES = [...API_KEY_SCOPES] as ApiKeyScope[]

export interface AgencyUser {
  userId: string
  email: string
  name: string
  token: string
}

export interface AgencyFixture {
  id: string
  site: SiteFixture
  /** A second site of the same agency. */
  other: SiteFixture
  owner: AgencyUser
}

let n = 0
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}${crypto.randomBytes(3).toString('hex')}`
let hash: Promise<string> | undefined

/** A signed-in user of the agency with an agency role (no site membership of their own). */
export async function agencyUser(s: TestServer, agencyId: string, role: AgencyRole): Promise<AgencyUser> {
  hash ??= hashPassword('correct horse battery staple')
  const email = `${role}-${unique()}@example.test`
  const name = `${role} ${unique()}`
  const user = await s.db.prisma.user.create({ data: { email, name, passwordHash: await hash, agencyId, agencyRole: role } })
  const { token } = await s.services.sessions.start(user.id, {})
  return { userId: user.id, email, name, token }
}

/** An agency with two sites and a signed-in owner. */
export async function agency(s: TestServer): Promise<AgencyFixture> {
  const site = await s.fx.site()
  const other = await s.services.sites.create({ agencyId: site.agencyId, name: `Other ${unique()}` })
  const owner = await agencyUser(s, site.agencyId, 'owner')
  return { id: site.agencyId, site, other: { id: other.id, agencyId: other.agencyId, identitySecret: other.identitySecret }, owner }
}

/** A key of the agency: agency-wide (siteId null) or for one site. */
export async function apiKey(s: TestServer, agencyId: string, opts: { siteId?: string | null; scopes?: ApiKeyScope[]; name?: string } = {}): Promise<{ id: string; secret: string }> {
  const made = await s.services.apiKeys.createFor(
    agencyId,
    { name: opts.name ?? `Key ${unique()}`, siteId: opts.siteId ?? null, scopes: opts.scopes ?? ALL_SCOPES },
    { userId: null, who: { type: 'system', id: null, label: 'test' } },
  )
  return { id: made.key.id, secret: made.secret }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

export interface AppRoute {
  method: string
  /** The full pattern, e.g. /api/sites/:siteId/conversations/:id */
  path: string
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
  rawPath?: unknown
}

/** Every route of the app, read from Express's router stack (mounted routers joined to their paths). */
export function appRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = []
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
      if (layer.route) {
        const path = (prefix + (layer.route.path === '/' ? '' : layer.route.path)) || '/'
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path })
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + at)
      }
    }
  }
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '')
  return out
}

/** A concrete path for a route pattern: each `:param` filled by `fill`. */
export const fillPath = (pattern: string, fill: (param: string) => string): string => pattern.replace(/:(\w+)/g, (_, name: string) => fill(name))
