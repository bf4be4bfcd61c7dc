// Loading a conversation as agents and as its visitor see it.
import type { ConversationSummary, SlaClock, VisitorConversation } from '@live-chat/protocol'
import { prepared, type SqlReader, type Tx } from '../shared/db/index.js'
import { conversationFull, toConversationSummary, toVisitorConversation, type ConversationForSummary, type ConversationFull } from '../shared/map.js'
import { visitorOnlineSql, type PresenceService } from '../presence/service.js'
import { columnsOf, splitRows } from '../shared/db/columns.js'
import type { MessageRow } from '../messages/store.js'
import { runningClockSql, toSlaClock } from '../sla/clocks.js'
import { Prisma } from '../generated/prisma/client.js'

export interface ConversationViews {
  summary: ConversationSummary
  visitorView: VisitorConversation
}

export async function loadViews(tx: Tx, presence: PresenceService, id: string): Promise<ConversationViews | null> {
  const c = await tx.conversation.findUnique({ where: { id }, ...conversationFull })
  if (!c) return null
  const [row] = await withPreview(tx, [c])
  return views(row!, (await presence.connections(tx, 'visitor', c.visitorId)) > 0, row!.sla)
}

/** Several conversations' views, in the order of `ids` (those not found are left out). */
export async function loadViewsMany(tx: Tx, presence: PresenceService, ids: string[]): Promise<ConversationViews[]> {
  const rows = await withPreview(tx, await tx.conversation.findMany({ where: { id: { in: ids } }, ...conversationFull }))
  const online = await presence.online(tx, 'visitor', [...new Set(rows.map((r) => r.visitorId))])
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    return r ? [views(r, online.has(r.visitorId), r.sla)] : []
  })
}

/**
 * The inbox page: the summaries of `ids`, in their order, in one statement (the conversations with
 * their visitors, previews, SLA clocks and whether each visitor is online). No agent rows and no
 * visitor views, which a summary does not show. As model queries and their include it took four
 * round trips, and Prisma's mapping of model rows cost more than the statements (bench/history.mjs).
 */
export async function loadSummaries(tx: SqlReader, ids: string[]): Promise<ConversationSummary[]> {
  if (ids.length === 0) return []
  const rows = await tx.$queryRaw<Record<string, unknown>[]>(prepared(Prisma.sql`
    SELECT ${columnsOf(tx, 'Conversation', 'c')}, ${columnsOf(tx, 'Visitor', 'v', 'v.')}, ${previewColumns(tx)},
           ${visitorOnlineSql(Prisma.sql`c.site_id`, Prisma.sql`c.visitor_id`)} AS "o.online"
    FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS i(id, n)
    JOIN mod_chat_conversations c ON c.id = i.id
    JOIN mod_chat_visitors v ON v.id = c.visitor_id
    ${previewJoins(Prisma.sql`c.id`)}
    ORDER BY i.n`))
  return splitRows(rows).map((parts) => {
    const { messages, sla } = fromPreview(parts)
    const r = { ...parts[''], visitor: parts['v'], messages } as unknown as ConversationForSummary
    return toConversationSummary(r, parts['o']!['online'] as boolean, sla)
  })
}

/**
 * Adds to each conversation, in one query, its preview (the last message a person wrote; system
 * lines are not it: one index probe per conversation) and its running SLA clock (sla/clocks.ts).
 * Not a Prisma include: an include's `take: 1` is applied after fetching every message of the
 * page's conversations, which made an inbox page holding a few long conversations read thousands
 * of rows (bench/history.mjs).
 */
export async function withPreview<C extends { id: string }>(tx: SqlReader, rows: C[]): Promise<(C & { messages: MessageRow[]; sla: SlaClock | null })[]> {
  if (rows.length === 0) return []
  const found = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT c.id AS conversation, ${previewColumns(tx)}
    FROM unnest(${rows.map((r) => r.id)}::uuid[]) AS c(id)
    ${previewJoins(Prisma.sql`c.id`)}`
  const byConversation = new Map(splitRows(found).map((f) => [f['']!['conversation'] as string, fromPreview(f)]))
  return rows.map((r) => ({ ...r, ...(byConversation.get(r.id) ?? { messages: [], sla: null }) }))
}

// A conversation's preview, the last message a person wrote (`m`: system lines are not it; one
// index probe), and its running SLA clock (`k`): joined to the conversation by previewJoins,
// selected by previewColumns, read back from the row's parts (splitRows) by fromPreview.
const previewJoins = (conversation: Prisma.Sql) => Prisma.sql`
    LEFT JOIN LATERAL (SELECT * FROM mod_chat_messages WHERE conversation_id = ${conversation} AND sender_type <> 'system' ORDER BY seq DESC LIMIT 1) m ON true
    LEFT JOIN LATERAL (${runningClockSql(conversation)}) k ON true`

const previewColumns = (tx: SqlReader) =>
  Prisma.sql`${columnsOf(tx, 'Message', 'm', 'm.')}, k.kind AS "k.kind", k.started_at AS "k.started_at", k.due_at AS "k.due_at", k.breached_at AS "k.breached_at"`

function fromPreview(parts: Record<string, Record<string, unknown>>): { messages: MessageRow[]; sla: SlaClock | null } {
  const m = parts['m']
  const k = (parts['k'] ?? {}) as Parameters<typeof toSlaClock>[0]
  return { messages: m?.['id'] ? [m as unknown as MessageRow] : [], sla: toSlaClock(k) }
}

export function views(c: ConversationFull, visitorOnline: boolean, sla: SlaClock | null): ConversationViews {
  return { summary: toConversationSummary(c, visitorOnline, sla), visitorView: toVisitorConversation(c) }
}

