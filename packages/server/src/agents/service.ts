// Agents: login, site memberships, status and capacity, presence. An agent acts only in
// sites they belong to: every request names the site and is checked against a membership.
import type { AgencyRole, AgentSession, AuditAction, AgentStatus, AgentSummary, CreateAgent, Presence, TwoFactorRequired, UpdateAgent } from '@live-chat/protocol'
import { notifyAuth, type RequestMeta, type SessionService } from '../accounts/sessions.js'
import { addMembership, enterSite } from '../agency/memberships.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import { hashPassword, verifyPassword } from '../shared/auth.js'
import { NO_AGENT, type AgentActor, type Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, invalidState, notFound } from '../shared/errors.js'
import { agentForSummary, agentName, agentWithUser, effectiveRole, toAgentSummary } from '../shared/map.js'
import { setAgentTeams } from '../teams/service.js'
import type { ConversationService, Requeued } from '../conversations/service.js'
import type { Routing } from '../conversations/routing.js'
import type { PresenceService } from '../presence/service.js'
import { siteAvailability } from '../sites/availability.js'
import { requireAdmin } from '../sites/service.js'
import { isUuid } from '../shared/params.js'

export class AgentService {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    private readonly routing: Routing,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly conversations: ConversationService,
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
      const agents = await tx.agent.findMany({ where: { siteId: actor.siteId, removedAt: null }, ...agentForSummary, orderBy: { createdAt: 'asc' } })
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
    const summary = await this.memberSummary(tx, agentId)
    if (!summary) throw notFound('agent')
    return summary
  }

  /** The membership's summary, or null when it was removed (or never was). */
  private async memberSummary(tx: Tx, agentId: string): Promise<AgentSummary | null> {
    const a = await tx.agent.findUnique({ where: { id: agentId }, ...agentForSummary })
    if (!a || a.removedAt) return null
    const count = await this.presence.connections(tx, 'agent', agentId)
    const active = await tx.conversation.count({ where: { assignedAgentId: agentId, status: 'active' } })
    return toAgentSummary(a, count > 0, active)
  }

  /**
   * Adds someone to the site (an admin only), in one transaction. A new email gets an account in
   * the site's agency (agency role member); an account of the agency (or of none yet, which then
   * joins it) gets the membership; a membership removed before is brought back. An account of
   * another agency, or one removed from this agency (invite them again), is refused (409).
   */
  async create(actor: AgentActor, input: CreateAgent): Promise<AgentSummary> {
    requireAdmin(actor)
    const email = input.email.toLowerCase()
    const existing = await this.ctx.db.prisma.user.findUnique({ where: { email } })
    // Accounts belong to one agency; another agency's users are not this admin's to add.
    if (existing?.agencyId && existing.agencyId !== actor.agencyId) throw new AppError('conflict', 'this email is already in use')
    if (existing?.deactivatedAt) throw new AppError('conflict', 'this account was removed from the agency; invite them again')
    if (!existing && !input.password) throw new AppError('invalid_payload', 'invalid payload: password: required for a new account', [{ path: 'password', message: 'required for a new account' }])
    const passwordHash = existing ? null : await hashPassword(input.password!)
    const summary = await this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
      let userId: string
      if (existing) {
        userId = existing.id
        // An account of no agency yet joins this one (unless another agency took it meanwhile).
        const joined = existing.agencyId ? 1 : (await tx.user.updateMany({ where: { id: userId, agencyId: null }, data: { agencyId: actor.agencyId, agencyRole: 'member' } })).count
        if (!joined && (await tx.user.findUniqueOrThrow({ where: { id: userId } })).agencyId !== actor.agencyId) throw new AppError('conflict', 'this email is already in use')
      } else {
        userId = (await tx.user.create({ data: { email, name: input.name, passwordHash: passwordHash!, agencyId: actor.agencyId } })).id
      }
      const fields = {
        role: input.role ?? 'agent',
        maxConcurrentChats: input.maxConcurrentChats ?? 5,
        title: input.title ?? null,
      }
      const { agentId, added, restored } = await addMembership(tx, actor.siteId, userId, fields)
      if (!added) throw new AppError('conflict', 'already a member of this site')
      if (input.teamIds) await setAgentTeams(tx, actor.siteId, agentId, input.teamIds)
      const summary = await this.summary(tx, agentId)
      await this.record(tx, actor, 'agent.added', agentId, summary.email, { role: fields.role, newAccount: !existing, restored })
      return summary
    })
    this.ctx.publish.agentUpdated(summary)
    return summary
  }

  /**
   * Admins change anything; an agent may change their own status, name, title and whether they
   * take new chats. A site keeps at least one admin; an agency owner's or admin's site role is
   * theirs by the agency role (change that instead). A new role makes the agent's live sockets on
   * the site reconnect with it.
   */
  async update(actor: AgentActor, agentId: string, input: UpdateAgent): Promise<AgentSummary> {
    const self = agentId === actor.agentId
    const adminOnly = input.role !== undefined || input.maxConcurrentChats !== undefined || input.teamIds !== undefined
    if (actor.role !== 'admin' && (!self || adminOnly)) throw forbidden(self ? 'only a site admin may change role, capacity or teams' : 'only a site admin may change another agent')
    const summary = await this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
      if (input.role !== undefined) await lockTeam(tx, actor.siteId)
      const found = await teamMember(tx, actor.siteId, agentId)
      const { teamIds, ...data } = input
      const teamsBefore = teamIds ? (await this.summary(tx, agentId)).teamIds : []
      if (teamIds) await setAgentTeams(tx, actor.siteId, agentId, teamIds)
      if (input.role !== undefined && agencyAdmin(found.user)) {
        if (input.role !== 'admin') throw invalidState('an agency owner or admin is an admin of every site of the agency; change their agency role instead')
        delete data.role
      } else if (input.role !== undefined && input.role !== 'admin' && found.role === 'admin') {
        await requireAnotherAdmin(tx, actor.siteId, agentId)
      }
      await tx.agent.update({ where: { id: agentId }, data })
      if (data.role !== undefined && data.role !== found.role) {
        await notifyAuth(tx, { kind: 'changed', userId: found.userId, siteId: actor.siteId, reason: 'role_changed' })
      }
      const changed: Record<string, { from: unknown; to: unknown }> = Object.fromEntries(
        AUDITED_FIELDS.filter((f) => data[f] !== undefined && JSON.stringify(data[f]) !== JSON.stringify(found[f])).map((f) => [f, { from: found[f], to: data[f] }]),
      )
      const summary = await this.summary(tx, agentId)
      if (teamIds && teamsBefore.join() !== summary.teamIds.join()) changed.teamIds = { from: teamsBefore, to: summary.teamIds }
      if (Object.keys(changed).length > 0) await this.record(tx, actor, 'agent.updated', agentId, found.user.email, changed)
      return summary
    })
    await this.announce(summary)
    return summary
  }

  /**
   * Removes an agent from the site (an admin only): see removeIn(). An agency owner or admin is
   * an admin of every site of the agency and cannot be removed from one (change their agency
   * role); a site keeps at least one admin.
   */
  async remove(actor: AgentActor, agentId: string): Promise<void> {
    requireAdmin(actor)
    const removal = await this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
      await lockTeam(tx, actor.siteId)
      const found = await teamMember(tx, actor.siteId, agentId)
      if (agencyAdmin(found.user)) throw invalidState('an agency owner or admin cannot be removed from one site; change their agency role instead')
      if (found.role === 'admin') await requireAnotherAdmin(tx, actor.siteId, agentId)
      const removal = await this.removeIn(tx, found, actor.agentId === NO_AGENT ? null : actor.agentId)
      await this.record(tx, actor, 'agent.removed', agentId, found.user.email, { role: found.role, requeued: removal.requeued.conversations.length })
      return removal
    })
    await this.afterRemoval([removal])
  }

  /**
   * Removes a membership inside the caller's transaction (which must allow the user's sessions'
   * notices and is pointed at the membership's site here): it is marked removed (history,
   * analytics and uploads keep it; it is never authenticated, listed or routed to again), its
   * open conversations go back to the queue, its personal canned responses are deleted (shared
   * ones stay), and its live sockets on the site are told and disconnected once this commits.
   * The one removal of a membership: a site admin's, and an agency's (demotion, removal).
   * Pass the result to afterRemoval() after the commit.
   */
  async removeIn(tx: Tx, m: { id: string; siteId: string; userId: string }, by: string | null): Promise<Removal> {
    await enterSite(tx, m.siteId)
    const { count } = await tx.agent.updateMany({ where: { id: m.id, removedAt: null }, data: { removedAt: new Date(), status: 'offline' } })
    if (count === 0) return { siteId: m.siteId, requeued: { siteId: m.siteId, conversations: [] } }
    const requeued = await this.conversations.requeueIn(tx, m.siteId, m.id, by)
    await tx.cannedResponse.deleteMany({ where: { siteId: m.siteId, createdById: m.id, isPersonal: true } })
    await tx.teamMember.deleteMany({ where: { siteId: m.siteId, agentId: m.id } })
    await notifyAuth(tx, { kind: 'changed', userId: m.userId, siteId: m.siteId, reason: 'removed' })
    return { siteId: m.siteId, requeued }
  }

  /** Records what an actor did to a membership of their site, in the caller's transaction (scoped to the agency). */
  private record(tx: Tx, actor: AgentActor, action: AuditAction, agentId: string, email: string, data: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: actor.siteId, action, actor: auditActor(actor), target: { type: 'agent', id: agentId, label: email }, data, meta: auditMeta(actor) })
  }

  /** After removals committed: their conversations are announced and routed again, and visitors learn whether the sites are still online. */
  async afterRemoval(removals: Removal[]): Promise<void> {
    for (const r of removals) {
      await this.conversations.announceRequeued(r.requeued)
      this.ctx.publish.availability(r.siteId, await this.ctx.db.inSite(r.siteId, (tx) => siteAvailability(tx, r.siteId)))
    }
  }

  async setStatus(actor: AgentActor, status: AgentStatus): Promise<AgentSummary> {
    return this.update(actor, actor.agentId, { status })
  }

  /**
   * A socket of this agent connected. Connecting to work makes an "offline" agent online. Says
   * whether the access it was let in with still stands: a removal or a sign-out that committed
   * while its handshake was under way (after the notice that would have ended it) is caught here.
   */
  async connected(actor: AgentActor, socketId: string): Promise<'ok' | 'removed' | 'revoked'> {
    const result = await this.ctx.db.scoped({ siteId: actor.siteId, userId: actor.userId }, async (tx) => {
      const member = await tx.agent.findFirst({ where: { id: actor.agentId, siteId: actor.siteId }, select: { removedAt: true } })
      if (!member || member.removedAt) return 'removed' as const
      const session = actor.sessionId ? await tx.userSession.findUnique({ where: { id: actor.sessionId }, select: { revokedAt: true } }) : null
      if (!session || session.revokedAt) return 'revoked' as const
      await lockPresence(tx, actor.agentId)
      const others = await this.presence.connections(tx, 'agent', actor.agentId)
      await this.presence.add(tx, { socketId, siteId: actor.siteId, kind: 'agent', agentId: actor.agentId })
      const woke = await tx.agent.updateMany({ where: { id: actor.agentId, status: 'offline' }, data: { status: 'online' } })
      // Another tab of an agent already connected and at work changes nothing anyone sees.
      return others > 0 && woke.count === 0 ? null : this.summary(tx, actor.agentId)
    })
    if (typeof result === 'string') return result
    // Announced only when the agent came online: a reconnect of many agents' tabs (a server lost)
    // would otherwise tell every agent and every visitor of the site again, once per tab.
    if (result) await this.announce(result)
    return 'ok'
  }

  async disconnected(actor: AgentActor, socketId: string): Promise<void> {
    const summary = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      await lockPresence(tx, actor.agentId)
      await this.presence.remove(tx, socketId)
      return this.memberSummary(tx, actor.agentId)
    })
    // A removed agent (or one of a deleted site) is not announced again.
    if (summary && !summary.online) await this.announce(summary)
  }

  /** Tells the site's agents and visitors, and lets the queue move if capacity appeared. */
  private async announce(summary: AgentSummary): Promise<void> {
    this.ctx.publish.agentUpdated(summary)
    this.ctx.publish.availability(summary.siteId, await this.ctx.db.inSite(summary.siteId, (tx) => siteAvailability(tx, summary.siteId)))
    if (summary.online && summary.status === 'online') await this.routing.drain(summary.siteId)
  }
}

