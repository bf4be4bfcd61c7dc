// Agents: login, site memberships, status and capacity, presence. An agent acts only in
// sites they belong to: every request names the site and is checked against a membership.
import type { AgencyRole, AgentSession, AgentStatus, AgentSummary, CreateAgent, Presence, TwoFactorRequired, UpdateAgent } from '@live-chat/protocol'
import type { RequestMeta, SessionService } from '../accounts/sessions.js'
import type { AuditService } from '../audit/service.js'
import { hashPassword, verifyPassword } from '../shared/auth.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import { agentName, agentWithUser, effectiveRole, toAgentSummary } from '../shared/map.js'
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
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks email and password and signs in on a new session; a deactivated account is refused
   * once the password was right (saying so reveals nothing to someone who does not know it).
   * With two-factor on (or required by the agency), answers the second step's challenge instead.
   */
  async login(email: string, password: string, meta: RequestMeta = {}): Promise<AgentSession | TwoFactorRequired> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { email: email.toLowerCase() }, include: { agency: { select: { requireTwoFactor: true } } } })
    const ok = await verifyPassword(user?.passwordHash ?? null, password)
    if (!user || !ok) {
      if (user?.agencyId) await this.audit.record({ agencyId: user.agencyId, action: 'auth.login_failed', actor: { type: 'user', id: user.id, label: user.email }, data: { reason: 'wrong_password' }, meta })
      throw new AppError('unauthorized', 'wrong email or password')
    }
    if (user.deactivatedAt) throw new AppError('forbidden', 'this account was removed from its agency')
    const second = this.secondFactor?.(user)
    if (second) return second
    return this.signIn(user.id, meta)
  }

  /**
   * The second sign-in step's hook (accounts/two-factor.ts sets it): a challenge to answer when
   * the user has two-factor on or their agency requires it, else undefined.
   */
  secondFactor?: (user: { id: string; totpEnabledAt: Date | null; agency: { requireTwoFactor: boolean } | null }) => Promise<TwoFactorRequired> | undefined

  /** Starts a session for a user whose credentials were checked, and records the sign-in. */
  async signIn(userId: string, meta: RequestMeta): Promise<AgentSession> {
    const { token, expiresAt, sessionId } = await this.sessions.start(userId, meta)
    const profile = await this.me(userId, sessionId)
    if (profile.agency) await this.audit.record({ agencyId: profile.agency.id, action: 'auth.login', actor: { type: 'user', id: userId, label: profile.user.name }, data: { sessionId }, meta })
    return { token, expiresAt: expiresAt.toISOString(), ...profile }
  }

  /** A fresh access token for a valid one whose session still stands, with the profile as it is now. */
  async refresh(token: unknown): Promise<AgentSession> {
    const claims = await this.ctx.tokens.verifyAgent(token)
    await this.sessions.check(claims)
    const { token: fresh, expiresAt } = await this.ctx.tokens.refreshAgent(claims)
    return { token: fresh, expiresAt: expiresAt.toISOString(), ...(await this.me(claims.userId, claims.sessionId)) }
  }

  /** The profile of the token's user, once the token's session is checked. */
  async profile(token: unknown): Promise<Omit<AgentSession, 'token' | 'expiresAt'>> {
    const claims = await this.ctx.tokens.verifyAgent(token)
    await this.sessions.check(claims)
    return this.me(claims.userId, claims.sessionId)
  }

  async me(userId: string, sessionId: string): Promise<Omit<AgentSession, 'token' | 'expiresAt'>> {
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: userId }, include: { agency: true } })
    if (!user) throw new AppError('unauthorized', 'unknown user')
    const memberships = await this.ctx.db.asUser(userId, (tx) =>
      tx.agent.findMany({ where: { userId, removedAt: null }, include: { site: true }, orderBy: { createdAt: 'asc' } }),
    )
    return {
      user: { id: user.id, email: user.email, name: user.name, avatarUrl: user.avatarUrl, twoFactorEnabled: user.totpEnabledAt !== null },
      sites: memberships.map((m) => ({ siteId: m.siteId, siteName: m.site.name, agentId: m.id, role: effectiveRole({ role: m.role, user }) })),
      agency: user.agency ? { id: user.agency.id, name: user.agency.name, role: user.agencyRole as AgencyRole, requireTwoFactor: user.agency.requireTwoFactor } : null,
      sessionId,
    }
  }

  /**
   * Checks an access token (signature, expiry, that its session still stands) and the user's
   * membership of the site, in one transaction; the actor's role is the effective one.
   */
  async authenticate(token: unknown, siteId: unknown, meta: RequestMeta = {}): Promise<AgentActor> {
    const claims = await this.ctx.tokens.verifyAgent(token)
    const { userId, expiresAt } = claims
    if (!isUuid(siteId)) throw new AppError('forbidden', 'not a member of this site')
    const site = siteId.toLowerCase()
    const agent = await this.ctx.db.scoped({ siteId: site, userId }, async (tx) => {
      await this.sessions.check(claims, tx)
      return tx.agent.findFirst({ where: { siteId: site, userId, removedAt: null }, include: { user: true, site: { select: { agencyId: true } } } })
    })
    if (!agent) throw new AppError('forbidden', 'not a member of this site')
    // The site id as stored, so rooms and comparisons never depend on how the caller spelled it.
    return {
      kind: 'agent',
      siteId: agent.siteId,
      agencyId: agent.site.agencyId,
      agentId: agent.id,
      userId,
      role: effectiveRole(agent),
      name: agentName(agent),
      sessionId: claims.sessionId,
      ...(expiresAt !== undefined ? { tokenExpiresAt: expiresAt } : {}),
      ...(meta.ip ? { ip: meta.ip } : {}),
      ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
    }
  }

  async list(actor: AgentActor): Promise<AgentSummary[]> {
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const agents = await tx.agent.findMany({ where: { siteId: actor.siteId, removedAt: null }, ...agentWithUser, orderBy: { createdAt: 'asc' } })
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
      const admins = await this.ctx.db.inSite(actor.siteId, (tx) => tx.agent.count({ where: { role: 'admin', removedAt: null } }))
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
