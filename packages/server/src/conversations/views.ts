// Loading a conversation as agents and as its visitor see it.
import type { ConversationSummary, SlaClock, VisitorConversation } from '@live-chat/protocol'
import type { Tx } from '../shared/db/index.js'
import { conversationFull, toConversationSummary, toVisitorConversation, type ConversationFull } from '../shared/map.js'
import type { PresenceService } from '../presence/service.js'
import type { MessageRow } from '../messages/store.js'
import { runningClocks } from '../sla/clocks.js'

export interface ConversationViews {
  summary: ConversationSummary
  visitorView: VisitorConversation
}

export async function loadViews(tx: Tx, presence: PresenceService, id: string): Promise<ConversationViews | null> {
  const c = await tx.conversation.findUnique({ where: { id }, ...conversationFull })
  if (!c) return null
  // One conversation's preview: the (conversation_id, seq) index walked backwards, one row.
  const last = await tx.message.findFirst({ where: { conversationId: id, senderType: { not: 'system' } }, orderBy: { seq: 'desc' } })
  const sla = await runningClocks(tx, [id])
  return views({ ...c, messages: last ? [last] : [] }, (await presence.connections(tx, 'visitor', c.visitorId)) > 0, sla.get(id) ?? null)
}

/** Several conversations' views, in the order of `ids` (those not found are left out). */
export async function loadViewsMany(tx: Tx, presence: PresenceService, ids: string[]): Promise<ConversationViews[]> {
  const rows = await withLastMessage(tx, await tx.conversation.findMany({ where: { id: { in: ids } }, ...conversationFull }))
  const online = await presence.online(tx, 'visitor', [...new Set(rows.map((r) => r.visitorId))])
  const sla = await runningClocks(tx, rows.map((r) => r.id))
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    return r ? [views(r, online.has(r.visitorId), sla.get(id) ?? null)] : []
  })
}

/**
 * Adds to each conversation its preview: the last message a person wrote (system lines are not
 * it), one index probe per conversation. Not a Prisma include: an include's `take: 1` is applied
 * after fetching every message of the page's conversations, which made an inbox page holding a
 * few long conversations read thousands of rows (bench/history.mjs).
 */
export async function withLastMessage<C extends { id: string }>(tx: Tx, rows: C[]): Promise<(C & { messages: MessageRow[] })[]> {
  if (rows.length === 0) return []
  const last = await tx.$queryRaw<{ id: string }[]>`
    SELECT m.id FROM unnest(${rows.map((r) => r.id)}::uuid[]) AS c(id)
    CROSS JOIN LATERAL (
      SELECT id FROM mod_chat_messages
      WHERE conversation_id = c.id AND sender_type <> 'system'
      ORDER BY seq DESC LIMIT 1
    ) m`
  const messages = last.length > 0 ? await tx.message.findMany({ where: { id: { in: last.map((m) => m.id) } } }) : []
  const byConversation = new Map(messages.map((m) => [m.conversationId, m]))
  return rows.map((r) => {
    const m = byConversation.get(r.id)
    return { ...r, messages: m ? [m] : [] }
  })
}

export function views(c: ConversationFull, visitorOnline: boolean, sla: SlaClock | null): ConversationViews {
  return { summary: toConversationSummary(c, visitorOnline, sla), visitorView: toVisitorConversation(c) }
}
