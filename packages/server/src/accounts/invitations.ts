// Invitations: an agency owner or admin invites anyone (as agency admin or member, to any of the
// agency's sites); a site admin who is a member invites members to the sites they administer. The
// invitee gets a single-use link (7 days, only its hash stored) by email, or the admin hands it
// over when the server sends no email; accepting it sets name and password, makes the account
// with its memberships and signs in. An email that already has an account in the agency gets its
// memberships at once instead.
import crypto from 'node:crypto'
import { z } from 'zod'
import {
  AgentRoleSchema,
  type AcceptInvitation,
  type AgentRole,
  type AgentSession,
  type CreateInvitation,
  type Invitation,
  type InvitationPreview,
  type InvitationSent,
  type InvitationStatus,
  type ListInvitationsQuery,
} from '@live-chat/protocol'
import { addMembership, grantAgencySites } from '../agency/memberships.js'
import type { AgentService } from '../agents/service.js'
import type { AuditService } from '../audit/service.js'
import { auditActor, auditMeta } from '../audit/service.js'
import type { EmailService } from '../email/service.js'
import { invitationMail } from '../email/render.js'
import type { Prisma } from '../generated/prisma/client.js'
import { hashPassword } from '../shared/auth.js'
import { NO_AGENT, type AgencyActor, type Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, invalidState, notFound } from '../shared/errors.js'
import { makeLinkToken } from '../shared/secrets.js'
import { checkLink, dashboardLink, parseLink } from './links.js'
import type { RequestMeta } from './sessions.js'

export const INVITATION_TTL_MS = 7 * 24 * 3600_000

type Row = Prisma.InvitationGetPayload<object>
type SiteGrant = { siteId: string; role: AgentRole }
const StoredSites = z.array(z.object({ siteId: z.string(), role: AgentRoleSchema }))
const sitesOf = (row: Row): SiteGrant[] => StoredSites.catch([]).parse(row.sites)

/** Who may invite to which sites: every site of the agency, or the ones a member administers. */
type Reach = { all: true } | { all: false; siteIds: Set<string> }

const conflict = (message: string) => new AppError('conflict', message)

