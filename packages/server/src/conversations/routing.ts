// Routing: a new or returning conversation goes to the online agent with free capacity who
// has the fewest active chats (ties: the one assigned longest ago, i.e. round-robin);
// otherwise it waits in the queue, which is served oldest first whenever an agent frees
// capacity or comes online. Offline messages are never routed: they wait, unassigned, for
// someone on the team to take them (conversation:assign).
//
// Teams: a conversation for a team goes to that team's agents only, and waits in the team's
// queue while they are all busy; a conversation for no team goes to any agent. The fallback: when
// none of the team's agents is available at all (none online, taking chats and connected), the
// conversation goes to any agent of the site rather than wait for nobody. A full team never holds
// up another team's queue: the drain skips the conversations of a team it found full.
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
    AND a.status = 'online' AND a.accept_new_chats AND a.removed_at IS NULL AND a.role <> 'supervisor'
    AND EXISTS (SELECT 1 FROM mod_chat_connections k WHERE k.site_id = a.site_id AND k.agent_id = a.id)`

/** Only the agents of the team (none: everyone), as a further condition on availableAgents. */
export const inTeam = (teamId: string | null): Prisma.Sql =>
  teamId ? Prisma.sql`AND EXISTS (SELECT 1 FROM mod_chat_team_members m WHERE m.team_id = ${teamId}::uuid AND m.agent_id = a.id)` : Prisma.empty

/** The drain's condition that leaves out the conversations of the full teams (`null`: those for no team). */
function skipping(full: Set<string | null>): Prisma.ConversationWhereInput {
  const teams = [...full].filter((t): t is string => t !== null)
  if (full.has(null)) return { teamId: { not: null, notIn: teams } }
  return teams.length ? { OR: [{ teamId: null }, { teamId: { notIn: teams } }] } : {}
}

export class Routing {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
  ) {}

  /** The least busy available agent with free capacity (of the team, when given), or null. */
  async pickAgent(tx: Tx, siteId: string, teamId: string | null = null): Promise<string | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT a.id
      ${availableAgents(siteId)}
        AND load.n < a.max_concurrent_chats ${inTeam(teamId)}
      ORDER BY load.n, a.last_assigned_at ASC NULLS FIRST, a.id
      LIMIT 1`
    return rows[0]?.id ?? null
  }

  /**
   * The agent a conversation for `teamId` goes to now: a team's conversation, to the least busy of
   * its agents with free capacity; if none of its agents is available at all (the fallback), to
   * anyone's. Null: it waits.
   */
  async pickFor(tx: Tx, siteId: string, teamId: string | null): Promise<string | null> {
    if (!teamId) return this.pickAgent(tx, siteId)
    const inTeamNow = await this.pickAgent(tx, siteId, teamId)
    if (inTeamNow) return inTeamNow
    const [staffed] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n ${availableAgents(siteId)} ${inTeam(teamId)}`
    return staffed && staffed.n > 0 ? null : this.pickAgent(tx, siteId)
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
        // The teams found with no free agent this drain (null: the site-wide pool, for no team and
        // the fallback): their conversations wait; the rest of the queue is still served.
        const full = new Set<string | null>()
        for (;;) {
          const next = await tx.conversation.findFirst({
            where: {
              siteId,
              status: 'pending',
              assignedAgentId: null,
              offline: false,
              ...skipping(full),
            },
            orderBy: [{ queuedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
            select: { id: true, teamId: true },
          })
          if (!next) break
          const agentId = await this.pickFor(tx, siteId, next.teamId)
          if (!agentId) {
            full.add(next.teamId)
            continue
          }
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
