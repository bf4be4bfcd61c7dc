// Reading history for downloads: one conversation's transcript and the bulk export of a
// filtered list. Both read in batches, each batch its own short site-scoped transaction, keyset
// paged (never OFFSET), so a download of any size holds one batch in memory and no transaction
// stays open while a slow client reads. A download is not a snapshot: a message written while
// it runs may or may not be in it, but none is ever listed twice or skipped between batches.
import type { Attachment, ConversationStatus, Priority, SenderType, Transcript, TranscriptMessage } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import { auditActor, auditMeta, type AuditService } from '../audit/service.js'
import type { AgentActor, Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { notFound } from '../shared/errors.js'
import { agentName, agentWithUser, isoOrNull } from '../shared/map.js'
import { filterCondition, withAttribute, type ConversationFilter } from './filters.js'

/** Rows per read: big enough to amortise a round trip, small enough to hold (≤ 1,000 × 10 KB of text). */
export const BATCH = 1_000

/** A transcript without its messages. */
export type TranscriptHeader = Omit<Transcript, 'messages'>

/** One row of the bulk export: a message with its conversation's columns. */
export interface ExportRow {
  conversationId: string
  startedAt: Date
  status: string
  visitorName: string | null
  visitorEmail: string | null
  agentName: string | null
  tags: string[]
  rating: number | null
  seq: number
  sentAt: Date
  senderType: string
  senderName: string | null
  isPrivate: boolean
  content: string | null
  attachments: unknown
}

export class HistoryService {
  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
  ) {}

  /** The conversation, its people and the site's time zone; `not_found` when it is not the site's. */
  async transcriptHeader(actor: AgentActor, id: string): Promise<TranscriptHeader> {
    const c = await this.ctx.db.inSite(actor.siteId, (tx) =>
      tx.conversation.findUnique({
        where: { id },
        include: { visitor: true, assignedAgent: agentWithUser, site: { select: { widgetSettings: { select: { timezone: true } } } } },
      }),
    )
    if (!c) throw notFound('conversation')
    return {
      conversation: {
        id: c.id,
        siteId: c.siteId,
        status: c.status as ConversationStatus,
        subject: c.subject,
        tags: c.tags,
        priority: c.priority as Priority,
        offline: c.offline,
        rating: c.rating,
        ratingFeedback: c.ratingFeedback,
        createdAt: c.createdAt.toISOString(),
        resolvedAt: isoOrNull(c.resolvedAt),
        closedAt: isoOrNull(c.closedAt),
        missedAt: isoOrNull(c.missedAt),
        visitor: { id: c.visitor.id, name: c.visitor.name, email: c.visitor.email, phone: c.visitor.phone },
        agent: c.assignedAgent ? { id: c.assignedAgent.id, name: agentName(c.assignedAgent) } : null,
      },
      timezone: c.site.widgetSettings?.timezone ?? 'UTC',
      exportedAt: new Date().toISOString(),
    }
  }

  /** The conversation's messages in seq order, a batch at a time; stops early once `signal` aborts. */
  async *transcriptMessages(actor: AgentActor, header: TranscriptHeader, signal?: AbortSignal): AsyncGenerator<TranscriptMessage[]> {
    const visitorName = header.conversation.visitor.name
    for await (const rows of this.messageRows(actor.siteId, header.conversation.id, signal)) yield rows.map((m) => toTranscriptMessage(m, visitorName))
  }

  /** The conversation's message rows in seq order, a batch at a time (keyset paged by seq); stops early once `signal` aborts. */
  async *messageRows(siteId: string, conversationId: string, signal?: AbortSignal): AsyncGenerator<MessageRow[]> {
    for (let after = 0; !signal?.aborted; ) {
      const rows = await this.ctx.db.inSite(siteId, (tx) =>
        tx.message.findMany({ where: { conversationId, seq: { gt: after } }, orderBy: { seq: 'asc' }, take: BATCH }),
      )
      if (rows.length === 0) return
      yield rows
      if (rows.length < BATCH) return
      after = rows.at(-1)!.seq
    }
  }

  /**
   * Every message of the conversations the filter selects, a batch at a time, in a stable order:
   * conversations by start (created_at, id), messages by seq. `filter` is parsed and checked
   * (a bad `q` throws) before the first read; then the export is recorded in the audit log.
   *
   * Each batch is two bounded reads, so that no query plan can make it quadratic: first the next
   * conversations in order (an index range, at most a batch of them), of which only as many as
   * their message counts (last_seq) need to fill the batch are kept; then those conversations'
   * messages, each an index range on (conversation, seq) cut at the batch size — at most about
   * two batches of rows to sort, however long the conversations. (A single join ordered by
   * conversation and seq let Postgres, with statistics from before a bulk import, sort every
   * remaining message of the site for each batch: minutes for 100,000 messages.)
   */
  async *exportRows(actor: AgentActor, filter: ConversationFilter, signal?: AbortSignal): AsyncGenerator<ExportRow[]> {
    const where = filterCondition(actor, await this.ctx.db.inSite(actor.siteId, (tx) => withAttribute(tx, actor.siteId, filter)))
    await this.audit.record({ agencyId: actor.agencyId, siteId: actor.siteId, action: 'export.conversations', actor: auditActor(actor), data: { filter }, meta: auditMeta(actor) })
    let cursor: ExportCursor | null = null
    while (!signal?.aborted) {
      const from: ExportCursor | null = cursor
      const read: ExportRead | null = await this.ctx.db.inSite(actor.siteId, async (tx): Promise<ExportRead | null> => {
        // From the cursor's conversation (when it stopped inside one) or after it.
        const after: Prisma.Sql = !from ? Prisma.empty : Prisma.sql`AND (c.created_at, c.id) ${from.seq === null ? Prisma.sql`>` : Prisma.sql`>=`} (${from.at.toISOString()}::timestamptz, ${from.id}::uuid)`
        const conversations: ExportConversation[] = await tx.$queryRaw<ExportConversation[]>`
          SELECT c.id, c.created_at AS "startedAt", c.last_seq AS "lastSeq" FROM mod_chat_conversations c
          WHERE ${where} ${after} ORDER BY c.created_at, c.id LIMIT ${BATCH}`
        if (conversations.length === 0) return null
        const firstSeq = from?.seq != null && conversations[0]!.id === from.id ? from.seq : 0
        const taken = enough(conversations, firstSeq)
        const rows = await exportMessages(tx, taken.map((c) => c.id), firstSeq, BATCH)
        return { rows, last: taken.at(-1)! }
      })
      if (!read) return
      if (read.rows.length > 0) yield read.rows
      // A full batch may stop inside a conversation; a short one has read every kept conversation whole.
      const lastRow = read.rows.at(-1)
      cursor = read.rows.length === BATCH && lastRow
        ? { at: lastRow.startedAt, id: lastRow.conversationId, seq: lastRow.seq }
        : { at: read.last.startedAt, id: read.last.id, seq: null }
    }
  }
}

