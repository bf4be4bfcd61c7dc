// First-run setup on an empty database of its own (setup is about the whole server having no
// account, so these tests run in order on one database): bad input writes nothing, two setups
// at once make exactly one workspace, and afterwards every setup link is refused.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgencySite, AgentSession } from '@live-chat/protocol'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import type { TestServer } from '../helpers.js'
import { asOwner, auditOf, bearer, expectError, PASSWORD, startAccountsServer } from './harness.js'

let s: TestServer
/** The links of the concurrent setups, both spent once one of them succeeded. */
let spent: string[] = []
let database: Awaited<ReturnType<typeof createTestDatabase>>
beforeAll(async () => {
  database = await createTestDatabase('live_chat_setup')
  s = await startAccountsServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }) })
})
afterAll(async () => {
  await s?.close()
  await database?.drop()
})

const count = async () => {
  const [row] = await asOwner<{ users: string; agencies: string; sites: string; agents: string }>(
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM agencies) AS agencies, (SELECT count(*) FROM sites) AS sites, (SELECT count(*) FROM mod_chat_agents) AS agents',
    [],
    database.url,
  )
  return { users: Number(row!.users), agencies: Number(row!.agencies), sites: Number(row!.sites), agents: Number(row!.agents) }
}

const workspace = (token: string, n: number) => ({
  token,
  name: `Owner ${n}`,
  email: `Owner${n}@Example.test`,
  password: PASSWORD,
  agencyName: `Agency ${n}`,
  siteName: `Shop ${n}`,
  domains: ['shop.example', 'http://localhost:8080/', 'https://Shop.example'],
})

describe('first-run setup', () => {
  it('is needed while no account exists; a token that is no setup link is 404', async () => {
    expect((await request(s.url).get('/api/setup')).body).toEqual({ needed: true })
    const token = await s.services.setup.issue()
    expect(token).toEqual(expect.any(String))
    expect((await request(s.url).post('/api/setup/verify').send({ token })).status).toBe(204)
    // Right id, wrong secret; an id nobody issued; not even the shape of a link.
    const [id] = token!.split('.')
    expectError(await request(s.url).post('/api/setup/verify').send({ token: `${id}.${'A'.repeat(43)}` }), 404, 'not_found')
    expectError(await request(s.url).post('/api/setup/verify').send({ token: `${crypto.randomUUID()}.${'A'.repeat(43)}` }), 404, 'not_found')
    expectError(await request(s.url).post('/api/setup/verify').send({ token: 'just-some-text-here' }), 404, 'not_found')
    // The stored row holds the secret's hash, never the token.
    const rows = await asOwner<{ token_hash: string }>('SELECT token_hash FROM setup_tokens', [], database.url)
    expect(rows.every((r) => !token!.includes(r.token_hash) && r.token_hash.length === 64)).toBe(true)
  })

  it('refuses bad input with a 400 error body and writes nothing', async () => {
    const token = (await s.services.setup.issue())!
    const before = await count()
    for (const body of [
      {},
      { ...workspace(token, 0), password: 'short' },
      { ...workspace(token, 0), email: 'not-an-email' },
      { ...workspace(token, 0), domains: ['https://shop.example/path'] },
      { ...workspace(token, 0), agencyName: '   ' },
      { ...workspace(token, 0), token: 'bad token with spaces' },
      { ...workspace(token, 0), name: 'x'.repeat(201) },
    ]) {
      const res = await request(s.url).post('/api/setup').send(body)
      expectError(res, 400, 'invalid_payload')
    }
    expectError(await request(s.url).post('/api/setup').send({ ...workspace(token, 0), token: `${crypto.randomUUID()}.${'A'.repeat(43)}` }), 404, 'not_found')
    expect(await count()).toEqual(before)
    expect((await request(s.url).get('/api/setup')).body).toEqual({ needed: true })
  })

  it('two setups at once with valid links make exactly one workspace; the owner lands signed in', async () => {
    const [a, b] = [(await s.services.setup.issue())!, (await s.services.setup.issue())!]
    spent = [a, b]
    const [one, two] = await Promise.all([request(s.url).post('/api/setup').send(workspace(a, 1)), request(s.url).post('/api/setup').send(workspace(b, 2))])
    const won = [one, two].filter((r) => r.status === 201)
    const lost = [one, two].filter((r) => r.status !== 201)
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expectError(lost[0]!, 409, 'invalid_state')
    expect(await count()).toEqual({ users: 1, agencies: 1, sites: 1, agents: 1 })

    const { session, site } = won[0]!.body as { session: AgentSession; site: AgencySite }
    const n = won[0] === one ? 1 : 2
    expect(site).toMatchObject({ name: `Shop ${n}`, domains: ['https://shop.example', 'http://localhost:8080'], agents: 1 })
    expect(session.user).toMatchObject({ email: `owner${n}@example.test`, name: `Owner ${n}`, twoFactorEnabled: false })
    expect(session.agency).toMatchObject({ name: `Agency ${n}`, role: 'owner', requireTwoFactor: false })
    expect(session.sites).toEqual([{ siteId: site.id, siteName: `Shop ${n}`, agentId: expect.any(String), role: 'admin' }])
    // The session works, the site is configured, and the owner can sign in with the password.
    expect((await request(s.url).get('/api/auth/me').set(bearer(session.token))).status).toBe(200)
    const settings = await request(s.url).get(`/api/sites/${site.id}/settings`).set(bearer(session.token))
    expect(settings.body.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:8080'])
    const login = await request(s.url).post('/api/auth/login').send({ email: `owner${n}@example.test`, password: PASSWORD })
    expect(login.status).toBe(200)

    const events = await auditOf(s, site.agencyId, 'setup.completed')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ actorType: 'user', actorId: session.user.id, siteId: site.id })
    expect(JSON.stringify(events[0]!.data)).not.toContain(a.split('.')[1]!)
  })

  it('afterwards: setup is not needed, every link is spent, and verify and complete answer 409', async () => {
    expect((await request(s.url).get('/api/setup')).body).toEqual({ needed: false })
    const unused = await asOwner('SELECT id FROM setup_tokens WHERE used_at IS NULL', [], database.url)
    expect(unused).toEqual([])
    // Links issued before setup (the winner's and the loser's) are refused, and none is issued after.
    expect(await s.services.setup.issue()).toBeNull()
    for (const token of spent) {
      expectError(await request(s.url).post('/api/setup/verify').send({ token }), 409, 'invalid_state')
      expectError(await request(s.url).post('/api/setup').send(workspace(token, 3)), 409, 'invalid_state')
    }
    expect(await count()).toEqual({ users: 1, agencies: 1, sites: 1, agents: 1 })
  })
})
