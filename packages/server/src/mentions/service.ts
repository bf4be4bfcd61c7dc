// Mentions and whispers: the notices one agent gets about a private note. `@name` in a note
// mentions an agent of the site; a supervisor's note in a conversation assigned to someone else
// is a whisper to that agent. Both are rows of mod_chat_mentions, written in the note's own
// transaction (at most one per note and agent: an edit that adds a name notifies only the new
// one), announced to that agent's sockets on every process after the commit, and mailed to an
// agent who is away or offline (an email job of kind `mention`, EmailService.mentionEmail).
//
// How a name is written: `@[Display Name]` (what the dashboard's composer inserts) names the agent
// whose name is exactly that, in any case; a bare `@` followed by text names the agent whose name
// is the longest one the text starts with (in any case, ending at a non-letter), so `@Ann Lee,
// can you…` finds "Ann Lee" before "Ann". A name nobody of the site has names nobody. The
// writer is never notified of their own note.
import type { Mention, MentionKind, MentionPage, MentionsQuery } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { notFound } from '../shared/errors.js'

/** A site's agent as a mention matches them. */
export interface Mentionable {
  id: string
  name: string
}

const LETTER = /[\p{L}\p{N}_]/u

/** The agents a note's text names (see the header), in the order they appear, each once. */
export function parseMentions(text: string, agents: readonly Mentionable[]): string[] {
  const found: string[] = []
  const add = (id: string | undefined) => id && !found.includes(id) && found.push(id)
  const byName = [...agents].filter((a) => a.name.trim()).sort((x, y) => y.name.length - x.name.length)
  const lower = text.toLowerCase()
  for (let i = lower.indexOf('@'); i >= 0; i = lower.indexOf('@', i + 1)) {
    // An address (ann@example.com) names nobody.
    if (i > 0 && LETTER.test(text[i - 1]!)) continue
    if (text[i + 1] === '[') {
      const end = text.indexOf(']', i + 2)
      if (end < 0) continue
      const name = lower.slice(i + 2, end).trim()
      add(byName.find((a) => a.name.trim().toLowerCase() === name)?.id)
      continue
    }
    const rest = lower.slice(i + 1)
    add(byName.find((a) => rest.startsWith(a.name.toLowerCase()) && !LETTER.test(rest[a.name.length] ?? ''))?.id)
  }
  return found
}

/** A row with what the notice shows. */
interface Row {
  id: string
  siteId: string
  conversationId: string
  messageId: string
  kind: string
  agentId: string
  byAgentId: string
  byName: string
  text: string | null
  visitorName: string | null
  createdAt: Date
  readAt: Date | null
}

const toMention = (r: Row): Mention => ({
  id: r.id,
  siteId: r.siteId,
  conversationId: r.conversationId,
  messageId: r.messageId,
  kind: r.kind as MentionKind,
  agentId: r.agentId,
  by: { agentId: r.byAgentId, name: r.byName },
  text: r.text ?? '',
  visitorName: r.visitorName,
  createdAt: r.createdAt.toISOString(),
  readAt: r.readAt?.toISOString() ?? null,
})

/** The mentions of the transaction's site that match `where` (a condition on `x`, the mention), newest first. */
async function rows(tx: Tx, where: Prisma.Sql, limit = 100): Promise<Row[]> {
  return tx.$queryRaw<Row[]>`
    SELECT x.id, x.site_id AS "siteId", x.conversation_id AS "conversationId", x.message_id AS "messageId",
           x.kind, x.agent_id AS "agentId", x.by_agent_id AS "byAgentId", m.sender_name AS "byName",
           m.content AS text, v.name AS "visitorName", x.created_at AS "createdAt", x.read_at AS "readAt"
    FROM mod_chat_mentions x
    JOIN mod_chat_messages m ON m.id = x.message_id
    JOIN mod_chat_conversations c ON c.id = x.conversation_id
    JOIN mod_chat_visitors v ON v.id = c.visitor_id
    WHERE ${where}
    ORDER BY (x.read_at IS NULL) DESC, x.created_at DESC, x.id
    LIMIT ${limit}`
}

