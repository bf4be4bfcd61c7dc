// SLA policies: how soon a site's conversations get a first reply, each next reply and their
// resolution, per team and priority, in business hours. Every member reads them; admins write
// them, each change in the audit log. The clocks themselves: clocks.ts (which policy applies,
// when a clock is due), job.ts (due times and breaches).
import type { CreateSlaPolicy, SlaPolicy, UpdateSlaPolicy } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { requireAdmin } from '../sites/service.js'
import { checkTeam } from '../teams/service.js'
import { unsettle } from './clocks.js'

/** Policies a site may have. */
export const MAX_SLA_POLICIES = 100

type Row = Prisma.SlaPolicyGetPayload<object>

export function toSlaPolicy(r: Row): SlaPolicy {
  return {
    id: r.id,
    siteId: r.siteId,
    name: r.name,
    teamId: r.teamId,
    priority: r.priority as SlaPolicy['priority'],
    firstResponseMinutes: r.firstResponseMinutes,
    nextResponseMinutes: r.nextResponseMinutes,
    resolutionMinutes: r.resolutionMinutes,
    businessHours: r.businessHours,
    createdAt: r.createdAt.toISOString(),
  }
}

const TARGETS = ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const

export class SlaService {
  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
  ) {}

  async list(actor: AgentActor): Promise<SlaPolicy[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) => tx.slaPolicy.findMany({ where: { siteId: actor.siteId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }))
    return rows.map(toSlaPolicy)
  }

  async create(actor: AgentActor, input: CreateSlaPolicy): Promise<SlaPolicy> {
    requireAdmin(actor)
    return this.write(actor, async (tx) => {
      if ((await tx.slaPolicy.count({ where: { siteId: actor.siteId } })) >= MAX_SLA_POLICIES) throw invalidState(`a site may have at most ${MAX_SLA_POLICIES} SLA policies`)
      await checkTeam(tx, actor.siteId, input.teamId)
      const scope = { teamId: input.teamId ?? null, priority: input.priority ?? null }
      await this.uniqueScope(tx, actor.siteId, scope)
      const row = await tx.slaPolicy.create({
        data: {
          siteId: actor.siteId,
          name: input.name,
          ...scope,
          firstResponseMinutes: input.firstResponseMinutes ?? null,
          nextResponseMinutes: input.nextResponseMinutes ?? null,
          resolutionMinutes: input.resolutionMinutes ?? null,
          businessHours: input.businessHours ?? true,
        },
      })
      await this.record(tx, actor, 'sla_policy.created', row, { ...toSlaPolicy(row), id: undefined, siteId: undefined, createdAt: undefined })
      return toSlaPolicy(row)
    })
  }

  /** Changes a policy. Running clocks take it: their due times are set again by the SLA job. */
  async update(actor: AgentActor, id: string, input: UpdateSlaPolicy): Promise<SlaPolicy> {
    requireAdmin(actor)
    return this.write(actor, async (tx) => {
      const found = await tx.slaPolicy.findFirst({ where: { siteId: actor.siteId, id } })
      if (!found) throw notFound('SLA policy')
      const after = { ...found, ...input }
      if (TARGETS.every((t) => after[t] == null)) throw new AppError('invalid_payload', 'invalid payload: a policy needs at least one target', [{ path: 'firstResponseMinutes', message: 'a policy needs at least one target' }])
      if (input.teamId !== undefined) await checkTeam(tx, actor.siteId, input.teamId)
      if (input.teamId !== undefined || input.priority !== undefined) await this.uniqueScope(tx, actor.siteId, { teamId: after.teamId, priority: after.priority }, id)
      const row = await tx.slaPolicy.update({ where: { id }, data: input })
      const before = toSlaPolicy(found)
      const now = toSlaPolicy(row)
      const changed: Record<string, unknown> = {}
      for (const k of Object.keys(input) as (keyof SlaPolicy)[]) if (before[k] !== now[k]) changed[k] = { from: before[k], to: now[k] }
      if (Object.keys(changed).length) await this.record(tx, actor, 'sla_policy.updated', row, changed)
      await unsettle(tx, actor.siteId)
      return now
    })
  }

  /** Deletes a policy. Running clocks it set are set again by what applies now (none: they stop). */
  async remove(actor: AgentActor, id: string): Promise<void> {
    requireAdmin(actor)
    await this.write(actor, async (tx) => {
      const found = await tx.slaPolicy.findFirst({ where: { siteId: actor.siteId, id } })
      if (!found) throw notFound('SLA policy')
      await tx.slaPolicy.delete({ where: { id } })
      await this.record(tx, actor, 'sla_policy.deleted', found, { name: found.name })
      await unsettle(tx, actor.siteId)
    })
  }

  /** One policy per team and priority (null included): which applies is never a tie. */
  private async uniqueScope(tx: Tx, siteId: string, scope: { teamId: string | null; priority: string | null }, except?: string): Promise<void> {
    const same = await tx.slaPolicy.findFirst({ where: { siteId, teamId: scope.teamId, priority: scope.priority, ...(except ? { NOT: { id: except } } : {}) }, select: { id: true } })
    if (same) throw new AppError('conflict', 'another SLA policy of this site has the same team and priority')
  }

  /** A change to the site's policies: scoped to the site and its agency (for the audit log), serialised per site. */
  private write<T>(actor: AgentActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'sla:' + actor.siteId}, 0))`
      return fn(tx)
    })
  }

  private record(tx: Tx, actor: AgentActor, action: 'sla_policy.created' | 'sla_policy.updated' | 'sla_policy.deleted', p: { id: string; name: string }, data: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: actor.siteId, action, actor: auditActor(actor), target: { type: 'sla_policy', id: p.id, label: p.name }, data, meta: auditMeta(actor) })
  }
}
