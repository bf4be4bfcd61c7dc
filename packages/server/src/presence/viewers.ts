// Who views which conversation right now (collision detection): each agent socket that shows a
// conversation is a row in mod_chat_viewers, which goes with its connection (a closed socket, a
// process that stopped beating) or its conversation. Every process reads the same rows, and a
// change is announced to the site's agents on every process (viewers:changed).
import type { ConversationViewers } from '@live-chat/protocol'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { notFound } from '../shared/errors.js'

export class ViewerService {
  constructor(private readonly ctx: Context) {}

  /** The socket shows the conversation (or no longer does); announces and answers who views it now. */
  async view(actor: AgentActor, socketId: string, conversationId: string, viewing: boolean): Promise<ConversationViewers> {
    const state = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const c = await tx.conversation.findUnique({ where: { id: conversationId }, select: { id: true } })
      if (!c) throw notFound('conversation')
      if (viewing) {
        await tx.$executeRaw`
          INSERT INTO mod_chat_viewers (socket_id, site_id, conversation_id, agent_id)
          VALUES (${socketId}, ${actor.siteId}::uuid, ${conversationId}::uuid, ${actor.agentId}::uuid)
          ON CONFLICT DO NOTHING`
      } else {
        await tx.viewer.deleteMany({ where: { socketId, conversationId } })
      }
      return viewersOf(tx, conversationId)
    })
    this.ctx.publish.viewers(actor.siteId, state)
    return state
  }

  /** After a socket went away (its rows with it): tells the site who still views what it showed. */
  async left(siteId: string, conversationIds: Iterable<string>): Promise<void> {
    for (const conversationId of conversationIds) {
      const state = await this.ctx.db.inSite(siteId, (tx) => viewersOf(tx, conversationId))
      this.ctx.publish.viewers(siteId, state)
    }
  }

  /** Every conversation of the site someone views, with who. */
  async list(actor: AgentActor): Promise<{ items: ConversationViewers[] }> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) => rowsOf(tx, null))
    const by = new Map<string, ConversationViewers>()
    for (const r of rows) {
      const item = by.get(r.conversationId) ?? by.set(r.conversationId, { conversationId: r.conversationId, agents: [] }).get(r.conversationId)!
      item.agents.push({ id: r.id, name: r.name })
    }
    return { items: [...by.values()] }
  }
}

async function viewersOf(tx: Tx, conversationId: string): Promise<ConversationViewers> {
  const rows = await rowsOf(tx, conversationId)
  return { conversationId, agents: rows.map(({ id, name }) => ({ id, name })) }
}

/** Each agent once per conversation (several tabs are one viewer), by name. */
function rowsOf(tx: Tx, conversationId: string | null): Promise<{ conversationId: string; id: string; name: string }[]> {
  return tx.$queryRaw`
    SELECT DISTINCT v.conversation_id::text AS "conversationId", a.id::text AS id, coalesce(a.display_name, u.name) AS name
    FROM mod_chat_viewers v JOIN mod_chat_agents a ON a.id = v.agent_id JOIN users u ON u.id = a.user_id
    WHERE (${conversationId}::uuid IS NULL OR v.conversation_id = ${conversationId}::uuid) AND a.removed_at IS NULL
    ORDER BY 1, 3, 2`
}