/** The first conversations whose messages (after `firstSeq` in the first) fill a batch, and at least one. */
function enough(conversations: readonly ExportConversation[], firstSeq: number): ExportConversation[] {
  const taken: ExportConversation[] = []
  let counted = 0
  for (const c of conversations) {
    if (counted >= BATCH) break
    counted += Math.max(0, c.lastSeq - (taken.length === 0 ? firstSeq : 0))
    taken.push(c)
  }
  return taken
}

interface ExportConversation {
  id: string
  startedAt: Date
  lastSeq: number
}

/** One batch of the export: its rows, and the last conversation it read. */
interface ExportRead {
  rows: ExportRow[]
  last: ExportConversation
}

/** Where the export's last batch stopped: after message `seq` of a conversation, or after the whole conversation (null). */
interface ExportCursor {
  at: Date
  id: string
  seq: number | null
}

const DEFAULT_NAMES: Record<string, string> = { visitor: 'Visitor', agent: 'Agent', system: 'System', bot: 'Bot' }

type MessageRow = Prisma.MessageGetPayload<object>

/** A message as transcripts show it: the stored sender name, else the visitor's (for theirs), else the sender type's. */
export function toTranscriptMessage(m: MessageRow, visitorName: string | null): TranscriptMessage {
  return {
    seq: m.seq,
    createdAt: m.createdAt.toISOString(),
    senderType: m.senderType as SenderType,
    senderName: m.senderName ?? (m.senderType === 'visitor' ? visitorName : null) ?? DEFAULT_NAMES[m.senderType] ?? m.senderType,
    private: m.isPrivate,
    type: m.messageType as TranscriptMessage['type'],
    text: m.content,
    attachments: Array.isArray(m.attachments) ? (m.attachments as unknown as Attachment[]) : [],
    editedAt: isoOrNull(m.editedAt),
    deletedAt: isoOrNull(m.deletedAt),
  }
}

/**
 * The messages of `conversations`, in their order and by seq, from after `firstSeq` in the first
 * one, at most `take`: each conversation's messages are an index range on (conversation, seq),
 * cut at `take`.
 */
function exportMessages(tx: Tx, conversations: string[], firstSeq: number, take: number): Promise<ExportRow[]> {
  return tx.$queryRaw<ExportRow[]>`
    SELECT c.id AS "conversationId", c.created_at AS "startedAt", c.status,
           v.name AS "visitorName", v.email AS "visitorEmail", coalesce(a.display_name, u.name) AS "agentName",
           c.tags, c.rating, m.seq, m.created_at AS "sentAt", m.sender_type AS "senderType",
           coalesce(m.sender_name, CASE WHEN m.sender_type = 'visitor' THEN v.name END) AS "senderName",
           m.is_private AS "isPrivate", m.content, m.attachments
    FROM unnest(${conversations}::uuid[]) WITH ORDINALITY AS p(id, n)
    JOIN mod_chat_conversations c ON c.id = p.id
    CROSS JOIN LATERAL (
      SELECT m.* FROM mod_chat_messages m
      WHERE m.conversation_id = p.id AND m.seq > CASE WHEN p.n = 1 THEN ${firstSeq}::int ELSE 0 END
      ORDER BY m.seq LIMIT ${take}
    ) m
    JOIN mod_chat_visitors v ON v.id = c.visitor_id
    LEFT JOIN mod_chat_agents a ON a.id = c.assigned_agent_id
    LEFT JOIN users u ON u.id = a.user_id
    ORDER BY p.n, m.seq
    LIMIT ${take}`
}
