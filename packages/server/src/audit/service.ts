// The agency's audit log: who did what, when, from where. Appended in the same transaction as
// the change it records wherever there is one (recordIn), so a change and its event commit
// together; the application role may read and append, never change or delete (see the accounts
// migration). Never holds a secret: callers pass only what changed.
import type { AuditAction } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { AgencyActor, AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import type { RequestMeta } from '../accounts/sessions.js'

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
  constructor(private readonly ctx: Context) {}

  /** Appends inside the caller's transaction, which must be scoped to the entry's agency (db.inAgency or db.scoped). */
  async recordIn(tx: Tx, e: AuditEntry): Promise<void> {
    await tx.auditEvent.create({ data: row(e) })
  }

  /** Appends on its own (for events with no change of their own, such as a failed sign-in). */
  async record(e: AuditEntry): Promise<void> {
    await this.ctx.db.inAgency(e.agencyId, (tx) => this.recordIn(tx, e))
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
