// The SLA job: every process runs it every SLA_SWEEP_MS. A security-definer function names the
// sites with clocks to settle (ids only, cf. the missed sweep); each site's are settled in that
// site's transaction under row-level security:
// 1. clocks without a due time get one: the policy that applies to their conversation now, in the
//    site's business hours; a clock no policy gives a target stops (cancelled);
// 2. response clocks of conversations no longer open stop (cancelled): nobody owes a reply to a
//    resolved conversation; the resolution clock is met at the resolution;
// 3. clocks past their due time unmet, or met late, are marked breached by one
//    UPDATE … RETURNING: two processes at once both try the same rows, the second waits for the
//    first's row locks, re-checks `breached_at IS NULL` and skips them, so each breach is
//    announced (dashboard, webhook) by exactly one process.
import type { ConversationSummary, SlaKind } from '@live-chat/protocol'
import type { PresenceService } from '../presence/service.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { loadViewsMany } from '../conversations/views.js'
import { recordEvent } from '../events/outbox.js'
import { clockSettings } from '../sites/availability.js'
import { dueAt, policyFor } from './clocks.js'

/** Sites handled per run (those waiting longest first); the rest wait for the next run. */
const SITES_PER_RUN = 50
/** Clocks given a due time per site and run. */
const CLOCKS_PER_RUN = 2_000

export const DEFAULT_SLA_SWEEP_MS = 15_000

export interface Breach {
  conversationId: string
  kind: SlaKind
  startedAt: Date
  dueAt: Date
}

export class SlaJob {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
  ) {}

  /** Settles what is due on every site, announces the breaches, and returns those this call announced. */
  async run(): Promise<Breach[]> {
    const sites = await this.ctx.db.prisma.$queryRaw<{ site: string }[]>`SELECT mod_chat_sla_due_sites(${SITES_PER_RUN}::int) AS site`
    const breaches: Breach[] = []
    for (const { site } of sites) {
      try {
        breaches.push(...(await this.runSite(site)))
      } catch (e) {
        this.ctx.log.warn({ err: e, siteId: site }, 'settling SLA clocks failed')
      }
    }
    return breaches
  }

  private async runSite(siteId: string): Promise<Breach[]> {
    const { breaches, announced } = await this.ctx.db.inSite(siteId, async (tx) => {
      await this.setDueTimes(tx, siteId)
      await tx.$executeRaw`
        UPDATE mod_chat_sla_clocks k SET met_at = c.resolved_at
        FROM mod_chat_conversations c
        WHERE c.id = k.conversation_id AND k.site_id = ${siteId}::uuid AND k.kind = 'resolution'
          AND k.met_at IS NULL AND k.cancelled_at IS NULL AND c.resolved_at IS NOT NULL AND c.status NOT IN ('pending', 'active')`
      await tx.$executeRaw`
        UPDATE mod_chat_sla_clocks k SET cancelled_at = now()
        FROM mod_chat_conversations c
        WHERE c.id = k.conversation_id AND k.site_id = ${siteId}::uuid
          AND k.met_at IS NULL AND k.cancelled_at IS NULL AND c.status NOT IN ('pending', 'active')`
      const rows = await tx.$queryRaw<{ conversation_id: string; kind: SlaKind; started_at: Date; due_at: Date }[]>`
        UPDATE mod_chat_sla_clocks k SET breached_at = now()
        WHERE k.site_id = ${siteId}::uuid AND k.breached_at IS NULL AND k.cancelled_at IS NULL
          AND k.due_at <= COALESCE(k.met_at, now())
        RETURNING k.conversation_id, k.kind, k.started_at, k.due_at`
      const breaches = rows.map((r) => ({ conversationId: r.conversation_id, kind: r.kind, startedAt: r.started_at, dueAt: r.due_at }))
      const views = await loadViewsMany(tx, this.presence, [...new Set(breaches.map((b) => b.conversationId))])
      const byId = new Map(views.map((v) => [v.summary.id, v.summary]))
      const announced: { conversation: ConversationSummary; kind: SlaKind }[] = []
      for (const b of breaches) {
        const conversation = byId.get(b.conversationId)
        if (!conversation) continue
        await recordEvent(tx, siteId, 'conversation.sla_breached', { conversation, kind: b.kind, startedAt: b.startedAt.toISOString(), dueAt: b.dueAt.toISOString() }, { conversationId: b.conversationId })
        announced.push({ conversation, kind: b.kind })
      }
      return { breaches, announced }
    })
    for (const a of announced) this.ctx.publish.slaBreached(a.conversation, a.kind)
    if (breaches.length > 0) this.ctx.log.info({ siteId, breaches: breaches.length }, 'SLA clocks breached')
    return breaches
  }

  /** Gives clocks without a due time theirs, by the policy that applies to their conversation now. */
  private async setDueTimes(tx: Tx, siteId: string): Promise<void> {
    const clocks = await tx.slaClock.findMany({
      where: { siteId, dueAt: null, cancelledAt: null, breachedAt: null },
      select: { id: true, kind: true, startedAt: true, conversation: { select: { teamId: true, priority: true } } },
      orderBy: { startedAt: 'asc' },
      take: CLOCKS_PER_RUN,
    })
    if (clocks.length === 0) return
    const policies = await tx.slaPolicy.findMany({ where: { siteId } })
    const hours = await clockSettings(tx, siteId)
    const due: { id: string; policy: string; at: Date }[] = []
    const none: string[] = []
    for (const c of clocks) {
      const policy = policyFor(policies, c.conversation.teamId, c.conversation.priority)
      const at = dueAt(policy, c.kind as SlaKind, c.startedAt, hours)
      if (policy && at) due.push({ id: c.id, policy: policy.id, at })
      else none.push(c.id)
    }
    if (due.length > 0) {
      await tx.$executeRaw`
        UPDATE mod_chat_sla_clocks k SET due_at = d.at, policy_id = d.policy
        FROM unnest(${due.map((d) => d.id)}::uuid[], ${due.map((d) => d.policy)}::uuid[], ${due.map((d) => d.at)}::timestamptz[]) AS d(id, policy, at)
        WHERE k.id = d.id`
    }
    if (none.length > 0) await tx.slaClock.updateMany({ where: { id: { in: none } }, data: { cancelledAt: new Date() } })
  }
}