export class InvitationService {
  constructor(
    private readonly ctx: Context,
    private readonly emails: EmailService,
    private readonly agents: AgentService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AgencyActor, input: z.output<typeof CreateInvitation>): Promise<InvitationSent> {
    const email = input.email.toLowerCase()
    const sites = input.role === 'admin' ? [] : input.sites.map((s) => ({ siteId: s.siteId.toLowerCase(), role: s.role }))
    if (new Set(sites.map((s) => s.siteId)).size !== sites.length) throw badSites('a site is listed twice')
    const made = await this.ctx.db.scoped({ agencyId: actor.agencyId, userId: actor.userId }, async (tx) => {
      const reach = await this.reach(tx, actor)
      if (!reach.all) {
        if (input.role !== 'member') throw forbidden('only an agency owner or admin may invite an agency admin')
        if (sites.length === 0) throw badSites('name at least one site you administer')
      }
      await this.requireSites(tx, actor.agencyId, reach, sites)
      // One invitation decision per email at a time (two admins inviting the same person at once).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`invite:${actor.agencyId}:${email}`}, 0))`
      const user = await tx.user.findUnique({ where: { email } })
      if (user) return { added: await this.addExisting(tx, actor, user, input.role, sites) }
      const pending = await tx.invitation.findFirst({ where: { email, ...stillPending() } })
      if (pending) throw conflict('an invitation to this email is pending: resend or revoke it')
      const id = crypto.randomUUID()
      const { token, hash } = makeLinkToken(id)
      const row = await tx.invitation.create({
        data: { id, agencyId: actor.agencyId, email, agencyRole: input.role, sites, tokenHash: hash, invitedById: actor.userId === NO_AGENT ? null : actor.userId, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
      })
      await this.audit.recordIn(tx, {
        agencyId: actor.agencyId,
        action: 'invitation.created',
        actor: auditActor(actor),
        target: { type: 'invitation', id, label: email },
        data: { email, role: input.role, sites },
        meta: auditMeta(actor),
      })
      return { row, token }
    })
    if ('added' in made) return { invitation: null, emailed: false, added: true }
    return this.send(made.row, made.token)
  }

  async list(actor: AgencyActor, query: z.output<typeof ListInvitationsQuery>): Promise<Invitation[]> {
    const rows = await this.ctx.db.scoped({ agencyId: actor.agencyId, userId: actor.userId }, async (tx) => {
      const reach = await this.reach(tx, actor)
      const rows = await tx.invitation.findMany({ where: byStatus(query.status), orderBy: { createdAt: 'desc' }, take: 500 })
      return reach.all ? rows : rows.filter((r) => sitesOf(r).some((s) => reach.siteIds.has(s.siteId)))
    })
    return this.describe(rows)
  }

  /** A new link for a pending (or expired) invitation, valid 7 days from now; the old link stops working. */
  async resend(actor: AgencyActor, id: string): Promise<InvitationSent> {
    const { row, token } = await this.ctx.db.scoped({ agencyId: actor.agencyId, userId: actor.userId }, async (tx) => {
      const row = await this.managed(tx, actor, id)
      if (row.acceptedAt) throw invalidState('this invitation was already accepted')
      if (row.revokedAt) throw invalidState('this invitation was revoked')
      const { token, hash } = makeLinkToken(row.id)
      const updated = await tx.invitation.update({ where: { id: row.id }, data: { tokenHash: hash, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) } })
      await this.audit.recordIn(tx, { agencyId: actor.agencyId, action: 'invitation.resent', actor: auditActor(actor), target: { type: 'invitation', id: row.id, label: row.email }, meta: auditMeta(actor) })
      return { row: updated, token }
    })
    return this.send(row, token)
  }

  /** Revokes a pending invitation (revoking it again changes nothing); an accepted one is 409. */
  async revoke(actor: AgencyActor, id: string): Promise<void> {
    await this.ctx.db.scoped({ agencyId: actor.agencyId, userId: actor.userId }, async (tx) => {
      const row = await this.managed(tx, actor, id)
      if (row.acceptedAt) throw invalidState('this invitation was already accepted')
      if (row.revokedAt) return
      await tx.invitation.update({ where: { id: row.id }, data: { revokedAt: new Date() } })
      await this.audit.recordIn(tx, { agencyId: actor.agencyId, action: 'invitation.revoked', actor: auditActor(actor), target: { type: 'invitation', id: row.id, label: row.email }, meta: auditMeta(actor) })
    })
  }

  /** What the accept screen shows, for a link that can still be accepted. */
  async lookup(token: string): Promise<InvitationPreview> {
    const row = await this.find(token)
    const [agency, invitedBy, names] = await Promise.all([
      this.ctx.db.prisma.agency.findUnique({ where: { id: row.agencyId }, select: { name: true } }),
      this.inviterNames([row]),
      this.siteNames([row]),
    ])
    return {
      email: row.email,
      agencyName: agency?.name ?? '',
      invitedBy: row.invitedById ? (invitedBy.get(row.invitedById) ?? null) : null,
      role: row.agencyRole as 'admin' | 'member',
      sites: sitesOf(row).flatMap((s) => (names.has(s.siteId) ? [{ siteName: names.get(s.siteId)!, role: s.role }] : [])),
      expiresAt: row.expiresAt.toISOString(),
    }
  }

