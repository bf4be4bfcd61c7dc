// Agents: login, site memberships, status and capacity, presence. An agent acts only in
// sites they belong to: every request names the site and is checked against a membership.
import type { AgentSession, AgentStatus, AgentSummary, CreateAgent, Presence, UpdateAgent } from '@live-chat/protocol'
import { hashPassword, verifyPassword } from '../shared/auth.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import { agentName, agentWithUser, toAgentSummary } from '../shared/map.js'
import type { Routing } from '../conversations/routing.js'
import type { PresenceService } from '../presence/service.js'
import { siteOnline } from '../sites/availability.js'
import { requireAdmin } from '../sites/service.js'
import { isUuid } from '../shared/params.js'

export class AgentService {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    private readonly routing: Routing,
  ) {}

  async login(email: string, password: string): Promise<AgentSession> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { email: email.toLowerCase() } })
    const ok = await verifyPassword(user?.passwordHash ?? null, password)
    if (!user || !ok) throw new AppError('unauthorized', 'wrong email or password')
    const { token, expiresAt } = await this.ctx.tokens.signAgent({ userId: user.id })
    return { token, expiresAt: expiresAt.toISOString(), ...(await this.me(user.id)) }
  }

  /** A fresh access token for a valid one (Tokens.refreshAgent), with the profile as at login. */
  async refresh(token: unknown): Promise<AgentSession> {
    const { token: fresh, expiresAt, userId } = await this.ctx.tokens.refreshAgent(token)
    return { token: fresh, expiresAt: expiresAt.toISOString(), ...(await this.me(userId)) }
  }

  async me(userId: string): Promise<Omit<AgentSession, 'token' | 'expiresAt'>> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: userId } })
    if (!user) throw new AppError('unauthorized', 'unknown user')
    const memberships = await this.ctx.db.asUser(userId, (tx) =>
      tx.agent.findMany({ where: { userId }, include: { site: true }, orderBy: { createdAt: 'asc' } }),
    )
    return {
      user: { id: user.id, email: user.email, name: user.name, avatarUrl: user.avatarUrl },
      sites: memberships.map((m) => ({ siteId: m.siteId, siteName: m.site.name, agentId: m.id, role: m.role as 'admin' | 'agent' })),
    }
  }

  /** Checks an access token and the user's membership of the site. */
  async authenticate(token: unknown, siteId: unknown): Promise<AgentActor> {
    const { userId, expiresAt } = await this.ctx.tokens.verifyAgent(token)
    if (!isUuid(siteId)) throw new AppError('forbidden', 'not a member of this site')
    const site = siteId.toLowerCase()
    const agent = await this.ctx.db.inSite(site, (tx) => tx.agent.findUnique({ where: { siteId_userId: { siteId: site, userId } }, ...agentWithUser }))
    if (!agent) throw new AppError('forbidden', 'not a member of this site')
    // The site id as stored, so rooms and comparisons never depend on how the caller spelled it.
    return {
      kind: 'agent',
      siteId: agent.siteId,
      agentId: agent.id,
      userId,
      role: agent.role as AgentActor['role'],
      name: agentName(agent),
      ...(expiresAt !== undefined ? { tokenExpiresAt: expiresAt } : {}),
    }
  }

  async list(actor: AgentActor): Promise<AgentSummary[]> {
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const agents = await tx.agent.findMany({ where: { siteId: actor.siteId }, ...agentWithUser, orderBy: { createdAt: 'asc' } })
      // One transaction is one connection: its queries run one after another.
      const online = await this.presence.online(tx, 'agent')
      const loads = await activeLoads(tx, actor.siteId)
      return agents.map((a) => toAgentSummary(a, online.has(a.id), loads.get(a.id) ?? 0))
    })
  }

  /** Who is here: the site's agents (with status and load) and its connected visitors with their page. */
  async presenceList(actor: AgentActor): Promise<Presence> {
    const agents = await this.list(actor)
    const visitors = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const ids = [...(await this.presence.online(tx, 'visitor'))]
      return tx.visitor.findMany({ where: { id: { in: ids } }, select: { id: true, currentUrl: true, currentTitle: true } })
    })
    return {
      agents,
      visitors: visitors.map((v) => ({ visitorId: v.id, online: true, currentUrl: v.currentUrl, currentTitle: v.currentTitle })),
    }
  }

  async summary(tx: Tx, agentId: string): Promise<AgentSummary> {
    const a = await tx.agent.findUnique({ where: { id: agentId }, ...agentWithUser })
    if (!a) throw notFound('agent')
    const count = await this.presence.connections(tx, 'agent', agentId)
    const active = await tx.conversation.count({ where: { assignedAgentId: agentId, status: 'active' } })
    return toAgentSummary(a, count > 0, active)
  }

  /** Adds an agent to the site (an admin only), creating the user account if needed. */
  async create(actor: AgentActor, input: CreateAgent): Promise<AgentSummary> {
    requireAdmin(actor)
    const email = input.email.toLowerCase()
    const site = await this.ctx.db.prisma.site.findUniqueOrThrow({ where: { id: actor.siteId } })
    let user = await this.ctx.db.prisma.user.findUnique({ where: { email } })
    // Accounts are shared within an agency; another agency's users are not the admin's to add.
    if (user && user.agencyId !== null && user.agencyId !== site.agencyId) throw new AppError('conflict', 'this email is already in use')
    if (!user) {
      if (!input.password) throw new AppError('invalid_payload', 'invalid payload: password: required for a new account', [{ path: 'password', message: 'required for a new account' }])
      user = await this.ctx.db.prisma.user.create({
        data: { email, name: input.name, passwordHash: await hashPassword(input.password), agencyId: site.agencyId },
      })
    }
    const userId = user.id
    const summary = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const a = await tx.agent.create({
        data: {
          siteId: actor.siteId,
          userId,
          role: input.role ?? 'agent',
          maxConcurrentChats: input.maxConcurrentChats ?? 5,
          title: input.title ?? null,
          departments: input.departments ?? [],
        },
      })
      return this.summary(tx, a.id)
    })
    this.ctx.publish.agentUpdated(summary)
    return summary
  }

  /** Admins change anything; an agent may change their own status, name, title and whether they take new chats. */
  async update(actor: AgentActor, agentId: string, input: UpdateAgent): Promise<AgentSummary> {
    const self = agentId === actor.agentId
    const adminOnly = input.role !== undefined || input.maxConcurrentChats !== undefined || input.departments !== undefined
    if (actor.role !== 'admin' && (!self || adminOnly)) throw forbidden(self ? 'only a site admin may change role, capacity or departments' : 'only a site admin may change another agent')
    if (self && input.role === 'agent' && actor.role === 'admin') {
      const admins = await this.ctx.db.inSite(actor.siteId, (tx) => tx.agent.count({ where: { role: 'admin' } }))
      if (admins <= 1) throw new AppError('invalid_state', 'a site needs at least one admin')
    }
    const summary = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const found = await tx.agent.findUnique({ where: { id: agentId }, select: { id: true } })
      if (!found) throw notFound('agent')
      await tx.agent.update({ where: { id: agentId }, data: input })
      return this.summary(tx, agentId)
    })
    await this.announce(summary)
    return summary
  }

  async setStatus(actor: AgentActor, status: AgentStatus): Promise<AgentSummary> {
    return this.update(actor, actor.agentId, { status })
  }

  /** A socket of this agent connected. Connecting to work makes an "offline" agent online. */
  async connected(actor: AgentActor, socketId: string): Promise<void> {
    const summary = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await this.presence.add(tx, { socketId, siteId: actor.siteId, kind: 'agent', agentId: actor.agentId })
      await tx.agent.updateMany({ where: { id: actor.agentId, status: 'offline' }, data: { status: 'online' } })
      return this.summary(tx, actor.agentId)
    })
    await this.announce(summary)
  }

  async disconnected(actor: AgentActor, socketId: string): Promise<void> {
    const summary = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await this.presence.remove(tx, socketId)
      return this.summary(tx, actor.agentId)
    })
    if (!summary.online) await this.announce(summary)
  }

  /** Tells the site's agents and visitors, and lets the queue move if capacity appeared. */
  private async announce(summary: AgentSummary): Promise<void> {
    this.ctx.publish.agentUpdated(summary)
    const online = await this.ctx.db.inSite(summary.siteId, (tx) => siteOnline(tx, summary.siteId))
    this.ctx.publish.availability(summary.siteId, online)
    if (summary.online && summary.status === 'online') await this.routing.drain(summary.siteId)
  }
}

async function activeLoads(tx: Tx, siteId: string): Promise<Map<string, number>> {
  const rows = await tx.conversation.groupBy({
    by: ['assignedAgentId'],
    where: { siteId, status: 'active', assignedAgentId: { not: null } },
    _count: { _all: true },
  })
  return new Map(rows.map((r) => [r.assignedAgentId!, r._count._all]))
}
