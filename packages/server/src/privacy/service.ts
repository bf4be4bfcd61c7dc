// Privacy you can prove: a visitor's export (everything the site holds about them, one archive),
// their erasure (everywhere their data lives, in one transaction), and the sites' retention
// policies (retention.ts). Exports and erasures are for the site's admins (and API keys), and
// each is recorded in the agency's audit log by the visitor's id only.
import { fromUnknown } from '../shared/errors.js'
import type { VisitorErased } from '@live-chat/protocol'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import { recordEvent } from '../events/outbox.js'
import type { HistoryService } from '../history/service.js'
import type { AgentActor, Context } from '../shared/context.js'
import { requireAdmin } from '../sites/service.js'
import { eraseVisitor } from './erase.js'
import { exportArchive, planExport } from './export.js'
import { Retention, type RetentionOptions } from './retention.js'

export class PrivacyService {
  /** The sites' retention policies, applied every RETENTION_INTERVAL_MS (started by the app). */
  readonly retention: Retention

  constructor(
    private readonly ctx: Context,
    private readonly history: HistoryService,
    private readonly audit: AuditService,
    opts: RetentionOptions = {},
  ) {
    this.retention = new Retention(ctx, audit, opts)
  }

  /**
   * The visitor's export archive (site admins): `not_found` before anything is sent when the site
   * has no such visitor; recorded in the audit log, then read as it is sent.
   */
  async exportVisitor(actor: AgentActor, visitorId: string, signal?: AbortSignal): Promise<{ filename: string; chunks: AsyncGenerator<Uint8Array> }> {
    requireAdmin(actor)
    const id = visitorId.toLowerCase()
    const plan = await this.ctx.db.inSite(actor.siteId, (tx) => planExport(tx, actor.siteId, id))
    await this.audit.record({ agencyId: actor.agencyId, siteId: actor.siteId, action: 'export.visitor', actor: auditActor(actor), target: { type: 'visitor', id }, meta: auditMeta(actor) })
    return { filename: `visitor-${id}.zip`, chunks: exportArchive(this.ctx.db, this.history, actor, plan, signal) }
  }

  /**
   * Erases the visitor and everything about them (erase.ts), in one transaction with its audit
   * event (the visitor's id and the counts: nothing personal) and the `visitor.erased` webhook
   * event (ids only), for receivers that keep copies to erase theirs.
   */
  async erase(actor: AgentActor, visitorId: string): Promise<VisitorErased> {
    requireAdmin(actor)
    const id = visitorId.toLowerCase()
    const erase = () =>
      this.ctx.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, async (tx) => {
        const e = await eraseVisitor(tx, actor.siteId, id)
        await recordEvent(tx, actor.siteId, 'visitor.erased', { visitorId: id, conversationIds: e.conversationIds })
        const counts = { conversations: e.conversations, messages: e.messages, files: e.files }
        await this.audit.recordIn(tx, { agencyId: actor.agencyId, siteId: actor.siteId, action: 'visitor.erased', actor: auditActor(actor), target: { type: 'visitor', id }, data: counts, meta: auditMeta(actor) })
        return counts
      })
    // All or nothing, so it is simply done again when the database answered "retry" (a deadlock
    // or serialization failure Postgres broke by failing it, no connection free): an admin's one
    // click should not fail on what a second try gets through. (Seen once in CI, cause not kept.)
    let erased: Awaited<ReturnType<typeof erase>>
    for (let attempt = 1; ; attempt++) {
      try {
        erased = await erase()
        break
      } catch (e) {
        if (attempt >= 3 || fromUnknown(e).code !== 'unavailable') throw e
        // (Not the error itself: its text could quote the visitor's data this erases.)
        this.ctx.log.warn({ siteId: actor.siteId, attempt }, 'erasing a visitor: the database said retry; erasing again')
        await new Promise((r) => setTimeout(r, 100 * attempt))
      }
    }
    this.ctx.log.info({ siteId: actor.siteId, visitorId: id, ...erased }, 'visitor erased')
    return { visitorId: id, ...erased }
  }
}
