// Loading a conversation as agents and as its visitor see it.
import type { ConversationSummary, SlaClock, VisitorConversation } from '@live-chat/protocol'
import type { Tx } from '../shared/db/index.js'
import { conversationFull, toConversationSummary, toVisitorConversation, type ConversationForSummary, type ConversationFull } from '../shared/map.js'
import { visitorOnlineSql, type PresenceService } from '../presence/service.js'
import { columnsOf, splitRow } from '../shared/db/columns.js'
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
  const found = await tx.conversation.findMany({ where: { id: { in: ids } }, ...conversationFull })
  return inOrder(tx, presence, ids, found, (r, online) => views(r, online, r.sla))
}

/**
 * The inbox page: the summaries of `ids`, in their order, in one statement (the conversations with
 * their visitors, previews, SLA clocks and whether each visitor is online). No agent rows and no
 * visitor views, which a summary does not show. As model queries and their include it took four
 * round trips, and Prisma's mapping of model rows cost more than the statements (bench/history.mjs).
 */
export async function loadSummaries(tx: Tx, ids: string[]): Promise<ConversationSummary[]> {
  if (ids.length === 0) return []
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT ${columnsOf(tx, 'Conversation', 'c')}, ${columnsOf(tx, 'Visitor', 'v', 'v.')}, ${columnsOf(tx, 'Message', 'm', 'm.')},
           k.kind AS "k.kind", k.started_at AS "k.started_at", k.due_at AS "k.due_at", k.breached_at AS "k.breached_at",
           ${visitorOnlineSql(Prisma.sql`c.site_id`, Prisma.sql`c.visitor_id`)} AS "k.online"
    FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS i(id, n)
    JOIN mod_chat_conversations c ON c.id = i.id
    JOIN mod_chat_visitors v ON v.id = c.visitor_id
    LEFT JOIN LATERAL (${previewSql(Prisma.sql`c.id`)}) m ON true
    LEFT JOIN LATERAL (${runningClockSql(Prisma.sql`c.id`)}) k ON true
    ORDER BY i.n`
  return rows.map((row) => {
    const { '': c, v, m, k } = splitRow(row)
    const r = { ...c, visitor: v, messages: m?.['id'] ? [m] : [] } as unknown as ConversationForSummary
    const clock = k as { kind: string | null; started_at: Date | null; due_at: Date | null; breached_at: Date | null; online: boolean }
    return toConversationSummary(r, clock.online, toSlaClock(clock))
  })
}

/** `found` with their previews and clocks, mapped in the order of `ids` (those not found are left out). */
async function inOrder<C extends { id: string; visitorId: string }, T>(
  tx: Tx,
  presence: PresenceService,
  ids: string[],
  found: C[],
  map: (row: C & { messages: MessageRow[]; sla: SlaClock | null }, visitorOnline: boolean) => T,
): Promise<T[]> {
  const rows = await withPreview(tx, found)
  const online = await presence.online(tx, 'visitor', [...new Set(rows.map((r) => r.visitorId))])
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    return r ? [map(r, online.has(r.visitorId))] : []
  })
}

type PreviewRow = Partial<MessageRow> & { conversation: string; kind: string | null; started_at: Date | null; due_at: Date | null; breached_at: Date | null }

/**
 * Adds to each conversation, in one query, its preview (the last message a person wrote; system
 * lines are not it: one index probe per conversation) and its running SLA clock (sla/clocks.ts).
 * Not a Prisma include: an include's `take: 1` is applied after fetching every message of the
 * page's conversations, which made an inbox page holding a few long conversations read thousands
 * of rows (bench/history.mjs).
 */
export async function withPreview<C extends { id: string }>(tx: Tx, rows: C[]): Promise<(C & { messages: MessageRow[]; sla: SlaClock | null })[]> {
  if (rows.length === 0) return []
  const found = await tx.$queryRaw<PreviewRow[]>`
    SELECT c.id AS conversation,
           m.id, m.site_id AS "siteId", m.conversation_id AS "conversationId", m.seq, m.client_id AS "clientId",
           m.sender_type AS "senderType", m.sender_id AS "senderId", m.sender_name AS "senderName",
           m.message_type AS "messageType", m.content, m.attachments, m.metadata, m.is_private AS "isPrivate",
           m.created_at AS "createdAt", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt", m.rev,
           k.kind, k.started_at, k.due_at, k.breached_at
    FROM unnest(${rows.map((r) => r.id)}::uuid[]) AS c(id)
    LEFT JOIN LATERAL (${previewSql(Prisma.sql`c.id`)}) m ON true
    LEFT JOIN LATERAL (${runningClockSql(Prisma.sql`c.id`)}) k ON true`
  const byConversation = new Map(found.map((f) => [f.conversation, f]))
  return rows.map((r) => {
    const f = byConversation.get(r.id)
    const { conversation: _, kind, started_at, due_at, breached_at, ...message } = f ?? { conversation: r.id, kind: null, started_at: null, due_at: null, breached_at: null }
    return { ...r, messages: message.id ? [message as MessageRow] : [], sla: toSlaClock({ kind, started_at, due_at, breached_at }) }
  })
}

/** The preview of the conversation `conversation`: the last message a person wrote (system lines are not it; one index probe). */
function previewSql(conversation: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT * FROM mod_chat_messages WHERE conversation_id = ${conversation} AND sender_type <> 'system' ORDER BY seq DESC LIMIT 1`
}

export function views(c: ConversationFull, visitorOnline: boolean, sla: SlaClock | null): ConversationViews {
  return { summary: toConversationSummary(c, visitorOnline, sla), visitorView: toVisitorConversation(c) }
}

