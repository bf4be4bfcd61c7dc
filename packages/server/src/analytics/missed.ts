// Missed conversations: a live conversation (not an offline message) still pending or active,
// whose first message is older than its site's missedAfterMinutes and that no agent has
// answered yet, is marked missed (missed_at), once.
//
// Every process sweeps. A security-definer function names the sites with such conversations
// (ids only, cf. the webhook worker); each site's are marked by one UPDATE … RETURNING in that
// site's transaction under row-level security. Two processes sweeping at once both try the same
// rows: the second waits for the first's row locks, re-checks `missed_at IS NULL` and skips
// them, so each conversation is returned, announced and its event written by exactly one process.
// An agent's reply racing the sweep is ordered by the same row lock: answered first, it is not
// missed; missed first, it stays missed (it was answered late).
import type { Context } from '../shared/context.js'
import type { PresenceService } from '../presence/service.js'
import { loadViewsMany } from '../conversations/views.js'
import { recordEvent } from '../events/outbox.js'

/** Sites handled per sweep (the oldest waits first); the rest wait for the next sweep. */
const SITES_PER_SWEEP = 50

export class MissedSweep {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
  ) {}

  /** Marks what is due now on every site, announces it, and returns the ids marked by this call. */
  async sweep(): Promise<string[]> {
    const sites = await this.ctx.db.prisma.$queryRaw<{ site: string }[]>`SELECT mod_chat_missed_due_sites(${SITES_PER_SWEEP}::int) AS site`
    const marked: string[] = []
    for (const { site } of sites) {
      try {
        marked.push(...(await this.sweepSite(site)))
      } catch (e) {
        this.ctx.log.warn({ err: e, siteId: site }, 'marking missed conversations failed')
      }
    }
    return marked
  }

  private async sweepSite(siteId: string): Promise<string[]> {
    const views = await this.ctx.db.inSite(siteId, async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE mod_chat_conversations c SET missed_at = now(), updated_at = now()
        FROM sites s
        WHERE s.id = c.site_id AND c.site_id = ${siteId}::uuid
          AND c.status IN ('pending', 'active') AND c.first_response_at IS NULL AND c.missed_at IS NULL AND NOT c.is_offline
          AND c.first_message_at <= now() - make_interval(mins => s.missed_after_minutes)
        RETURNING c.id`
      const views = await loadViewsMany(tx, this.presence, rows.map((r) => r.id))
      for (const v of views) await recordEvent(tx, siteId, 'conversation.missed', { conversation: v.summary }, { conversationId: v.summary.id })
      return views
    })
    for (const v of views) this.ctx.publish.conversationMissed(v.summary)
    if (views.length > 0) this.ctx.log.info({ siteId, conversations: views.length }, 'conversations missed')
    return views.map((v) => v.summary.id)
  }
}
