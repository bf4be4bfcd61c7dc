// A deleted site's live sockets end on every server process: the deleting transaction sends a
// NOTIFY (delivered when it commits, whatever process or tool deleted it), and each process
// disconnects its own sockets of that site, agents (told `session:changed` { reason: 'removed' }
// first) and visitors. Connecting again is refused: the site is gone.
import type { Database, Tx } from '../shared/db/index.js'
import { isUuid } from '../shared/params.js'
import type { Logger } from '../shared/logger.js'
import { rooms, type AgentNamespace, type VisitorNamespace } from '../realtime/types.js'

export const SITE_DELETED_CHANNEL = 'live_chat_site_deleted'

/** Sent within the deleting transaction. */
export async function notifySiteDeleted(tx: Tx, siteId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${SITE_DELETED_CHANNEL}, ${siteId})`
}

export function watchDeletedSites(db: Database, visitors: VisitorNamespace, agents: AgentNamespace, log: Logger): Promise<() => Promise<void>> {
  return db.listen(SITE_DELETED_CHANNEL, (siteId) => {
    if (!isUuid(siteId)) return void log.warn('site deleted notice: not a site id')
    agents.local.to(rooms.siteAgents(siteId)).emit('session:changed', { reason: 'removed' })
    agents.local.in(rooms.siteAgents(siteId)).disconnectSockets(true)
    visitors.local.in(rooms.siteVisitors(siteId)).disconnectSockets(true)
  })
}
