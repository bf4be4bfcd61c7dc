// Who is online, as visitors see it: the widget config's `team` and the live `availability:changed`,
// across two server processes (two apps on one database and one Redis), public fields only, one site's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import type { Availability, OnlineTeam, WidgetConfig } from '@live-chat/protocol'
import { eventually, startServer, waitFor, type AgentFixture, type TestServer } from '../helpers.js'

let one: TestServer
let two: TestServer
beforeAll(async () => {
  one = await startServer({ redisUrl: inject('redisUrl') })
  two = await startServer({ redisUrl: inject('redisUrl') })
})
afterAll(async () => {
  await two?.close()
  await one?.close()
})

const config = async (url: string, siteId: string): Promise<WidgetConfig> => (await fetch(`${url}/api/sites/${siteId}/widget`)).json() as Promise<WidgetConfig>

/** Nothing of an agent but their name and picture: no email, no id of any kind. */
function onlyPublic(team: OnlineTeam, agents: AgentFixture[]): void {
  for (const a of team.agents) expect(Object.keys(a).sort()).toEqual(['avatarUrl', 'name'])
  const text = JSON.stringify(team)
  for (const a of agents) for (const secret of [a.email, a.id, a.userId, a.siteId]) expect(text).not.toContain(secret)
}

describe('the online team', () => {
  it('reaches a visitor on one process as agents come and go on another: names and pictures only, never another site\'s agents', async () => {
    const site = await one.fx.site()
    const other = await one.fx.site()
    const anna = await one.fx.agent(site.id, { name: 'Anna Berg' })
    const ben = await one.fx.agent(site.id, { name: 'Ben Cole' })
    const zed = await one.fx.agent(other.id, { name: 'Aaron Zed' })
    await one.db.prisma.user.update({ where: { id: anna.userId }, data: { avatarUrl: 'https://cdn.example.test/anna.png' } })
    const clients: { disconnect(): unknown }[] = []
    const agentOn = async (a: AgentFixture, server: TestServer) => {
      const c = new AgentClient({ url: server.url, token: a.token })
      clients.push(c)
      await c.connect(a.siteId)
      return c
    }
    const visitor = new LiveChatClient({ url: one.url, siteId: site.id, storage: 'memory' })
    clients.push(visitor)
    try {
      expect((await config(one.url, site.id)).team).toEqual({ agents: [], count: 0 })
      // A session and its socket on process one (an offline message needs no agent).
      await visitor.startConversation({ message: 'hello?', offline: true, fields: { email: 'v@example.test' } })
      expect(visitor.team).toEqual({ agents: [], count: 0 })

      // Another site's agent online: nothing for this site's visitors.
      await agentOn(zed, two)
      const annaHere = waitFor<Availability>((fn) => visitor.on('availability', fn), (x) => x.team.count === 1)
      const annaClient = await agentOn(anna, two)
      expect(await annaHere).toEqual({ online: true, team: { agents: [{ name: 'Anna Berg', avatarUrl: 'https://cdn.example.test/anna.png' }], count: 1 } })

      const both = waitFor<Availability>((fn) => visitor.on('availability', fn), (x) => x.team.count === 2)
      await agentOn(ben, two)
      const team = (await both).team
      expect(team.agents.map((a) => a.name)).toEqual(['Anna Berg', 'Ben Cole'])
      onlyPublic(team, [anna, ben, zed])
      expect(visitor.team).toEqual(team)
      // The config that paints the widget first says the same, on either process.
      for (const url of [one.url, two.url]) {
        const c = await config(url, site.id)
        expect(c.team).toEqual(team)
        onlyPublic(c.team, [anna, ben, zed])
      }
      const elsewhere = await config(one.url, other.id)
      expect(elsewhere.team).toEqual({ agents: [{ name: 'Aaron Zed', avatarUrl: null }], count: 1 })

      const annaGone = waitFor<Availability>((fn) => visitor.on('availability', fn), (x) => x.team.count === 1)
      annaClient.disconnect()
      expect((await annaGone).team.agents).toEqual([{ name: 'Ben Cole', avatarUrl: null }])
    } finally {
      for (const c of clients) c.disconnect()
    }
  })

  it('shows at most three agents by name and counts them all; an agent who is away is not among them', async () => {
    const site = await one.fx.site()
    const names = ['Dora', 'Cleo', 'Ben', 'Anna']
    const agents = await Promise.all(names.map((name) => one.fx.agent(site.id, { name })))
    const clients = agents.map((a) => new AgentClient({ url: two.url, token: a.token }))
    try {
      for (const [i, c] of clients.entries()) await c.connect(agents[i]!.siteId)
      // (an agent's presence is written just after their socket connects)
      await eventually(async () => (await config(one.url, site.id)).team.count === 4 || undefined)
      expect((await config(one.url, site.id)).team).toEqual({ agents: ['Anna', 'Ben', 'Cleo'].map((name) => ({ name, avatarUrl: null })), count: 4 })
      await clients[3]!.setStatus('away')
      expect((await config(one.url, site.id)).team).toEqual({ agents: ['Ben', 'Cleo', 'Dora'].map((name) => ({ name, avatarUrl: null })), count: 3 })
    } finally {
      for (const c of clients) c.disconnect()
    }
  })
})
