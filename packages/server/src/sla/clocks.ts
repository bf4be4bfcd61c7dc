// SLA clocks: which policy applies to a conversation, when each of its clocks is due, and the
// clock a conversation shows. Clocks start and are met in SQL by the one writer of messages
// (prisma/sql/functions/mod_chat_sla_messages.sql); their due times are set here, in business
// hours (sites/business-hours.ts), by the SLA job (job.ts).
import type { SlaClock, SlaKind } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { addBusinessMinutes, type BusinessHoursSettings } from '../sites/business-hours.js'

type Policy = Prisma.SlaPolicyGetPayload<object>

const TARGET: Record<SlaKind, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'> = {
  first_response: 'firstResponseMinutes',
  next_response: 'nextResponseMinutes',
  resolution: 'resolutionMinutes',
}

/**
 * The policy that applies to a conversation of this team and priority: the most specific one
 * (team and priority, then team, then priority, then the site's default), or none.
 */
export function policyFor<P extends Pick<Policy, 'teamId' | 'priority'>>(policies: readonly P[], teamId: string | null, priority: string): P | null {
  const rank = (p: P) => (p.teamId === null ? 0 : p.teamId === teamId ? 2 : -1) + (p.priority === null ? 0 : p.priority === priority ? 1 : -9)
  let best: P | null = null
  let bestRank = -1
  for (const p of policies) {
    const r = rank(p)
    if (r > bestRank) [best, bestRank] = [p, r]
  }
  return best
}

/** When a clock of this kind started at `startedAt` is due under `policy` (null: the policy has no such target, or the site never opens). */
export function dueAt(policy: Policy | null, kind: SlaKind, startedAt: Date, hours: BusinessHoursSettings | null): Date | null {
  const minutes = policy?.[TARGET[kind]]
  if (minutes == null) return null
  return addBusinessMinutes(policy!.businessHours ? hours : null, startedAt, minutes)
}

/**
 * Hands the site's unmet clocks back to the SLA job, which sets their due times again (a policy
 * changed), or those of one conversation (its team or priority changed). A breach already announced stays.
 */
export async function unsettle(tx: Tx, siteId: string, conversationId?: string): Promise<void> {
  await tx.slaClock.updateMany({
    where: { siteId, ...(conversationId ? { conversationId } : {}), metAt: null, breachedAt: null, cancelledAt: null },
    data: { dueAt: null, policyId: null },
  })
}

/**
 * The clock a conversation shows (`conversation`: its id column in the caller's query): its running
 * clock due first (a response clock before resolution on a tie; one without a due time yet last).
 * A LATERAL subquery of one row, or none, with columns kind, started_at, due_at, breached_at.
 */
export function runningClockSql(conversation: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT k.kind, k.started_at, k.due_at, k.breached_at FROM mod_chat_sla_clocks k
    WHERE k.conversation_id = ${conversation} AND k.met_at IS NULL AND k.cancelled_at IS NULL
    ORDER BY k.due_at ASC NULLS LAST, k.kind LIMIT 1`
}

/** The clock from runningClockSql's columns (null when the conversation has none). */
export function toSlaClock(r: { kind: string | null; started_at: Date | null; due_at: Date | null; breached_at: Date | null }): SlaClock | null {
  if (r.kind === null || r.started_at === null) return null
  return { kind: r.kind as SlaKind, startedAt: r.started_at.toISOString(), dueAt: r.due_at?.toISOString() ?? null, breachedAt: r.breached_at?.toISOString() ?? null }
}
