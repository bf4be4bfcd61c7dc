// The audit log as CSV, with the exports' conventions (history/formats.ts: a BOM, CRLF, cells
// that could run as a formula escaped).
import type { AuditEvent } from '@live-chat/protocol'
import { csv } from '../history/formats.js'

export function auditCsv(batches: AsyncIterable<AuditEvent[]>): AsyncGenerator<string> {
  const columns = ['created_at', 'action', 'actor_type', 'actor_id', 'actor', 'site_id', 'target_type', 'target_id', 'target', 'data', 'ip', 'user_agent', 'id']
  return csv(columns, batches, (e) => [
    e.createdAt,
    e.action,
    e.actor.type,
    e.actor.id,
    e.actor.label,
    e.siteId,
    e.target?.type ?? null,
    e.target?.id ?? null,
    e.target?.label ?? null,
    JSON.stringify(e.data),
    e.ip,
    e.userAgent,
    e.id,
  ])
}
