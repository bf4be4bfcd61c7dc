// Appending to a conversation. The conversation row is locked (SELECT … FOR UPDATE) for the
// rest of the transaction, so concurrent sends to one conversation take seq numbers one after
// another: gap-free and monotonic, and a failed transaction gives its number back.
import type { Attachment, MessageType, SenderType, SystemEvent } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { isImage } from '../uploads/content.js'

export interface LockedConversation {
  id: string
  siteId: string
  visitorId: string
  visitorName: string | null
  status: string
  assignedAgentId: string | null
  lastSeq: number
  lastPublicSeq: number
  firstMessageAt: Date | null
  firstResponseAt: Date | null
}

/** Locks and returns the conversation, or null when it is not in the transaction's site. */
export async function lockConversation(tx: Tx, id: string): Promise<LockedConversation | null> {
  const rows = await tx.$queryRaw<LockedConversation[]>`
    SELECT c.id, c.site_id AS "siteId", c.visitor_id AS "visitorId", v.name AS "visitorName",
           c.status, c.assigned_agent_id AS "assignedAgentId", c.last_seq AS "lastSeq",
           c.last_public_seq AS "lastPublicSeq", c.first_message_at AS "firstMessageAt",
           c.first_response_at AS "firstResponseAt"
    FROM mod_chat_conversations c JOIN mod_chat_visitors v ON v.id = c.visitor_id
    WHERE c.id = ${id}::uuid
    FOR UPDATE OF c`
  return rows[0] ?? null
}

export type MessageRow = Prisma.MessageGetPayload<object>

export interface NewMessage {
  /** Bots do not write through the store. */
  senderType: Exclude<SenderType, 'bot'>
  senderId: string | null
  senderName: string | null
  text: string | null
  clientId?: string | null
  isPrivate?: boolean
  /** Files the message carries (already checked; see UploadService.plan). */
  attachments?: Attachment[]
  system?: SystemEvent
  /** Extra conversation changes made in the same update (status, assignment, ...). */
  conversation?: Prisma.ConversationUncheckedUpdateInput
}

/** 'image' when every attachment is an image, 'file' when any is not, 'text' when there are none. */
function messageType(m: NewMessage): MessageType {
  if (m.system) return 'system'
  const files = m.attachments ?? []
  if (files.length === 0) return 'text'
  return files.every((f) => isImage(f.type)) ? 'image' : 'file'
}

/** A message's text as stored: null when there is none (a message of attachments only). */
export const storedText = (text: string | undefined): string | null => (text !== undefined && text.trim() !== '' ? text : null)

/** Appends a message to a locked conversation and updates the conversation's counters. */
export async function appendMessage(tx: Tx, conv: LockedConversation, m: NewMessage): Promise<MessageRow> {
  const seq = conv.lastSeq + 1
  const isPrivate = m.isPrivate ?? false
  const now = new Date()
  const message = await tx.message.create({
    data: {
      siteId: conv.siteId,
      conversationId: conv.id,
      seq,
      clientId: m.clientId ?? null,
      senderType: m.senderType,
      senderId: m.senderId,
      senderName: m.senderName,
      messageType: messageType(m),
      content: m.text,
      attachments: (m.attachments ?? []) as unknown as Prisma.InputJsonValue,
      isPrivate,
      metadata: (m.system ?? {}) as Prisma.InputJsonValue,
      createdAt: now,
    },
  })
  const conversational = m.senderType !== 'system' && !isPrivate
  const data: Prisma.ConversationUncheckedUpdateInput = {
    lastSeq: seq,
    lastActivityAt: now,
    ...(isPrivate ? {} : { lastPublicSeq: seq }),
    ...(conversational ? { lastMessageAt: now } : {}),
    ...(conversational && !conv.firstMessageAt ? { firstMessageAt: now } : {}),
    ...(m.senderType === 'agent' && !isPrivate && !conv.firstResponseAt ? { firstResponseAt: now } : {}),
    // A sender has seen everything up to their own message.
    ...(m.senderType === 'visitor' ? { visitorReadSeq: seq, visitorDeliveredSeq: seq } : {}),
    ...(m.senderType === 'agent' ? { agentReadSeq: seq, agentDeliveredSeq: seq } : {}),
    ...m.conversation,
  }
  await tx.conversation.update({ where: { id: conv.id }, data })
  conv.lastSeq = seq
  if (!isPrivate) conv.lastPublicSeq = seq
  if (conversational && !conv.firstMessageAt) conv.firstMessageAt = now
  if (m.senderType === 'agent' && !isPrivate && !conv.firstResponseAt) conv.firstResponseAt = now
  if (typeof m.conversation?.status === 'string') conv.status = m.conversation.status
  return message
}
