// Loading a conversation as agents and as its visitor see it.
import type { ConversationSummary, VisitorConversation } from '@live-chat/protocol'
import type { Tx } from '../shared/db/index.js'
import { conversationFull, toConversationSummary, toVisitorConversation, type ConversationFull } from '../shared/map.js'
import type { PresenceService } from '../presence/service.js'

export interface ConversationViews {
  summary: ConversationSummary
  visitorView: VisitorConversation
}

export async function loadViews(tx: Tx, presence: PresenceService, id: string): Promise<ConversationViews | null> {
  const c = await tx.conversation.findUnique({ where: { id }, ...conversationFull })
  if (!c) return null
  return views(c, (await presence.connections(tx, 'visitor', c.visitorId)) > 0)
}

export function views(c: ConversationFull, visitorOnline: boolean): ConversationViews {
  return { summary: toConversationSummary(c, visitorOnline), visitorView: toVisitorConversation(c) }
}
