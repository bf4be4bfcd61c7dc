import type { AuditEvent, AuditQuery, Page } from '@live-chat/protocol'
import { AgentApi, download, type DownloadOptions } from './context.js'

/** Filters and paging of {@link AuditApi.list}; `limit` 1..100, default 50. */
export type AuditLogQuery = Omit<AuditQuery, 'limit'> & { limit?: number }

/** Filters for {@link AuditApi.csv}: the audit log's, without paging. */
export type AuditFilter = Omit<AuditQuery, 'cursor' | 'limit'>

/** The agency's audit log (`agent.audit`; owners and admins). */
export class AuditApi extends AgentApi {
  /**
   * One page of the audit log, newest first. `action` is an action or a prefix ending in `.`
   * (`auth.`); `from`/`to` are ISO times; pass `nextCursor` back as `cursor`.
   */
  async list(query: AuditLogQuery = {}): Promise<Page<AuditEvent>> {
    return this.ctx.http<Page<AuditEvent>>('GET', '/api/agency/audit', { query: { ...query } })
  }

  /** The audit log with the same filters (without paging) as one CSV file (text/csv); the export is itself recorded. */
  async csv(filter: AuditFilter = {}, options: DownloadOptions = {}): Promise<Blob> {
    return download(this.ctx, '/api/agency/audit.csv', { ...filter }, options)
  }
}
