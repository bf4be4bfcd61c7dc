// Property-based fuzzing of every REST route (routes.ts of each module; REST.md): valid requests
// broken one way at a time — the JSON body (see mutate()), the query string, a path parameter,
// the Authorization or Content-Type header, or the raw body bytes. Whatever arrives, the answer
// is never a 5xx, a 4xx is `{ error: { code, message } }` with the code's status, a refusal
// changes no row, and the server keeps serving. Fixed seed, bounded runs.
import fc from 'fast-check'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { badUuid, configureFuzz, edgeNumber, mutate, PROTO_KEYS, preview, unicodeEdge } from './arbitraries.js'
import { counts, expectHttpAnswer, expectNoPollution, makeWorld, randomId, type World } from './world.js'

configureFuzz(35)

let w: World
/** Accounts: a pending invitation of the world's agency (whose owner the admin is) and a sign-in challenge. */
let invitation: string
let challenge: string
beforeAll(async () => {
  w = await makeWorld()
  await w.s.db.prisma.user.update({ where: { id: w.admin.userId }, data: { agencyId: w.site.agencyId, agencyRole: 'owner' } })
  await w.s.db.prisma.user.update({ where: { id: w.agent.userId }, data: { agencyId: w.site.agencyId } })
  const owner = await w.s.services.agency.authenticate(w.admin.token)
  const sent = await w.s.services.invitations.create(owner, { email: 'fuzz-invitee@example.test', role: 'member', sites: [{ siteId: w.site.id, role: 'agent' }] })
  invitation = sent.invitation!.id
  challenge = (await w.s.services.tokens.signChallenge(w.admin.userId)).token
})
afterAll(() => w?.s.close())

type Method = 'get' | 'post' | 'patch' | 'delete'
/** `owner`: the agency's owner (agency routes); `key`: an agency-wide API key with every scope. */
type Auth = 'agent' | 'visitor' | 'owner' | 'key' | 'none'

interface Route {
  method: Method
  /** With `:name` parameters, filled from `params()`. */
  path: string
  auth: Auth
  params?: () => Record<string, string>
  body?: () => Record<string, unknown>
  fields?: string[]
  /** Query parameters the route reads, each with a valid value. */
  query?: Record<string, string>
  multipart?: boolean
}

let n = 0
const cid = () => `fuzz-${(n++).toString().padStart(6, '0')}`
/** A well-formed link token that no row has. */
const fakeLink = () => `${randomId()}.${'F'.repeat(43)}`
const site = () => ({ siteId: w.site.id })
const conv = () => ({ siteId: w.site.id, id: w.conv })

