// What an API key may call: the one table of every route open to keys and the scope each needs
// (REST.md, "API keys"). A key is refused (403 forbidden) on every route not listed here, however
// many scopes it has; a test walks the app's router and checks each site and agency route
// against this table (test/api-keys/scopes.test.ts).
import type { ApiKeyScope } from '@live-chat/protocol'

const SITE = '/api/sites/:siteId'

export const KEY_ROUTES: Readonly<Record<string, ApiKeyScope>> = {
  // the agency (agency-wide keys only)
  'GET /api/agency/sites': 'sites:read',
  'POST /api/agency/sites': 'sites:write',
  'DELETE /api/agency/sites/:siteId': 'sites:write',
  'GET /api/agency/members': 'agents:read',
  'DELETE /api/agency/members/:userId': 'agents:write',
  'GET /api/agency/audit': 'audit:read',
  'GET /api/agency/audit.csv': 'audit:read',
  // a site
  [`GET ${SITE}/settings`]: 'sites:read',
  [`PATCH ${SITE}/settings`]: 'sites:write',
  [`GET ${SITE}/identity-secret`]: 'sites:write',
  [`POST ${SITE}/identity-secret/rotate`]: 'sites:write',
  [`GET ${SITE}/triggers`]: 'sites:read',
  [`POST ${SITE}/triggers`]: 'sites:write',
  [`PATCH ${SITE}/triggers/:id`]: 'sites:write',
  [`DELETE ${SITE}/triggers/:id`]: 'sites:write',
  [`GET ${SITE}/agents`]: 'agents:read',
  [`POST ${SITE}/agents`]: 'agents:write',
  [`PATCH ${SITE}/agents/:agentId`]: 'agents:write',
  [`DELETE ${SITE}/agents/:agentId`]: 'agents:write',
  [`GET ${SITE}/conversations`]: 'conversations:read',
  [`GET ${SITE}/conversations/:id`]: 'conversations:read',
  [`PATCH ${SITE}/conversations/:id`]: 'conversations:write',
  [`POST ${SITE}/conversations/:id/assign`]: 'conversations:write',
  [`POST ${SITE}/conversations/:id/resolve`]: 'conversations:write',
  [`POST ${SITE}/conversations/:id/reopen`]: 'conversations:write',
  [`GET ${SITE}/conversations/:id/messages`]: 'conversations:read',
  [`POST ${SITE}/conversations/:id/messages`]: 'messages:write',
  [`GET ${SITE}/conversations/:id/transcript`]: 'conversations:read',
  [`GET ${SITE}/exports/conversations.csv`]: 'conversations:read',
  [`GET ${SITE}/visitors/:visitorId/export`]: 'conversations:read',
  [`DELETE ${SITE}/visitors/:visitorId`]: 'visitors:erase',
  [`GET ${SITE}/webhooks`]: 'webhooks:read',
  [`GET ${SITE}/webhooks/:id/deliveries`]: 'webhooks:read',
  [`POST ${SITE}/webhooks`]: 'webhooks:write',
  [`PATCH ${SITE}/webhooks/:id`]: 'webhooks:write',
  [`DELETE ${SITE}/webhooks/:id`]: 'webhooks:write',
  [`POST ${SITE}/webhooks/:id/test`]: 'webhooks:write',
  [`POST ${SITE}/webhooks/:id/deliveries/:deliveryId/redeliver`]: 'webhooks:write',
  [`POST ${SITE}/webhooks/:id/secret/rotate`]: 'webhooks:write',
  [`GET ${SITE}/analytics`]: 'analytics:read',
  [`GET ${SITE}/analytics.csv`]: 'analytics:read',
  [`GET ${SITE}/bans`]: 'sites:read',
  [`POST ${SITE}/bans`]: 'sites:write',
  [`DELETE ${SITE}/bans/:id`]: 'sites:write',
  [`GET ${SITE}/sla-policies`]: 'sites:read',
  [`POST ${SITE}/sla-policies`]: 'sites:write',
  [`PATCH ${SITE}/sla-policies/:id`]: 'sites:write',
  [`DELETE ${SITE}/sla-policies/:id`]: 'sites:write',
}

interface Compiled {
  method: string
  pattern: RegExp
  scope: ApiKeyScope
}

/**
 * Each entry's path as Express matches it: `:name` is one segment, letters in any case, one
 * trailing slash allowed. A request path the router would give another handler never matches
 * an entry of this one (whole paths, segment by segment).
 */
const COMPILED: Compiled[] = Object.entries(KEY_ROUTES).map(([route, scope]) => {
  const [method, path] = route.split(' ') as [string, string]
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return { method, pattern: new RegExp(`^${source}/?$`, 'i'), scope }
})

/** A request's method and full path (`req.baseUrl + req.path`, before decoding). */
export interface RequestRoute {
  method: string
  path: string
}

/** The scope a key needs to call `route`, or null when keys may not call it at all. */
export function scopeFor(route: RequestRoute): ApiKeyScope | null {
  // Express answers HEAD with the GET handler.
  const method = route.method === 'HEAD' ? 'GET' : route.method
  return COMPILED.find((c) => c.method === method && c.pattern.test(route.path))?.scope ?? null
}
