import type { VisitorErased } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi, download, type DownloadOptions } from './context.js'

/**
 * A visitor's personal data on the current site (`agent.visitors`; site admins, or API keys): their
 * export and their erasure. Each is recorded in the agency's audit log by the visitor's id.
 */
export class VisitorsApi extends AgentApi {
  /**
   * Everything the site holds about the visitor as one .zip (application/zip): `visitor.json`, a
   * `VisitorExport` (profile, pages seen, consents, each conversation with its rating and every
   * message — private notes included and marked, earlier texts of edited ones, unsent ones as
   * placeholders), and every file they sent or were sent, at `files/<id>/<name>`. Streamed by the
   * server; pass `signal` to stop it.
   * @throws LiveChatError `not_found` for a visitor the site does not have, `forbidden` for an agent who is not an admin.
   */
  async export(visitorId: string, options: DownloadOptions = {}): Promise<Blob> {
    return download(this.ctx, this.ctx.site(`/visitors/${seg(visitorId)}/export`), {}, options)
  }

  /**
   * Erases the visitor and everything about them, at once and for good: their profile, their
   * conversations and messages (earlier texts too), their files, the webhook deliveries about
   * them, their data in the audit log. Analytics keep only anonymous figures. Their live widgets
   * are disconnected, and every agent of the site gets `visitor:erased`. Answers what was erased.
   * @throws LiveChatError `not_found` for a visitor the site does not have (or no longer has), `forbidden` for an agent who is not an admin.
   */
  async erase(visitorId: string): Promise<VisitorErased> {
    return this.ctx.http<VisitorErased>('DELETE', this.ctx.site(`/visitors/${seg(visitorId)}`))
  }
}
