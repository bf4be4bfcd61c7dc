// Counting uses of canned responses (POST /api/sites/:siteId/canned-responses/:id/use): the
// composer calls it when an agent inserts a response. Visibility mirrors the list: shared ones
// for every agent of the site, personal ones for their author only.
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type AgentFixture, type TestServer } from '../helpers.js'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(() => s.close())

const bearer = (a: AgentFixture) => ({ Authorization: `Bearer ${a.token}` })
const use = (a: AgentFixture, id: string, siteId = a.siteId) => request(s.url).post(`/api/sites/${siteId}/canned-responses/${id}/use`).set(bearer(a))

async function siteWithTeam() {
  const site = await s.fx.site()
  const admin = await s.fx.agent(site.id, { role: 'admin' })
  const agent = await s.fx.agent(site.id)
  const actor = (a: AgentFixture, role: 'admin' | 'agent') => ({ kind: 'agent' as const, siteId: site.id, agencyId: site.agencyId, agentId: a.id, userId: a.userId, role, name: a.name })
  const shared = await s.services.cannedResponses.create(actor(admin, 'admin'), { title: 'Greeting', shortcut: 'greet', content: 'Hello {{visitor.name}}' })
  const personal = await s.services.cannedResponses.create(actor(agent, 'agent'), { title: 'Mine', content: 'My own words', isPersonal: true })
  return { site, admin, agent, shared, personal }
}

describe('POST canned-responses/:id/use', () => {
  it('when an agent uses a shared response, returns it with usageCount one higher, and the list shows it', async () => {
    const { agent, admin, shared } = await siteWithTeam()
    const first = await use(agent, shared.id)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ id: shared.id, title: 'Greeting', usageCount: 1, updatedAt: shared.updatedAt })
    const second = await use(admin, shared.id)
    expect(second.body).toMatchObject({ usageCount: 2 })
    const list = await request(s.url).get(`/api/sites/${agent.siteId}/canned-responses`).set(bearer(agent))
    expect((list.body as { items: { id: string; usageCount: number }[] }).items.find((c) => c.id === shared.id)?.usageCount).toBe(2)
  })

  it('when many uses arrive at once, counts every one of them', async () => {
    const { agent, shared } = await siteWithTeam()
    const results = await Promise.all(Array.from({ length: 8 }, () => use(agent, shared.id)))
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200))
    expect(results.map((r) => (r.body as { usageCount: number }).usageCount).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('when the author uses their personal response, counts it', async () => {
    const { agent, personal } = await siteWithTeam()
    const res = await use(agent, personal.id)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: personal.id, isPersonal: true, usageCount: 1 })
  })

  it("when another agent (even an admin) uses someone's personal response, answers 404 and counts nothing", async () => {
    const { admin, agent, personal } = await siteWithTeam()
    const res = await use(admin, personal.id)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'not_found' } })
    expect((await use(agent, personal.id)).body).toMatchObject({ usageCount: 1 })
  })

  it("when given another site's response id, answers 404 and that response's count does not move", async () => {
    const mine = await siteWithTeam()
    const theirs = await siteWithTeam()
    const res = await use(mine.admin, theirs.shared.id)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error: { code: 'not_found' } })
    const row = await s.db.inSite(theirs.site.id, (tx) => tx.cannedResponse.findUniqueOrThrow({ where: { id: theirs.shared.id } }))
    expect(row.usageCount).toBe(0)
  })

  it("when aimed at another site's path, answers 403 forbidden", async () => {
    const mine = await siteWithTeam()
    const theirs = await siteWithTeam()
    const res = await use(mine.admin, theirs.shared.id, theirs.site.id)
    expect(res.status).toBe(403)
  })

  it('when the id is not a UUID, answers 400 invalid_payload', async () => {
    const { agent } = await siteWithTeam()
    const res = await use(agent, 'not-a-uuid')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'invalid_payload' } })
  })

  it('without a token, answers 401', async () => {
    const { site, shared } = await siteWithTeam()
    const res = await request(s.url).post(`/api/sites/${site.id}/canned-responses/${shared.id}/use`)
    expect(res.status).toBe(401)
  })
})
