// Runs inside our server process (through server-child `invoke`): the rows a bench needs that
// no public API makes (sites, agents and their tokens), through the same services the app uses.
import crypto from 'node:crypto'

/** `count` sites, each with one admin agent (online) and a signed agent token. */
export async function sites({ db, services }, { count }) {
  const out = []
  for (let i = 0; i < count; i++) {
    const tag = crypto.randomBytes(4).toString('hex')
    const agency = await db.prisma.agency.create({ data: { name: `Bench agency ${tag}` } })
    const site = await services.sites.create({ agencyId: agency.id, name: `Bench site ${tag}`, allowedOrigins: [] })
    const user = await db.prisma.user.create({
      // Bench agents authenticate with a token signed below; nobody signs in with a password.
      data: { email: `bench-${tag}-${i}@example.test`, name: `Bench agent ${i}`, passwordHash: 'no-login' },
    })
    const agent = await db.inSite(site.id, (tx) =>
      tx.agent.create({ data: { siteId: site.id, userId: user.id, role: 'admin', status: 'online', maxConcurrentChats: 1_000_000 } }),
    )
    const { token } = await services.sessions.start(user.id, {})
    out.push({ siteId: site.id, agentId: agent.id, userId: user.id, agentToken: token })
  }
  return out
}

/**
 * `count` open conversations in the site, each of a new visitor and assigned to the agent whose
 * token this is (the memory bench's agent with many chats open).
 */
export async function openConversations({ services }, { siteId, agentToken, count }) {
  const agent = await services.agents.authenticate(agentToken, siteId)
  for (let i = 0; i < count; i++) {
    const session = await services.visitors.createSession(siteId, {}, {})
    const visitor = { kind: 'visitor', siteId, visitorId: session.visitor.id }
    const { conversation } = await services.conversations.start(visitor, { clientKey: crypto.randomUUID(), message: { clientId: crypto.randomUUID(), text: `Hello ${i}` } })
    if (conversation.status !== 'active') await services.conversations.assign(agent, conversation.id, { agentId: agent.agentId })
  }
  return count
}
