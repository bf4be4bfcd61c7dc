// Unit tests of the agency administration methods' requests (method, path, query, body) with a
// recording fetch. What the server does with them is covered by the server's integration tests
// and the dashboard's browser tests against the real server.
import { describe, expect, it } from 'vitest'
import { AgentClient } from './agent-client.js'
import { LiveChatError } from './errors.js'

const SITE = '00000000-0000-4000-8000-000000000001'
const OTHER = '00000000-0000-4000-8000-000000000002'

interface Sent {
  method: string
  path: string
  query: string
  body: unknown
}

/** A client whose fetch records each request and answers `answer` (JSON, or a 204 for undefined). */
function recording(answer: (sent: Sent) => unknown = () => ({ items: [] })) {
  const sent: Sent[] = []
  const client = new AgentClient({
    url: 'http://chat.test',
    token: 't',
    autoRefresh: false,
    fetch: async (url, init) => {
      const u = new URL(url)
      const one = { method: init?.method ?? 'GET', path: u.pathname, query: u.search, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined }
      sent.push(one)
      const body = answer(one)
      if (body instanceof Response) return body
      return body === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
    },
  })
  return { client, sent }
}

describe('AgentClient agency administration', () => {
  it('sends each call to its route with its body, and unwraps list answers', async () => {
    const { client, sent } = recording((s) => (s.method === 'DELETE' ? undefined : s.path.endsWith('s') ? { items: [{ id: 'x' }] } : { id: 'one' }))
    client.useSite(SITE)
    const calls: [() => Promise<unknown>, string, unknown][] = [
      [() => client.agency.get(), 'GET /api/agency', undefined],
      [() => client.agency.update({ requireTwoFactor: true }), 'PATCH /api/agency', { requireTwoFactor: true }],
      [() => client.sites.list(), 'GET /api/agency/sites', undefined],
      [() => client.sites.create({ name: 'Shop', domains: ['shop.example'] }), 'POST /api/agency/sites', { name: 'Shop', domains: ['shop.example'] }],
      [() => client.sites.delete(OTHER, 'Shop'), `DELETE /api/agency/sites/${OTHER}`, { confirm: 'Shop' }],
      [() => client.settings.get(OTHER), `GET /api/sites/${OTHER}/settings`, undefined],
      [() => client.settings.update({ name: 'Shop 2' }, OTHER), `PATCH /api/sites/${OTHER}/settings`, { name: 'Shop 2' }],
      [() => client.settings.identitySecret(), `GET /api/sites/${SITE}/identity-secret`, undefined],
      [() => client.settings.identitySecret(OTHER), `GET /api/sites/${OTHER}/identity-secret`, undefined],
      [() => client.settings.rotateIdentitySecret(), `POST /api/sites/${SITE}/identity-secret/rotate`, { graceHours: 24 }],
      [() => client.settings.rotateIdentitySecret(0, OTHER), `POST /api/sites/${OTHER}/identity-secret/rotate`, { graceHours: 0 }],
      [() => client.agents.remove('a/1'), `DELETE /api/sites/${SITE}/agents/a%2F1`, undefined],
      [() => client.agents.remove('a1', OTHER), `DELETE /api/sites/${OTHER}/agents/a1`, undefined],
      [() => client.members.list(), 'GET /api/agency/members', undefined],
      [() => client.members.update('u1', { role: 'admin' }), 'PATCH /api/agency/members/u1', { role: 'admin' }],
      [() => client.members.remove('u1'), 'DELETE /api/agency/members/u1', undefined],
      [() => client.invitations.list(), 'GET /api/agency/invitations', undefined],
      [() => client.invitations.create({ email: 'a@b.test', role: 'member', sites: [{ siteId: SITE, role: 'agent' }] }), 'POST /api/agency/invitations', { email: 'a@b.test', role: 'member', sites: [{ siteId: SITE, role: 'agent' }] }],
      [() => client.invitations.resend('i1'), 'POST /api/agency/invitations/i1/resend', undefined],
      [() => client.invitations.revoke('i1'), 'DELETE /api/agency/invitations/i1', undefined],
      [() => client.apiKeys.list(), 'GET /api/agency/api-keys', undefined],
      [() => client.apiKeys.create({ name: 'CRM', siteId: null, scopes: ['sites:read'] }), 'POST /api/agency/api-keys', { name: 'CRM', siteId: null, scopes: ['sites:read'] }],
      [() => client.apiKeys.revoke('k1'), 'DELETE /api/agency/api-keys/k1', undefined],
    ]
    for (const [call, route, body] of calls) {
      const before = sent.length
      await call()
      expect(sent.length, route).toBe(before + 1)
      const one = sent.at(-1)!
      expect(`${one.method} ${one.path}`).toBe(route)
      expect(one.body, route).toEqual(body)
    }
    await expect(client.sites.list()).resolves.toEqual([{ id: 'x' }])
    await expect(client.members.list()).resolves.toEqual([{ id: 'x' }])
  })

  it('site-level calls without a site id need a current site; agency calls do not', async () => {
    const { client, sent } = recording()
    await expect(client.settings.identitySecret()).rejects.toMatchObject({ code: 'invalid_state' })
    await expect(client.agents.remove('a1')).rejects.toBeInstanceOf(LiveChatError)
    expect(sent).toEqual([])
    await client.sites.list()
    expect(sent.map((s) => s.path)).toEqual(['/api/agency/sites'])
  })

  it('audit.list() sends its filters and paging as the query; audit.csv() the filters, as a file', async () => {
    const csv = '\uFEFFwhen,action\r\n'
    const { client, sent } = recording((s) => (s.path.endsWith('.csv') ? new Response(csv, { status: 200, headers: { 'content-type': 'text/csv' } }) : { items: [], nextCursor: null }))
    const filter = { action: 'auth.', siteId: SITE, from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }
    await expect(client.audit.list({ ...filter, cursor: 'c1', limit: 20 })).resolves.toEqual({ items: [], nextCursor: null })
    expect(sent[0]!.path).toBe('/api/agency/audit')
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.query))).toEqual({ ...filter, cursor: 'c1', limit: '20' })
    const blob = await client.audit.csv({ ...filter, actorId: OTHER })
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer())).toBe(csv)
    expect(sent[1]!.path).toBe('/api/agency/audit.csv')
    expect(Object.fromEntries(new URLSearchParams(sent[1]!.query))).toEqual({ ...filter, actorId: OTHER })
  })

  it('invitations.list() asks for a status when given one', async () => {
    const { client, sent } = recording()
    await client.invitations.list({ status: 'all' })
    expect(sent[0]!.query).toBe('?status=all')
  })
})