/** What a note's transaction recorded: announced after the commit (Publisher.mention, by the messages' service). */
export type Recorded = Mention[]

/**
 * Records the notices of a private note, in the note's transaction: the agents its text names and,
 * for a supervisor's note in a conversation assigned to someone else, that agent (a whisper). Never
 * the writer; never twice for the same note and agent. Queues the mention email when email is on.
 */
export async function recordMentions(
  tx: Tx,
  note: { siteId: string; conversationId: string; messageId: string; text: string | null },
  by: { agentId: string; role: string; assignedAgentId: string | null },
  email: boolean,
): Promise<Recorded> {
  const whisperTo = by.role === 'supervisor' && by.assignedAgentId && by.assignedAgentId !== by.agentId ? by.assignedAgentId : null
  if (!whisperTo && !note.text?.includes('@')) return []
  const agents = await tx.agent.findMany({
    where: { siteId: note.siteId, removedAt: null, user: { deactivatedAt: null } },
    select: { id: true, displayName: true, user: { select: { name: true } } },
  })
  const named = parseMentions(
    note.text ?? '',
    agents.map((a) => ({ id: a.id, name: a.displayName ?? a.user.name })),
  )
  const kinds = new Map<string, MentionKind>(named.map((id) => [id, 'mention']))
  if (whisperTo && agents.some((a) => a.id === whisperTo)) kinds.set(whisperTo, 'whisper')
  kinds.delete(by.agentId)
  if (kinds.size === 0) return []
  const values = [...kinds].map(([agentId, kind]) => Prisma.sql`(${note.siteId}::uuid, ${note.conversationId}::uuid, ${note.messageId}::uuid, ${agentId}::uuid, ${by.agentId}::uuid, ${kind})`)
  const made = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO mod_chat_mentions (site_id, conversation_id, message_id, agent_id, by_agent_id, kind)
    VALUES ${Prisma.join(values)}
    ON CONFLICT (message_id, agent_id) DO NOTHING
    RETURNING id`
  if (made.length === 0) return []
  if (email) {
    await tx.$executeRaw`
      INSERT INTO mod_chat_email_jobs (conversation_id, kind, site_id, due_at)
      VALUES (${note.conversationId}::uuid, 'mention', ${note.siteId}::uuid, now())
      ON CONFLICT (conversation_id, kind) DO NOTHING`
  }
  return (await rows(tx, Prisma.sql`x.id = ANY (${made.map((m) => m.id)}::uuid[])`)).map(toMention)
}

export class MentionService {
  constructor(private readonly ctx: Context) {}

  /** The caller's own mentions, unread first, then newest first; and how many are unread. */
  async list(actor: AgentActor, q: MentionsQuery = {}): Promise<MentionPage> {
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const unreadOnly = q.unread === 'true' ? Prisma.sql`AND x.read_at IS NULL` : Prisma.empty
      const items = await rows(tx, Prisma.sql`x.site_id = ${actor.siteId}::uuid AND x.agent_id = ${actor.agentId}::uuid ${unreadOnly}`, q.limit ?? 50)
      const unread = await tx.mention.count({ where: { siteId: actor.siteId, agentId: actor.agentId, readAt: null } })
      return { items: items.map(toMention), unread }
    })
  }

  /** Marks one of the caller's mentions read (again: unchanged); another's, or another site's, is not_found. */
  async read(actor: AgentActor, id: string): Promise<Mention> {
    const r = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const changed = await tx.mention.updateMany({ where: { id, siteId: actor.siteId, agentId: actor.agentId, readAt: null }, data: { readAt: new Date() } })
      const [row] = await rows(tx, Prisma.sql`x.id = ${id}::uuid AND x.site_id = ${actor.siteId}::uuid AND x.agent_id = ${actor.agentId}::uuid`, 1)
      if (!row) throw notFound('mention')
      return { mention: toMention(row), changed: changed.count > 0 }
    })
    if (r.changed) this.ctx.publish.mentionRead(r.mention)
    return r.mention
  }
}