  /**
   * Makes the account with the invitation's agency role and site memberships, and signs it in.
   * The invitation is taken by a conditional update first: of two accepts at once, one wins and
   * the other finds it accepted (409).
   */
  async accept(input: AcceptInvitation, meta: RequestMeta): Promise<AgentSession> {
    const row = await this.find(input.token)
    if (await this.ctx.db.prisma.user.findUnique({ where: { email: row.email }, select: { id: true } })) throw conflict('this email has an account now: sign in instead')
    const passwordHash = await hashPassword(input.password)
    const userId = crypto.randomUUID()
    await this.ctx.db.scoped({ agencyId: row.agencyId, lookupId: row.id }, async (tx) => {
      const taken = await tx.invitation.updateMany({
        where: { id: row.id, tokenHash: row.tokenHash, ...stillPending() },
        data: { acceptedAt: new Date(), acceptedUserId: userId },
      })
      if (taken.count === 0) throw invalidState('this invitation was already used, revoked or has expired')
      await tx.user.create({ data: { id: userId, agencyId: row.agencyId, agencyRole: row.agencyRole, email: row.email, name: input.name, passwordHash } })
      const sites = sitesOf(row)
      if (row.agencyRole === 'admin') {
        await grantAgencySites(tx, row.agencyId, userId)
      } else {
        // Sites deleted since the invitation was made are skipped.
        const existing = new Set((await tx.site.findMany({ where: { id: { in: sites.map((s) => s.siteId) }, agencyId: row.agencyId }, select: { id: true } })).map((s) => s.id))
        for (const s of sites) if (existing.has(s.siteId)) await addMembership(tx, s.siteId, userId, { role: s.role })
      }
      await this.audit.recordIn(tx, {
        agencyId: row.agencyId,
        action: 'invitation.accepted',
        actor: { type: 'user', id: userId, label: input.name },
        target: { type: 'invitation', id: row.id, label: row.email },
        data: { role: row.agencyRole, sites },
        meta,
      })
    })
    return this.agents.signIn(userId, meta)
  }

  // ------------------------------------------------------------------ helpers

  /** The invitation of a link, once its secret matches and it is still pending. */
  private async find(token: string): Promise<Row> {
    const { id, secret } = parseLink(token, 'invitation')
    const row = await this.ctx.db.scoped({ lookupId: id }, (tx) => tx.invitation.findUnique({ where: { id } }))
    return checkLink(row, secret, 'invitation')
  }

  private async reach(tx: Tx, actor: AgencyActor): Promise<Reach> {
    if (actor.key) throw forbidden('invitations are managed by people, not API keys')
    if (actor.role === 'owner' || actor.role === 'admin') return { all: true }
    const admin = await tx.agent.findMany({ where: { userId: actor.userId, role: 'admin', removedAt: null, site: { agencyId: actor.agencyId } }, select: { siteId: true } })
    if (admin.length === 0) throw forbidden('only an agency owner or admin, or a site admin, may manage invitations')
    return { all: false, siteIds: new Set(admin.map((a) => a.siteId)) }
  }

  /** Every site must be the agency's (else 404) and within the actor's reach (else 403). */
  private async requireSites(tx: Tx, agencyId: string, reach: Reach, sites: SiteGrant[]): Promise<void> {
    if (sites.length === 0) return
    const found = await tx.site.count({ where: { id: { in: sites.map((s) => s.siteId) }, agencyId } })
    if (found !== sites.length) throw notFound('site')
    if (!reach.all && sites.some((s) => !reach.siteIds.has(s.siteId))) throw forbidden('you may invite only to the sites you administer')
  }

  /** An invitation of the actor's agency that the actor may manage (a site admin: member invitations to their sites only). */
  private async managed(tx: Tx, actor: AgencyActor, id: string): Promise<Row> {
    const reach = await this.reach(tx, actor)
    const row = await tx.invitation.findUnique({ where: { id } })
    if (!row) throw notFound('invitation')
    const sites = sitesOf(row)
    if (!reach.all && (row.agencyRole !== 'member' || sites.length === 0 || sites.some((s) => !reach.siteIds.has(s.siteId))))
      throw forbidden('you may manage only invitations to the sites you administer')
    return row
  }

