// Agencies: who acts on an agency as a whole (agency routes, /api/agency/*), and the agency itself.
// A user acts with their agency role; members, sites, invitations, API keys and the audit log
// each have their own service, which take the AgencyActor made here.
import type { Agency, AgencyRole, ApiKeyScope, UpdateAgency } from '@live-chat/protocol'
import type { RequestMeta, SessionService } from '../accounts/sessions.js'
import type { ApiKeyService } from '../api-keys/service.js'
import type { RequestRoute } from '../api-keys/scopes.js'
import type { AuditService } from '../audit/service.js'
import { auditActor, auditMeta } from '../audit/service.js'
import type { AgencyActor, Context } from '../shared/context.js'
import crypto from 'node:crypto'
import { NO_AGENT } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, notFound } from '../shared/errors.js'
import type { AuditWho } from '../audit/service.js'
import { isApiKey } from '../shared/secrets.js'

export class AgencyService {
  constructor(
    private readonly ctx: Context,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /**
   * The actor of agency routes: an agent access token (its session checked) and the user's
   * agency, or an agency-wide API key whose scopes allow `route` (see api-keys/scopes.ts).
   */
  async authenticate(token: unknown, meta: RequestMeta = {}, route?: RequestRoute): Promise<AgencyActor> {
    if (isApiKey(token)) return this.apiKeys.agencyActor(token, route, meta)
    const claims = await this.ctx.tokens.verifyAgent(token)
    await this.sessions.check(claims)
    const user = await this.ctx.db.prisma.user.findUnique({ where: { id: claims.userId }, select: { agencyId: true, agencyRole: true, name: true } })
    if (!user?.agencyId) throw forbidden('this account is not in an agency')
    return {
      kind: 'agency',
      agencyId: user.agencyId,
      userId: claims.userId,
      role: user.agencyRole as AgencyRole,
      name: user.name,
      sessionId: claims.sessionId,
      ...(meta.ip ? { ip: meta.ip } : {}),
      ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
    }
  }

  /** The operator's actor on an agency (CLI): an owner, recorded in the audit log as the operator. */
  async operator(agencyId: string): Promise<AgencyActor> {
    const agency = await this.ctx.db.prisma.agency.findUnique({ where: { id: agencyId }, select: { id: true } })
    if (!agency) throw notFound('agency')
    return { kind: 'agency', agencyId, userId: NO_AGENT, role: 'owner', name: 'operator (CLI)', operator: true }
  }

  /** A new, empty agency (first-run setup and the operator CLI make one). */
  async create(name: string, by: AuditWho, tx?: Tx): Promise<{ id: string; name: string; createdAt: Date }> {
    const run = async (t: Tx) => {
      const id = crypto.randomUUID()
      await t.$executeRaw`SELECT set_config('app.agency_id', ${id}, true)`
      const agency = await t.agency.create({ data: { id, name }, select: { id: true, name: true, createdAt: true } })
      await this.audit.recordIn(t, { agencyId: id, action: 'agency.created', actor: by, target: { type: 'agency', id, label: name } })
      return agency
    }
    return tx ? run(tx) : this.ctx.db.prisma.$transaction(run)
  }

  async get(actor: AgencyActor): Promise<Agency> {
    const a = await this.ctx.db.prisma.agency.findUniqueOrThrow({ where: { id: actor.agencyId } })
    return { id: a.id, name: a.name, requireTwoFactor: a.requireTwoFactor, createdAt: a.createdAt.toISOString(), role: actor.role }
  }

  async update(actor: AgencyActor, input: UpdateAgency): Promise<Agency> {
    requireAgencyAdmin(actor)
    if (actor.key) throw forbidden('API keys cannot change the agency')
    await this.ctx.db.inAgency(actor.agencyId, async (tx) => {
      await tx.agency.update({ where: { id: actor.agencyId }, data: input })
      await this.audit.recordIn(tx, { agencyId: actor.agencyId, action: 'agency.updated', actor: auditActor(actor), target: { type: 'agency', id: actor.agencyId }, data: { ...input }, meta: auditMeta(actor) })
    })
    return this.get(actor)
  }
}

/** An agency owner or admin (or an agency-wide API key: its scopes are checked per route). */
export function requireAgencyAdmin(actor: AgencyActor): void {
  if (actor.role !== 'owner' && actor.role !== 'admin') throw new AppError('forbidden', 'only an agency owner or admin may do this')
}
