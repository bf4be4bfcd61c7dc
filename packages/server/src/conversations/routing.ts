// Routing: a new or returning conversation goes to the online agent with free capacity who
// has the fewest active chats (ties: the one assigned longest ago, i.e. round-robin);
// otherwise it waits in the queue, which is served oldest first whenever an agent frees
// capacity or comes online. Offline messages are never routed: they wait, unassigned, for
// someone on the team to take them (conversation:assign).
//
// A drain runs in its own transaction and first takes a per-site advisory lock, so two
// processes never give the same agent more than their capacity. It only then locks
// conversation rows; no other transaction takes the site lock after locking a conversation,
// so the two kinds of lock cannot deadlock.
import { Prisma } from '../generated/prisma/client.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { agentName, agentWithUser } from '../shared/map.js'
import { appendMessage, lockConversation, type AppendedMessage } from '../messages/store.js'
import type { PresenceService } from '../presence/service.js'
import { loadViews } from './views.js'

/**
 * The agents routing may give a chat to (online, accepting chats, connected; `a`) with their
 * active chats (`load.n`): the FROM and WHERE of a query, to which more conditions may be added.
 */
export const availableAgents = (siteId: string): Prisma.Sql => Prisma.sql`
  FROM mod_chat_agents a
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS n FROM mod_chat_conversations c
    WHERE c.site_id = a.site_id AND c.assigned_agent_id = a.id AND c.status = 'active'
  ) load
  WHERE a.site_id = ${siteId}::uuid
    AND a.status = 'online' AND a.accept_new_chats AND a.removed_at IS NULL
    AND EXISTS (SELECT 1 FROM mod_chat_connections k WHERE k.site_id = a.site_id AND k.agent_id = a.id)`

export class Routing {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
  ) {}

  /** The least busy online agent with free capacity, or null. */
  async pickAgent(tx: Tx, siteId: string): Promise<string | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT a.id
      ${availableAgents(siteId)}
        AND load.n < a.max_concurrent_chats
      ORDER BY load.n, a.last_assigned_at ASC NULLS FIRST, a.id
      LIMIT 1`
    return rows[0]?.id ?? null
  }

  /**
   * Assigns queued conversations of the site, oldest first, while an agent has capacity.
   * Announces each assignment. Never throws: a failed drain leaves conversations queued for
   * the next one.
   */
  async drain(siteId: string): Promise<string[]> {
    try {
      const assigned = await this.ctx.db.inSite(siteId, async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${'routing:' + siteId}, 0))`
        const done: { conversationId: string; message: AppendedMessage }[] = []
        for (;;) {
          const next = await tx.conversation.findFirst({
            where: { siteId, status: 'pending', assignedAgentId: null, offline: false },
            orderBy: [{ queuedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
            select: { id: true },
          })
          if (!next) break
          const agentId = await this.pickAgent(tx, siteId)
          if (!agentId) break
          const conv = await lockConversation(tx, next.id)
          if (!conv || conv.status !== 'pending' || conv.assignedAgentId) continue
          const agent = await tx.agent.findUniqueOrThrow({ where: { id: agentId }, ...agentWithUser })
          const now = new Date()
          await tx.agent.update({ where: { id: agentId }, data: { lastAssignedAt: now } })
          const message = await appendMessage(tx, conv, {
            senderType: 'system',
            senderId: null,
            senderName: null,
            text: `${agentName(agent)} joined the conversation`,
            system: { event: 'assigned', agentId, agentName: agentName(agent), by: 'auto' },
            conversation: { status: 'active', queuedAt: null, assignedAgentId: agentId },
          })
          done.push({ conversationId: conv.id, message })
        }
        const announced = []
        for (const d of done) {
          const v = await loadViews(tx, this.presence, d.conversationId)
          if (v) announced.push({ ...d, ...v })
        }
        return announced
      })
      this.ctx.metrics?.messageStored('system', assigned.length)
      for (const a of assigned) {
        this.ctx.publish.appended(siteId, a.summary.visitor.id, a.message)
        this.ctx.publish.conversationUpdated(a.summary, a.visitorView)
      }
      return assigned.map((a) => a.conversationId)
    } catch (e) {
      this.ctx.log.warn({ err: e, siteId }, 'queue drain failed; conversations stay queued')
      return []
    }
  }
}