const ROUTES: Route[] = [
  // public and visitor
  { method: 'get', path: '/api/sites/:siteId/widget', auth: 'none', params: site },
  {
    method: 'post', path: '/api/sites/:siteId/visitor-sessions', auth: 'none', params: site,
    body: () => ({ token: w.visitor.token, page: { url: 'https://shop.example/', title: 'Shop', referrer: 'https://search.example/' } }),
    fields: ['token', 'identity', 'identity.userId', 'identity.hash', 'page', 'page.url', 'page.title', 'page.referrer'],
  },
  { method: 'get', path: '/api/visitor/me', auth: 'visitor' },
  { method: 'get', path: '/api/visitor/conversations', auth: 'visitor' },
  { method: 'get', path: '/api/visitor/conversations/:id/messages', auth: 'visitor', params: () => ({ id: w.conv }), query: { after: '0', limit: '10' } },
  { method: 'post', path: '/api/visitor/conversations/:id/transcript', auth: 'visitor', params: () => ({ id: w.conv }), body: () => ({ email: 'ann@example.test' }), fields: ['email'] },
  { method: 'post', path: '/api/visitor/uploads', auth: 'visitor', multipart: true },
  // agents
  { method: 'post', path: '/api/auth/login', auth: 'none', body: () => ({ email: w.admin.email, password: w.admin.password }), fields: ['email', 'password'] },
  { method: 'get', path: '/api/auth/me', auth: 'agent' },
  {
    method: 'get', path: '/api/sites/:siteId/conversations', auth: 'agent', params: site,
    query: { status: 'pending,active', mine: 'false', unassigned: 'true', offline: 'false', priority: 'high', tag: 'vip', q: 'hello', limit: '10', from: '2026-01-01', to: '2026-12-31', rating: '4,5', missed: 'false', attribute: 'plan', attributeValue: 'pro' },
  },
  { method: 'get', path: '/api/sites/:siteId/conversations/:id', auth: 'agent', params: conv },
  { method: 'patch', path: '/api/sites/:siteId/conversations/:id', auth: 'agent', params: conv, body: () => ({ priority: 'high', tags: ['vip'], subject: 'Invoice' }), fields: ['priority', 'tags', 'subject'] },
  { method: 'post', path: '/api/sites/:siteId/conversations/:id/assign', auth: 'agent', params: conv, body: () => ({ agentId: w.agent.id, teamId: w.team }), fields: ['agentId', 'teamId'] },
  { method: 'post', path: '/api/sites/:siteId/conversations/:id/resolve', auth: 'agent', params: conv },
  { method: 'post', path: '/api/sites/:siteId/conversations/:id/reopen', auth: 'agent', params: conv },
  { method: 'get', path: '/api/sites/:siteId/conversations/:id/messages', auth: 'agent', params: conv, query: { before: '100', limit: '10' } },
  {
    method: 'post', path: '/api/sites/:siteId/conversations/:id/messages', auth: 'agent', params: conv,
    body: () => ({ clientId: cid(), text: 'reply', private: true }), fields: ['clientId', 'text', 'attachments', 'private'],
  },
  { method: 'post', path: '/api/sites/:siteId/uploads', auth: 'agent', params: site, multipart: true },
  { method: 'get', path: '/api/sites/:siteId/canned-responses', auth: 'agent', params: site, query: { q: 'hello', category: 'greetings' } },
  {
    method: 'post', path: '/api/sites/:siteId/canned-responses', auth: 'agent', params: site,
    body: () => ({ title: 'Bye', shortcut: `bye-${n++}`, content: 'Goodbye', category: 'greetings', tags: ['x'], isPersonal: true }),
    fields: ['title', 'shortcut', 'content', 'category', 'tags', 'isPersonal'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/canned-responses/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.canned }),
    body: () => ({ title: 'Hello', content: 'Hello there' }), fields: ['title', 'shortcut', 'content', 'category', 'tags', 'isPersonal'],
  },
  { method: 'post', path: '/api/sites/:siteId/canned-responses/:id/use', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.canned }) },
  { method: 'get', path: '/api/sites/:siteId/triggers', auth: 'agent', params: site },
  {
    method: 'post', path: '/api/sites/:siteId/triggers', auth: 'agent', params: site,
    body: () => ({ name: 'Help', text: 'Need help?', agentId: w.admin.id, rules: { url: '/docs*', seconds: 5, scroll: 50, returning: false, event: 'help', businessHours: true }, cap: 'days', capDays: 3 }),
    fields: ['name', 'text', 'agentId', 'rules', 'rules.url', 'rules.seconds', 'rules.scroll', 'rules.event', 'cap', 'capDays', 'enabled'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/triggers/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.trigger }),
    body: () => ({ text: 'Questions about plans?', rules: { url: '/pricing*' } }), fields: ['name', 'text', 'agentId', 'rules', 'rules.url', 'cap', 'capDays', 'enabled'],
  },
  { method: 'post', path: '/api/sites/:siteId/triggers/:id/shown', auth: 'none', params: () => ({ siteId: w.site.id, id: w.trigger }) },
  { method: 'get', path: '/api/sites/:siteId/teams', auth: 'agent', params: site },
  // A name taken already (409): the valid request leaves the world as it is.
  { method: 'post', path: '/api/sites/:siteId/teams', auth: 'agent', params: site, body: () => ({ name: 'Sales', agentIds: [w.agent.id] }), fields: ['name', 'agentIds'] },
  {
    method: 'patch', path: '/api/sites/:siteId/teams/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.team }),
    body: () => ({ name: 'Sales', agentIds: [w.agent.id] }), fields: ['name', 'agentIds'],
  },
  { method: 'get', path: '/api/sites/:siteId/sla-policies', auth: 'agent', params: site },
  // The default policy exists already (409): the valid request leaves the world as it is.
  {
    method: 'post', path: '/api/sites/:siteId/sla-policies', auth: 'agent', params: site,
    body: () => ({ name: 'Default', firstResponseMinutes: 5, nextResponseMinutes: 10, resolutionMinutes: 60, businessHours: true }),
    fields: ['name', 'teamId', 'priority', 'firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes', 'businessHours'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/sla-policies/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.sla }),
    body: () => ({ name: 'Default', firstResponseMinutes: 5 }), fields: ['name', 'teamId', 'priority', 'firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes', 'businessHours'],
  },
  { method: 'get', path: '/api/sites/:siteId/bans', auth: 'agent', params: site },
  // A range no test client is in: the first valid request bans it, later ones are 409 (the same ban).
  {
    method: 'post', path: '/api/sites/:siteId/bans', auth: 'agent', params: site,
    body: () => ({ kind: 'ip', network: '192.0.2.0/24', reason: 'Spam', expiresAt: '2099-01-01T00:00:00Z' }), fields: ['kind', 'network', 'visitorId', 'scope', 'email', 'reason', 'expiresAt'],
  },
  { method: 'get', path: '/api/sites/:siteId/contact-attributes', auth: 'agent', params: site },
  // A key taken already (409): the valid request leaves the world as it is.
  {
    method: 'post', path: '/api/sites/:siteId/contact-attributes', auth: 'agent', params: site,
    body: () => ({ key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'], visitorMaySet: false }), fields: ['key', 'label', 'type', 'options', 'visitorMaySet'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/contact-attributes/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.contactAttribute }),
    body: () => ({ label: 'Plan', options: ['free', 'pro'], visitorMaySet: false }), fields: ['label', 'options', 'visitorMaySet'],
  },
  { method: 'get', path: '/api/sites/:siteId/visitors/:visitorId', auth: 'agent', params: () => ({ siteId: w.site.id, visitorId: w.visitor.id }) },
  {
    method: 'patch', path: '/api/sites/:siteId/visitors/:visitorId', auth: 'agent', params: () => ({ siteId: w.site.id, visitorId: w.visitor.id }),
    body: () => ({ name: 'Ann', email: 'ann@example.test', phone: '+1 555 0100', company: 'Acme', attributes: { plan: 'pro' } }), fields: ['name', 'email', 'phone', 'company', 'attributes', 'attributes.plan'],
  },
  { method: 'post', path: '/api/sites/:siteId/visitors/:visitorId/notes', auth: 'agent', params: () => ({ siteId: w.site.id, visitorId: w.visitor.id }), body: () => ({ text: 'Another note' }), fields: ['text'] },
  {
    method: 'patch', path: '/api/sites/:siteId/visitors/:visitorId/notes/:id', auth: 'agent', params: () => ({ siteId: w.site.id, visitorId: w.visitor.id, id: w.note }),
    body: () => ({ text: 'A note on the contact' }), fields: ['text'],
  },
  { method: 'get', path: '/api/sites/:siteId/mentions', auth: 'agent', params: site, query: { unread: 'true', limit: '10' } },
  { method: 'post', path: '/api/sites/:siteId/mentions/:id/read', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.mention }) },
  // A note naming the plain agent (a mention, in the note's transaction).
  {
    method: 'post', path: '/api/sites/:siteId/conversations/:id/messages', auth: 'agent', params: conv,
    body: () => ({ clientId: cid(), text: `@[${w.agent.name}] please look`, private: true }), fields: ['clientId', 'text', 'private'],
  },
  { method: 'get', path: '/api/sites/:siteId/agents', auth: 'agent', params: site },
  {
    method: 'post', path: '/api/sites/:siteId/agents', auth: 'agent', params: site,
    body: () => ({ email: w.agent.email, name: 'Bob', role: 'agent', maxConcurrentChats: 0, title: 'Support', teamIds: [w.team] }),
    fields: ['email', 'name', 'password', 'role', 'maxConcurrentChats', 'title', 'teamIds'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/agents/:agentId', auth: 'agent', params: () => ({ siteId: w.site.id, agentId: w.agent.id }),
    body: () => ({ maxConcurrentChats: 0, displayName: 'Bob', title: 'Support', teamIds: [w.team], acceptNewChats: true }),
    fields: ['role', 'maxConcurrentChats', 'acceptNewChats', 'displayName', 'title', 'teamIds', 'status'],
  },
  { method: 'get', path: '/api/sites/:siteId/settings', auth: 'agent', params: site },
  {
    method: 'patch', path: '/api/sites/:siteId/settings', auth: 'agent', params: site,
    body: () => ({ name: 'Fuzz site', missedAfterMinutes: 10, widget: { primaryColor: '#0066ff', widgetTitle: 'Chat', holidays: ['2026-12-25'], timezone: 'Europe/Paris', customTranslations: { en: { title: 'Hi' } }, businessHours: { mon: [{ start: '09:00', end: '17:00' }] }, preChatFields: [] } }),
    fields: ['name', 'allowedOrigins', 'missedAfterMinutes', 'widget', 'widget.primaryColor', 'widget.holidays', 'widget.timezone', 'widget.customTranslations', 'widget.businessHours', 'widget.preChatFields', 'widget.autoOpenDelay', 'widget.avatarUrl', 'widget.language'],
  },
  { method: 'get', path: '/api/sites/:siteId/webhooks', auth: 'agent', params: site },
  {
    method: 'post', path: '/api/sites/:siteId/webhooks', auth: 'agent', params: site,
    body: () => ({ url: 'https://hooks.example.test/hook', events: ['conversation.resolved'], active: false }), fields: ['url', 'events', 'active'],
  },
  {
    method: 'patch', path: '/api/sites/:siteId/webhooks/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook }),
    body: () => ({ events: ['conversation.resolved'], active: false }), fields: ['url', 'events', 'active'],
  },
  { method: 'get', path: '/api/sites/:siteId/webhooks/:id/deliveries', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook }) },
  { method: 'post', path: '/api/sites/:siteId/webhooks/:id/test', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook }) },
  { method: 'post', path: '/api/sites/:siteId/webhooks/:id/deliveries/:deliveryId/redeliver', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook, deliveryId: w.delivery }) },
  {
    method: 'post', path: '/api/sites/:siteId/webhooks/:id/secret/rotate', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook }),
    body: () => ({ graceHours: 1 }), fields: ['graceHours'],
  },
  // API keys acting on a site (the message names the agent it is sent as)
  { method: 'get', path: '/api/sites/:siteId/conversations', auth: 'key', params: site, query: { status: 'pending,active', agentId: '00000000-0000-4000-8000-000000000000', limit: '10' } },
  {
    method: 'post', path: '/api/sites/:siteId/conversations/:id/messages', auth: 'key', params: conv,
    body: () => ({ clientId: cid(), text: 'from the platform', private: true, agentId: w.agent.id }), fields: ['clientId', 'text', 'attachments', 'private', 'agentId'],
  },
  {
    method: 'post', path: '/api/sites/:siteId/conversations/:id/messages', auth: 'key', params: conv,
    body: () => ({ clientId: cid(), text: 'Pick one', bot: { name: 'Helper' }, content: { kind: 'choice', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] } }),
    fields: ['clientId', 'text', 'bot', 'bot.name', 'content', 'content.kind', 'content.options', 'agentId'],
  },
  // the agency: API keys and the audit log
  { method: 'get', path: '/api/agency/api-keys', auth: 'owner' },
  {
    method: 'post', path: '/api/agency/api-keys', auth: 'owner',
    body: () => ({ name: 'Fuzz key', siteId: w.site.id, scopes: ['conversations:read', 'messages:write'], expiresAt: '2099-01-01T00:00:00Z' }),
    fields: ['name', 'siteId', 'scopes', 'expiresAt'],
  },
  {
    method: 'get', path: '/api/agency/audit', auth: 'key',
    query: { action: 'api_key.', actorId: '00000000-0000-4000-8000-000000000000', siteId: '00000000-0000-4000-8000-000000000000', from: '2026-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z', limit: '10' },
  },
  { method: 'get', path: '/api/agency/audit.csv', auth: 'owner', query: { action: 'auth.login', from: '2026-01-01T00:00:00Z', to: '2099-01-01T00:00:00+01:00' } },
  // Deleting works once; later runs get 404s, which is fine: they still must be well-formed.
  { method: 'delete', path: '/api/sites/:siteId/canned-responses/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.canned }) },
  { method: 'delete', path: '/api/sites/:siteId/webhooks/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.webhook }) },
  { method: 'delete', path: '/api/sites/:siteId/triggers/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.trigger }) },
  { method: 'delete', path: '/api/sites/:siteId/teams/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.team }) },
  { method: 'delete', path: '/api/sites/:siteId/bans/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.ban }) },
  { method: 'delete', path: '/api/sites/:siteId/visitors/:visitorId/notes/:id', auth: 'agent', params: () => ({ siteId: w.site.id, visitorId: w.visitor.id, id: w.note }) },
  { method: 'delete', path: '/api/sites/:siteId/contact-attributes/:id', auth: 'agent', params: () => ({ siteId: w.site.id, id: w.contactAttribute }) },
  // accounts: setup (done already: 409), invitations, passwords, two-factor, sessions. Valid requests
  // never change the world's admin: wrong passwords, codes and links, another user's session.
  { method: 'get', path: '/api/setup', auth: 'none' },
  { method: 'post', path: '/api/setup/verify', auth: 'none', body: () => ({ token: fakeLink() }), fields: ['token'] },
  {
    method: 'post', path: '/api/setup', auth: 'none',
    body: () => ({ token: fakeLink(), name: 'Olga', email: 'olga@example.test', password: 'long enough password', agencyName: 'Agency', siteName: 'Shop', domains: ['shop.example'] }),
    fields: ['token', 'name', 'email', 'password', 'agencyName', 'siteName', 'domains'],
  },
  { method: 'post', path: '/api/invitations/lookup', auth: 'none', body: () => ({ token: fakeLink() }), fields: ['token'] },
  { method: 'post', path: '/api/invitations/accept', auth: 'none', body: () => ({ token: fakeLink(), name: 'Ivy', password: 'long enough password' }), fields: ['token', 'name', 'password'] },
  { method: 'get', path: '/api/agency/invitations', auth: 'agent', query: { status: 'all' } },
  {
    method: 'post', path: '/api/agency/invitations', auth: 'agent',
    body: () => ({ email: 'fuzz-invitee@example.test', role: 'member', sites: [{ siteId: w.site.id, role: 'agent' }] }), fields: ['email', 'role', 'sites', 'sites.0', 'sites.0.siteId', 'sites.0.role'],
  },
  { method: 'post', path: '/api/agency/invitations/:id/resend', auth: 'agent', params: () => ({ id: invitation }) },
  { method: 'post', path: '/api/auth/login/two-factor', auth: 'none', body: () => ({ challenge, code: '123456' }), fields: ['challenge', 'code', 'recoveryCode'] },
  { method: 'post', path: '/api/auth/login/two-factor/setup', auth: 'none', body: () => ({ challenge }), fields: ['challenge'] },
  { method: 'post', path: '/api/auth/login/two-factor/enable', auth: 'none', body: () => ({ challenge, code: '123456' }), fields: ['challenge', 'code'] },
  { method: 'post', path: '/api/auth/password/forgot', auth: 'none', body: () => ({ email: 'nobody@example.test' }), fields: ['email'] },
  { method: 'post', path: '/api/auth/password/reset', auth: 'none', body: () => ({ token: fakeLink(), password: 'long enough password' }), fields: ['token', 'password'] },
  { method: 'post', path: '/api/auth/password', auth: 'agent', body: () => ({ currentPassword: 'not the password', newPassword: 'long enough password' }), fields: ['currentPassword', 'newPassword'] },
  { method: 'get', path: '/api/auth/sessions', auth: 'agent' },
  { method: 'delete', path: '/api/auth/sessions/:sessionId', auth: 'agent', params: () => ({ sessionId: w.agent.sessionId }) },
  { method: 'post', path: '/api/auth/two-factor/setup', auth: 'agent' },
  { method: 'post', path: '/api/auth/two-factor/enable', auth: 'agent', body: () => ({ code: '123456' }), fields: ['code'] },
  { method: 'post', path: '/api/auth/two-factor/disable', auth: 'agent', body: () => ({ password: 'not the password' }), fields: ['password'] },
  { method: 'post', path: '/api/auth/two-factor/recovery-codes', auth: 'agent', body: () => ({ password: 'not the password' }), fields: ['password'] },
  { method: 'delete', path: '/api/agency/invitations/:id', auth: 'agent', params: () => ({ id: invitation }) },
  { method: 'delete', path: '/api/agency/api-keys/:id', auth: 'owner', params: () => ({ id: w.spareKey }) },
  // files (outside /api)
  { method: 'get', path: '/uploads/:id/:name', auth: 'none', params: () => ({ id: w.upload, name: 'note.txt' }) },
]

// ------------------------------------------------------------------ what a broken request looks like

interface Req {
  route: Route
  params: Record<string, string>
  query: string
  auth: string | null
  contentType?: string
  body?: unknown
  raw?: Buffer | string
}

/** Percent-encodes; an unpaired surrogate becomes the bytes a careless encoder would write (not valid UTF-8). */
const LONE = /([\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/
const enc = (s: string): string => s.split(LONE).map((part, i) => (i % 2 ? '%ED%A0%80' : encodeURIComponent(part))).join('')

/** A path segment: valid text, or undecodable percent-encoding, dots, slashes, huge. */
const segment: fc.Arbitrary<string> = fc.oneof(
  badUuid.map(enc),
  unicodeEdge.map(enc),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '..', '.', '%2e%2e', '%2F', 'a%2Fb', '%ff%fe', ';', ' ', '+', 'x'.repeat(5_000), ...PROTO_KEYS),
  fc.string({ unit: 'binary', maxLength: 40 }).map(enc),
)

const queryValue: fc.Arbitrary<string> = fc.oneof(
  unicodeEdge.map(enc),
  edgeNumber.map((x) => enc(String(x))),
  badUuid.map(enc),
  fc.constantFrom('', '%', '%zz', '%E0%A4%A', 'a,b,,c', ',,,', 'true,false', 'x'.repeat(3_000), '[]', '{}', 'null'),
  fc.string({ maxLength: 30 }).map(enc),
)

function queryOf(route: Route): fc.Arbitrary<string> {
  const known = Object.keys(route.query ?? {})
  const key = fc.oneof(
    ...(known.length ? [fc.constantFrom(...known)] : []),
    fc.constantFrom(...PROTO_KEYS, 'a[b]', 'a[]', 'cursor', 'limit', 'status[0]', '%', '&&', '='),
    fc.string({ maxLength: 10 }).map(enc),
  )
  const valid = Object.entries(route.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
  return fc.array(fc.tuple(key, queryValue, fc.boolean()), { minLength: 1, maxLength: 6 }).map((pairs) => {
    const extra = pairs.map(([k, v, bare]) => (bare ? k : `${k}=${v}`))
    return [...valid, ...extra].join('&')
  })
}

function multipartBody(): fc.Arbitrary<{ contentType: string; raw: Buffer }> {
  const boundary = fc.constantFrom('fuzzboundary', '', '"quoted"', 'x'.repeat(100), '--', 'a b')
  const header = fc.oneof(
    fc.constant('Content-Disposition: form-data; name="file"; filename="a.txt"'),
    unicodeEdge.map((s) => `Content-Disposition: form-data; name="file"; filename="${s}"`),
    unicodeEdge.map((s) => `Content-Disposition: form-data; name="${s}"; filename="a.txt"`),
    fc.constantFrom('Content-Disposition: form-data; name="file"', 'Content-Disposition: form-data; filename="a.txt"', 'Content-Disposition: form-data; name="file"; filename*=UTF-8\'\'%E0%A4%A', 'Content-Disposition: attachment', 'X: y', ''),
  )
  const content = fc.oneof(
    fc.constantFrom('hello\n', '', '<html><script>alert(1)</script>', '\u0000\u0001', '%PDF-1.4 but not really'),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  )
  return fc.tuple(boundary, fc.array(fc.tuple(header, content), { maxLength: 3 }), fc.boolean()).map(([b, parts, closed]) => {
    const body = parts.map(([h, c]) => `--${b}\r\n${h}\r\nContent-Type: text/plain\r\n\r\n${c}\r\n`).join('') + (closed ? `--${b}--\r\n` : '')
    return { contentType: `multipart/form-data; boundary=${b}`, raw: Buffer.from(body, 'latin1') }
  })
}

const authHeader: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'bearer  x', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
  badUuid.map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, 'x')}`),
)

const contentType = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/xml', 'multipart/form-data', 'application/json; boundary=x', '*/*', 'application/json')

const rawBody = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'null', '"string"', '123', 'true', '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '\u0000', '{}'.repeat(1_000), `{"text":"${'x'.repeat(120_000)}"}`),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.json(),
)

const tokenOf = (auth: Exclude<Auth, 'none'>): string => ({ agent: w.admin.token, visitor: w.visitor.token, owner: w.owner.token, key: w.key.secret })[auth]
/** Someone else's credentials for the route: the wrong kind of token. */
const OTHER: Record<Exclude<Auth, 'none'>, Exclude<Auth, 'none'>> = { agent: 'visitor', visitor: 'agent', owner: 'key', key: 'agent' }

/** `route`'s valid request. */
function validRequest(route: Route): Req {
  return {
    route,
    params: route.params?.() ?? {},
    query: Object.entries(route.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'),
    auth: route.auth === 'none' ? null : `Bearer ${tokenOf(route.auth)}`,
    ...(route.body ? { body: route.body() } : {}),
  }
}

/**
 * Requests every run of a route tries first: ones that found bugs (a multipart part without a
 * name crashed the process with an uncaught TypeError in busboy's 'file' handler).
 */
function regressions(route: Route): [Req][] {
  if (!route.multipart) return []
  const part = (disposition: string) => `--b\r\n${disposition}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n`
  return ['Content-Disposition: form-data; filename="a.txt"', 'Content-Disposition: form-data'].map((d) => [
    { ...validRequest(route), contentType: 'multipart/form-data; boundary=b', raw: part(d) },
  ])
}

/** One way to break `route`'s valid request. */
function broken(route: Route): fc.Arbitrary<Req> {
  const base = (): Req => validRequest(route)
  const ways: fc.Arbitrary<Req>[] = [
    queryOf(route).map((query) => ({ ...base(), query })),
    fc.tuple(authHeader, fc.boolean()).map(([auth, other]) => ({ ...base(), auth: other && route.auth !== 'none' ? `Bearer ${tokenOf(OTHER[route.auth])}` : auth })),
  ]
  const names = (route.path.match(/:\w+/g) ?? []).map((p) => p.slice(1))
  if (names.length) ways.push(fc.tuple(fc.constantFrom(...names), segment).map(([name, value]) => {
    const r = base()
    return { ...r, params: { ...r.params, [name]: value } }
  }))
  if (route.body) {
    ways.push(mutate(route.body, route.fields ?? []).map((body) => ({ ...base(), body })))
    ways.push(fc.tuple(contentType, fc.boolean()).map(([type, json]) => {
      const r = base()
      return { ...r, contentType: type, raw: json ? JSON.stringify(r.body) : 'a=1&b[c]=2' }
    }))
  }
  if (route.body || route.multipart || route.method !== 'get') ways.push(rawBody.map((raw) => ({ ...base(), contentType: 'application/json', raw: typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw) })))
  if (route.multipart) ways.push(multipartBody().map((m) => ({ ...base(), ...m })))
  return fc.oneof(...ways)
}

function pathOf(r: Req): string {
  const path = r.route.path.replace(/:(\w+)/g, (_, name: string) => r.params[name] ?? '')
  return r.query ? `${path}?${r.query}` : path
}

function send(r: Req): request.Test {
  let req = request(w.s.url)[r.route.method](pathOf(r)).timeout(15_000)
  if (r.auth !== null) req = req.set('Authorization', r.auth)
  if (r.raw !== undefined) return req.set('Content-Type', r.contentType ?? 'application/json').send(r.raw)
  if (r.body === undefined) return req
  // superagent sends only objects as JSON: anything else goes as its JSON text.
  if (typeof r.body === 'object' && r.body !== null) return req.send(r.body)
  return req.set('Content-Type', 'application/json').send(JSON.stringify(r.body) ?? '')
}

/**
 * The counts read after the last refusal, which are still the counts: a refusal writes nothing,
 * and only this file writes the world's rows. Null after a request that was taken (read again).
 */
let known: Record<string, number> | null = null

/** Sends one request; a refusal must be well-formed and leave every count as it was. */
async function check(r: Req): Promise<void> {
  const before = known ?? (await allCounts())
  known = null
  const res = await send(r)
  const context = `${r.route.method.toUpperCase()} ${pathOf(r).slice(0, 200)} auth=${preview(r.auth)} type=${r.contentType ?? '-'} body=${preview(r.raw !== undefined ? String(r.raw) : r.body)}`
  if (expectHttpAnswer(res, context)) return
  const after = await allCounts()
  expect(after, `${context}: rows after a refusal`).toEqual(before)
  known = after
}

/** The site's rows (counts()) and the accounts' rows a refusal must not move either. */
async function allCounts(): Promise<Record<string, number>> {
  const db = w.s.db
  // Only the world's own rows: other test files write to the same database at the same time.
  const [site, users, invitations, invitationState, sessions, resets, admin] = await Promise.all([
    counts(w),
    db.prisma.user.count({ where: { OR: [{ agencyId: w.site.agencyId }, { email: { startsWith: 'fuzz' } }] } }),
    db.inAgency(w.site.agencyId, (tx) => tx.invitation.count()),
    db.inAgency(w.site.agencyId, (tx) => tx.invitation.count({ where: { OR: [{ acceptedAt: { not: null } }, { revokedAt: { not: null } }] } })),
    db.asUser(w.admin.userId, (tx) => tx.userSession.count({ where: { revokedAt: null } })),
    db.asUser(w.admin.userId, (tx) => tx.passwordReset.count()),
    db.prisma.user.findUniqueOrThrow({ where: { id: w.admin.userId }, select: { passwordChangedAt: true, totpEnabledAt: true } }),
  ])
  return { ...site, users, invitations, invitationState, sessions, resets, passwordChangedAt: admin.passwordChangedAt?.getTime() ?? 0, twoFactorOn: admin.totpEnabledAt ? 1 : 0 }
}

describe('REST routes with fuzzed requests', () => {
  for (const route of ROUTES) {
    // Logins and new agents hash passwords (deliberately slow): fewer runs there.
    const slow =
      route.path.endsWith('/login') ||
      (route.path.endsWith('/agents') && route.method === 'post') ||
      // These check a password (argon2, deliberately slow).
      ['/api/auth/password', '/api/auth/two-factor/disable', '/api/auth/two-factor/recovery-codes', '/api/setup', '/api/invitations/accept', '/api/auth/password/reset'].includes(route.path)
    it(`${route.method.toUpperCase()} ${route.path}${route.auth === 'key' ? ' (API key)' : ''}: never 5xx, refusals are { error: { code, message } } and write nothing`, async () => {
      await fc.assert(fc.asyncProperty(broken(route), check), { ...(slow ? { numRuns: 12 } : {}), examples: regressions(route) })
    })
  }
})

describe('paths nobody routes', () => {
  it('answers 404 (or another 4xx) with the error body, under /api and elsewhere', async () => {
    const path = fc.tuple(
      fc.constantFrom('/api', '/api/sites/' + randomId(), '/api/visitor', '/uploads', '/api/auth', ''),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.constantFrom<Method>('get', 'post', 'patch', 'delete'),
    )
    await fc.assert(
      fc.asyncProperty(path, async ([prefix, segments, method]) => {
        const res = await request(w.s.url)[method](`${prefix}/${segments.join('/')}`).set('Authorization', `Bearer ${w.admin.token}`).timeout(15_000)
        expectHttpAnswer(res, `${method} ${prefix}/${segments.join('/')}`)
        expect(res.status).toBeGreaterThanOrEqual(400)
      }),
      { numRuns: 60 },
    )
  })
})

describe('after the fuzzing', () => {
  it('nothing polluted the prototypes, /healthz answers, and valid requests still work', async () => {
    expectNoPollution()
    expect((await request(w.s.url).get('/healthz')).status).toBe(200)
    const session = await request(w.s.url).post(`/api/sites/${w.site.id}/visitor-sessions`).send({})
    expect(session.status).toBe(201)
    const me = await request(w.s.url).get('/api/auth/me').set('Authorization', `Bearer ${w.admin.token}`)
    expect(me.status).toBe(200)
    const list = await request(w.s.url).get(`/api/sites/${w.site.id}/conversations?limit=5`).set('Authorization', `Bearer ${w.admin.token}`)
    expect(list.status).toBe(200)
    const sent = await request(w.s.url)
      .post(`/api/sites/${w.site.id}/conversations/${w.conv}/messages`)
      .set('Authorization', `Bearer ${w.admin.token}`)
      .send({ clientId: cid(), text: 'still works' })
    expect(sent.status, sent.text).toBeLessThan(300)
  })
})