  /**
   * The email already has an account: in this agency, its missing site memberships are granted
   * now (an agency owner or admin already has every site); anywhere else, 409.
   */
  private async addExisting(tx: Tx, actor: AgencyActor, user: Prisma.UserGetPayload<object>, role: 'admin' | 'member', sites: SiteGrant[]): Promise<true> {
    if (user.agencyId !== actor.agencyId) throw conflict('this email already has an account in another agency')
    if (user.deactivatedAt) throw conflict('this account was removed from the agency')
    if (role === 'admin' && user.agencyRole === 'member') throw conflict('this person is already a member of the agency: change their role in the team instead')
    if (user.agencyRole !== 'member') return true
    for (const s of sites) {
      if (!(await addMembership(tx, s.siteId, user.id, { role: s.role })).added) continue
      await this.audit.recordIn(tx, {
        agencyId: actor.agencyId,
        siteId: s.siteId,
        action: 'agent.added',
        actor: auditActor(actor),
        target: { type: 'user', id: user.id, label: user.email },
        data: { role: s.role, via: 'invitation' },
        meta: auditMeta(actor),
      })
    }
    return true
  }

  /** Emails the link; without email (or when sending failed) the answer carries it for the admin to hand over. */
  private async send(row: Row, token: string): Promise<InvitationSent> {
    const [invitation] = await this.describe([row])
    const link = dashboardLink(this.ctx.config.publicUrl, 'invite', token)
    const agency = await this.ctx.db.prisma.agency.findUnique({ where: { id: row.agencyId }, select: { name: true } })
    const mail = invitationMail({
      agencyName: agency?.name ?? 'an agency',
      invitedBy: invitation!.invitedBy,
      role: invitation!.role,
      sites: invitation!.sites.map((s) => s.siteName),
      link,
      expiresAt: row.expiresAt,
    })
    const emailed = await this.emails.accountMail(row.email, mail, 'invitation')
    return { invitation: invitation!, emailed, ...(emailed ? {} : { link }) }
  }

  private async describe(rows: Row[]): Promise<Invitation[]> {
    const [inviters, names] = await Promise.all([this.inviterNames(rows), this.siteNames(rows)])
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      role: r.agencyRole as 'admin' | 'member',
      sites: sitesOf(r).map((s) => ({ siteId: s.siteId, siteName: names.get(s.siteId) ?? '(deleted site)', role: s.role })),
      status: statusOf(r),
      invitedBy: r.invitedById ? (inviters.get(r.invitedById) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
    }))
  }

  private async inviterNames(rows: Row[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.flatMap((r) => (r.invitedById ? [r.invitedById] : [])))]
    if (ids.length === 0) return new Map()
    const users = await this.ctx.db.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    return new Map(users.map((u) => [u.id, u.name]))
  }

  private async siteNames(rows: Row[]): Promise<Map<string, string>> {
    const ids = [...new Set(rows.flatMap((r) => sitesOf(r).map((s) => s.siteId)))]
    if (ids.length === 0) return new Map()
    const sites = await this.ctx.db.prisma.site.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    return new Map(sites.map((s) => [s.id, s.name]))
  }
}

const stillPending = () => ({ acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }) satisfies Prisma.InvitationWhereInput

function byStatus(status: z.output<typeof ListInvitationsQuery>['status']): Prisma.InvitationWhereInput {
  const now = new Date()
  switch (status) {
    case 'pending':
      return stillPending()
    case 'accepted':
      return { acceptedAt: { not: null } }
    case 'revoked':
      return { acceptedAt: null, revokedAt: { not: null } }
    case 'expired':
      return { acceptedAt: null, revokedAt: null, expiresAt: { lte: now } }
    case 'all':
      return {}
  }
}

function statusOf(r: Row): InvitationStatus {
  if (r.acceptedAt) return 'accepted'
  if (r.revokedAt) return 'revoked'
  return r.expiresAt.getTime() <= Date.now() ? 'expired' : 'pending'
}

const badSites = (message: string) => new AppError('invalid_payload', `invalid body: sites: ${message}`, [{ path: 'sites', message }])
