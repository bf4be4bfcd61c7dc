// The agency's audit log: who did what, when, from where. Appended in the same transaction as
// the change it records wherever there is one (recordIn), so a change and its event commit
// together; the application role may read and append, never change or delete (see the accounts
// migration). Never holds a secret: callers pass only what changed.
import { AUDIT_ACTIONS, type AuditAction, type AuditEvent, type AuditQuery, type Page } from '@live-chat/protocol'
import type { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.js'
import { requireAgencyAdmin } from '../agency/service.js'
import { decodeCursor, encodeCursor } from '../conversations/service.js'
import type { AgencyActor, AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import type { RequestMeta } from '../accounts/sessions.js'

/** The audit log's query, parsed. */
export type AuditFilter = Omit<z.output<typeof AuditQuery>, 'cursor' | 'limit'>
type AuditRow = Prisma.AuditEventGetPayload<object>

/** Events per read of the CSV export. */
const EXPORT_BATCH = 1_000

export interface AuditWho {
  type: 'user' | 'api_key' | 'operator' | 'system'
  id: string | null
  label: string
}

export interface AuditEntry {
  agencyId: string
  siteId?: string | null
  action: AuditAction
  actor: AuditWho
  target?: { type: string; id?: string | null; label?: string | null }
  data?: Record<string, unknown>
  meta?: RequestMeta
}

/** Who an actor is, for the log: the user, or the API key. */
export function auditActor(actor: AgentActor | AgencyActor): AuditWho {
  if ('operator' in actor && actor.operator) return OPERATOR
  if (actor.key) return { type: 'api_key', id: actor.key.id, label: actor.key.name }
  return { type: 'user', id: actor.userId, label: actor.name }
}

/** Where an actor's request came from. */
export function auditMeta(actor: AgentActor | AgencyActor): RequestMeta {
  return { ip: actor.ip, userAgent: actor.userAgent }
}

/** The operator's CLI (live-chat-server admin …). */
export const OPERATOR: AuditWho = { type: 'operator', id: null, label: 'operator (CLI)' }

export class AuditService {
  /** Needs only the database: the webhooks' service, made before the others, has one too. */
  constructor(private readonly ctx: Pick<Context, 'db'>) {}

  /** Appends inside the caller's transaction, which must be scoped to the entry's agency (db.inAgency or db.scoped). */
  async recordIn(tx: Tx, e: AuditEntry): Promise<void> {
    await tx.auditEvent.create({ data: row(e) })
  }

  /** Appends on its own (for events with no change of their own, such as a failed sign-in). */
  async record(e: AuditEntry): Promise<void> {
    await this.ctx.db.inAgency(e.agencyId, (tx) => this.recordIn(tx, e))
  }

  /** One page of the agency's log, newest first (agency owners and admins, or a key with audit:read). */
  async list(actor: AgencyActor, q: z.output<typeof AuditQuery>): Promise<Page<AuditEvent>> {
    requireAgencyAdmin(actor)
    const { cursor, limit, ...filter } = q
    const after = cursor === undefined ? null : decodeCursor(cursor)
    const rows = await this.read(actor.agencyId, filter, after, limit + 1)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return { items: page.map(toAuditEvent), nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  /**
   * Every event the filter selects, newest first, a batch at a time (for the CSV export). The
   * export is recorded (export.audit) before the first read, so it lists itself.
   */
  async *exportRows(actor: AgencyActor, filter: AuditFilter, signal?: AbortSignal): AsyncGenerator<AuditEvent[]> {
    requireAgencyAdmin(actor)
    await this.record({ agencyId: actor.agencyId, action: 'export.audit', actor: auditActor(actor), data: { filter }, meta: auditMeta(actor) })
    let after: { at: Date; id: string } | null = null
    while (!signal?.aborted) {
      const rows = await this.read(actor.agencyId, filter, after, EXPORT_BATCH)
      if (rows.length === 0) return
      yield rows.map(toAuditEvent)
      if (rows.length < EXPORT_BATCH) return
      const last = rows.at(-1)!
      after = { at: last.createdAt, id: last.id }
    }
  }

  /** Keyset paging in the index's order (agency, created_at DESC, id). */
  private read(agencyId: string, f: AuditFilter, after: { at: Date; id: string } | null, take: number): Promise<AuditRow[]> {
    const where: Prisma.AuditEventWhereInput = {
      agencyId,
      // A prefix ("auth.") stands for the actions it starts: an exact list, never a LIKE pattern.
      ...(f.action === undefined ? {} : { action: f.action.endsWith('.') ? { in: AUDIT_ACTIONS.filter((a) => a.startsWith(f.action!)) } : f.action }),
      ...(f.actorId ? { actorId: f.actorId } : {}),
      ...(f.siteId ? { siteId: f.siteId } : {}),
      ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: new Date(f.from) } : {}), ...(f.to ? { lt: new Date(f.to) } : {}) } } : {}),
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { gt: after.id } }] } : {}),
    }
    return this.ctx.db.inAgency(agencyId, (tx) => tx.auditEvent.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take }))
  }
}

function toAuditEvent(r: AuditRow): AuditEvent {
  return {
    id: r.id,
    action: r.action,
    actor: { type: r.actorType as AuditEvent['actor']['type'], id: r.actorId, label: r.actorLabel },
    siteId: r.siteId,
    target: r.targetType === null ? null : { type: r.targetType, id: r.targetId, label: r.targetLabel },
    data: (r.data ?? {}) as Record<string, unknown>,
    ip: r.ip,
    userAgent: r.userAgent,
    createdAt: r.createdAt.toISOString(),
  }
}

function row(e: AuditEntry): Prisma.AuditEventUncheckedCreateInput {
  return {
    agencyId: e.agencyId,
    siteId: e.siteId ?? null,
    action: e.action,
    actorType: e.actor.type,
    actorId: e.actor.id,
    actorLabel: e.actor.label.slice(0, 300),
    targetType: e.target?.type ?? null,
    targetId: e.target?.id ?? null,
    targetLabel: e.target?.label?.slice(0, 300) ?? null,
    data: (e.data ?? {}) as Prisma.InputJsonValue,
    ip: e.meta?.ip ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 500) ?? null,
  }
}