/** What removeIn() did, to finish after the commit (afterRemoval). */
export interface Removal {
  siteId: string
  requeued: Requeued
}

/** Fields whose change an admin makes and the audit log records (an agent's own status is not recorded). */
const AUDITED_FIELDS = ['role', 'maxConcurrentChats', 'displayName', 'title'] as const

/** An agency owner or admin: an admin of every site of the agency by that role. */
const agencyAdmin = (user: { agencyRole: string }) => user.agencyRole === 'owner' || user.agencyRole === 'admin'

/**
 * A membership of the site that was not removed. Always named with the site: a transaction that
 * also names the agency (for its audit log) sees every membership of the agency's sites.
 */
async function teamMember(tx: Tx, siteId: string, agentId: string) {
  const found = await tx.agent.findFirst({ where: { id: agentId, siteId, removedAt: null }, ...agentWithUser })
  if (!found) throw notFound('agent')
  return found
}

/**
 * Serialises one agent's connections and disconnections (all processes): each then sees the
 * others' rows, so a tab opening while another closes cannot leave both thinking the other is
 * there (no announcement, and the agent shown offline while connected).
 */
async function lockPresence(tx: Tx, agentId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'presence:' + agentId}, 0))`
}

/** Serialises changes to a site's team that must keep an admin (role changes, removals). */
async function lockTeam(tx: Tx, siteId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'team:' + siteId}, 0))`
}

async function requireAnotherAdmin(tx: Tx, siteId: string, agentId: string): Promise<void> {
  const others = await tx.agent.count({ where: { siteId, role: 'admin', removedAt: null, NOT: { id: agentId } } })
  if (others === 0) throw invalidState('a site needs at least one admin')
}

async function activeLoads(tx: Tx, siteId: string): Promise<Map<string, number>> {
  const rows = await tx.conversation.groupBy({
    by: ['assignedAgentId'],
    where: { siteId, status: 'active', assignedAgentId: { not: null } },
    _count: { _all: true },
  })
  return new Map(rows.map((r) => [r.assignedAgentId!, r._count._all]))
}
