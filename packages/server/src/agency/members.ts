// The people of an agency: who they are, their agency role, and removing them. Owners and admins
// manage members; only owners make or unmake owners; the agency keeps at least one owner; nobody
// changes their own role or removes themselves. Changes of one agency's members are serialised
// (its row is locked), so two owners demoting each other at once cannot leave it without one.
import type { AgencyRole, Member, UpdateMember } from '@live-chat/protocol'
import { notifyAuth, type SessionService } from '../accounts/sessions.js'
import type { AgentService, Removal } from '../agents/service.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { Prisma } from '../generated/prisma/client.js'
import type { AgencyActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { forbidden, invalidState, notFound } from '../shared/errors.js'
import { effectiveRole } from '../shared/map.js'
import { grantAgencySites } from './memberships.js'
import { requireAgencyAdmin } from './service.js'

type UserRow = Prisma.UserGetPayload<object>

const isAdminRole = (role: string) => role === 'owner' || role === 'admin'

export class MemberService {
  constructor(
    private readonly ctx: Context,
    private readonly agents: AgentService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /** The agency's active members, oldest first (owners and admins only). */
  async list(actor: AgencyActor): Promise<Member[]> {
    requireAgencyAdmin(actor)
    return this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      const users = await tx.user.findMany({ where: { agencyId: actor.agencyId, deactivatedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
      return this.members(tx, actor.agencyId, users)
    })
  }

  /** Changes a member's agency role (see the top of this file); their site memberships follow. */
  async updateRole(actor: AgencyActor, userId: string, input: UpdateMember): Promise<Member> {
    requireAgencyAdmin(actor)
    if (actor.key) throw forbidden('API keys cannot change roles')
    if (userId === actor.userId) throw forbidden('nobody changes their own role')
    const to = input.role
    const { member, removals } = await this.ctx.db.scoped({ agencyId: actor.agencyId, userId }, async (tx) => {
      const { me, target } = await this.lockAndLoad(tx, actor, userId)
      const from = target.agencyRole as AgencyRole
      const removals: Removal[] = []
      if (from !== to) {
        if ((from === 'owner' || to === 'owner') && me !== 'owner') throw forbidden('only an owner makes or unmakes owners')
        if (from === 'owner') await requireAnotherOwner(tx, actor.agencyId, userId)
        await tx.user.update({ where: { id: userId }, data: { agencyRole: to } })
        if (!isAdminRole(from) && isAdminRole(to)) await grantAgencySites(tx, actor.agencyId, userId)
        if (isAdminRole(from) && !isAdminRole(to)) {
          // The memberships the agency role gave go (their conversations back to the queue); the user's own stay.
          const given = await tx.agent.findMany({ where: { userId, viaAgency: true, removedAt: null, site: { agencyId: actor.agencyId } } })
          for (const m of given) removals.push(await this.agents.removeIn(tx, m, null))
        }
        if (isAdminRole(from) !== isAdminRole(to)) {
          // Their role on every site they stay on changed: live sockets reconnect with it.
          const kept = await tx.agent.findMany({ where: { userId, removedAt: null, site: { agencyId: actor.agencyId } }, select: { siteId: true } })
          for (const { siteId } of kept) await notifyAuth(tx, { kind: 'changed', userId, siteId, reason: 'role_changed' })
        }
        await this.audit.recordIn(tx, {
          agencyId: actor.agencyId,
          action: 'member.role_changed',
          actor: auditActor(actor),
          target: { type: 'user', id: userId, label: target.email },
          data: { from, to, sitesLeft: removals.length },
          meta: auditMeta(actor),
        })
      }
      const [member] = await this.members(tx, actor.agencyId, [{ ...target, agencyRole: to }])
      return { member: member!, removals }
    })
    await this.agents.afterRemoval(removals)
    return member
  }

  /**
   * Removes someone from the agency: from every site (as an agent removed from a site), every
   * session ended at once, the account deactivated (it cannot sign in; its rows stay for history).
   */
  async remove(actor: AgencyActor, userId: string): Promise<void> {
    requireAgencyAdmin(actor)
    if (userId === actor.userId) throw forbidden('you cannot remove yourself from the agency')
    const removals = await this.ctx.db.scoped({ agencyId: actor.agencyId, userId }, async (tx) => {
      const { me, target } = await this.lockAndLoad(tx, actor, userId)
      if (target.agencyRole === 'owner') {
        if (me !== 'owner') throw forbidden('only an owner removes an owner')
        await requireAnotherOwner(tx, actor.agencyId, userId)
      }
      const memberships = await tx.agent.findMany({ where: { userId, removedAt: null, site: { agencyId: actor.agencyId } } })
      const removals: Removal[] = []
      for (const m of memberships) removals.push(await this.agents.removeIn(tx, m, null))
      await this.sessions.revokeIn(tx, userId, {}, 'removed')
      await tx.user.update({ where: { id: userId }, data: { deactivatedAt: new Date(), agencyRole: 'member' } })
      await this.audit.recordIn(tx, {
        agencyId: actor.agencyId,
        action: 'member.removed',
        actor: auditActor(actor),
        target: { type: 'user', id: userId, label: target.email },
        data: { role: target.agencyRole, sites: memberships.map((m) => m.siteId) },
        meta: auditMeta(actor),
      })
      return removals
    })
    await this.agents.afterRemoval(removals)
  }

  /**
   * Locks the agency's row for the rest of the transaction, then reads the actor's role as it is
   * now (a key, or the operator's CLI, acts as what it was given) and the target, a member of the
   * agency still active.
   */
  private async lockAndLoad(tx: Tx, actor: AgencyActor, userId: string): Promise<{ me: AgencyRole; target: UserRow }> {
    await tx.$queryRaw`SELECT id FROM agencies WHERE id = ${actor.agencyId}::uuid FOR UPDATE`
    let me = actor.role
    if (!actor.key && !actor.operator) {
      const fresh = await tx.user.findUnique({ where: { id: actor.userId }, select: { agencyRole: true, agencyId: true, deactivatedAt: true } })
      if (!fresh || fresh.agencyId !== actor.agencyId || fresh.deactivatedAt) throw forbidden('not a member of this agency')
      me = fresh.agencyRole as AgencyRole
      if (!isAdminRole(me)) throw forbidden('only an agency owner or admin may do this')
    }
    const target = await tx.user.findFirst({ where: { id: userId, agencyId: actor.agencyId, deactivatedAt: null } })
    if (!target) throw notFound('member')
    return { me, target }
  }

  /** Members as the wire shows them, with their sites and when they were last seen. */
  private async members(tx: Tx, agencyId: string, users: UserRow[]): Promise<Member[]> {
    const ids = users.map((u) => u.id)
    const memberships = await tx.agent.findMany({
      where: { userId: { in: ids }, removedAt: null, site: { agencyId } },
      include: { site: { select: { name: true } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })
    const lastSeen = await lastSeenOf(tx, ids)
    return users.map((u) => ({
      userId: u.id,
      email: u.email,
      name: u.name,
      role: u.agencyRole as AgencyRole,
      twoFactorEnabled: u.totpEnabledAt !== null,
      createdAt: u.createdAt.toISOString(),
      lastSeenAt: lastSeen.get(u.id)?.toISOString() ?? null,
      sites: memberships
        .filter((m) => m.userId === u.id)
        .map((m) => ({ siteId: m.siteId, siteName: m.site.name, agentId: m.id, role: effectiveRole({ role: m.role, user: u }) })),
    }))
  }
}

async function requireAnotherOwner(tx: Tx, agencyId: string, userId: string): Promise<void> {
  const others = await tx.user.count({ where: { agencyId, agencyRole: 'owner', deactivatedAt: null, NOT: { id: userId } } })
  if (others === 0) throw invalidState('the agency needs at least one owner')
}

/**
 * When each user's sessions were last used. Row-level security shows a transaction one user's
 * sessions (app.user_id), so the setting moves from member to member within the caller's
 * transaction (as enterSite does between sites), leaving it on the last one.
 */
async function lastSeenOf(tx: Tx, userIds: string[]): Promise<Map<string, Date>> {
  const seen = new Map<string, Date>()
  for (const userId of userIds) {
    await tx.$executeRaw`SELECT set_config('app.user_id', ${userId}, true)`
    const { _max } = await tx.userSession.aggregate({ where: { userId }, _max: { lastSeenAt: true } })
    if (_max.lastSeenAt) seen.set(userId, _max.lastSeenAt)
  }
  return seen
}
