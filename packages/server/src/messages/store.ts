// Appending to a conversation on the general path (attachments, system lines, reopening, a
// conversation's first message). The conversation row is locked (SELECT … FOR UPDATE) for the
// rest of the transaction, so concurrent sends to one conversation take seq numbers one after
// another: gap-free and monotonic, and a failed transaction gives its number back. The message
// itself is written by the same SQL function as the hot path's (mod_chat_append_messages).
import crypto from 'node:crypto'
import type { Attachment, MessageType, SenderType, SystemEvent } from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { isImage } from '../uploads/content.js'
import type { MessageMetadata } from '../shared/map.js'

export interface LockedConversation {
  id: string
  siteId: string
  visitorId: string
  visitorName: string | null
  status: string
  assignedAgentId: string | null
  teamId: string | null
}

/** Locks and returns the conversation, or null when it is not in the transaction's site. */
export async function lockConversation(tx: Tx, id: string): Promise<LockedConversation | null> {
  const rows = await tx.$queryRaw<LockedConversation[]>`
    SELECT c.id, c.site_id AS "siteId", c.visitor_id AS "visitorId", v.name AS "visitorName",
           c.status, c.assigned_agent_id AS "assignedAgentId", c.team_id AS "teamId"
    FROM mod_chat_conversations c JOIN mod_chat_visitors v ON v.id = c.visitor_id
    WHERE c.id = ${id}::uuid
    FOR UPDATE OF c`
  return rows[0] ?? null
}

export type MessageRow = Prisma.MessageGetPayload<object>

/**
 * What the live announcement of a new message carries besides the message (see LiveMessage in
 * @live-chat/protocol): the seq of the visitor's previous visible message, and the
 * conversation's counters right after this message, both as the writer stored them.
 */
export interface LiveState {
  prevPublicSeq: number
  conversation: { lastSeq: number; lastPublicSeq: number; visitorReadSeq: number; visitorDeliveredSeq: number; agentReadSeq: number; agentDeliveredSeq: number }
}

/** A message just appended, with its LiveState. */
export type AppendedMessage = MessageRow & { live: LiveState }

/** The columns of mod_chat_append_messages' answer that make a LiveState. */
export interface LiveColumns {
  seq: number
  prev_public_seq: number
  last_public_seq: number
  visitor_read_seq: number
  visitor_delivered_seq: number
  agent_read_seq: number
  agent_delivered_seq: number
}

export function liveState(r: LiveColumns): LiveState {
  return {
    prevPublicSeq: r.prev_public_seq,
    conversation: {
      lastSeq: r.seq,
      lastPublicSeq: r.last_public_seq,
      visitorReadSeq: r.visitor_read_seq,
      visitorDeliveredSeq: r.visitor_delivered_seq,
      agentReadSeq: r.agent_read_seq,
      agentDeliveredSeq: r.agent_delivered_seq,
    },
  }
}

export interface NewMessage {
  senderType: SenderType
  senderId: string | null
  senderName: string | null
  text: string | null
  clientId?: string | null
  isPrivate?: boolean
  /** Files the message carries (already checked; see UploadService.plan). */
  attachments?: Attachment[]
  system?: SystemEvent
  /** A person's message's rich content or choice answer (see MessageMetadata). */
  metadata?: MessageMetadata
  /** Extra conversation changes made with it (status, assignment, ...). */
  conversation?: Prisma.ConversationUncheckedUpdateInput
  /** The senders whose messages the server's own consumers want as events (EmailService.eventSenders). */
  eventSenders?: readonly string[]
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

/** A conversation's subject, taken from its first message's text (the start of it). */
export const subjectOf = (text: string | null | undefined): string | null => storedText(text ?? undefined)?.trim().slice(0, 120) ?? null

/**
 * Appends a message to a locked conversation through the one writer of the rules
 * (mod_chat_append_messages: seq, counters, read marks, the outbox event), then applies the extra
 * conversation changes the message comes with (status, assignment, ...), and keeps `conv`'s status and
 * assignee current for the next change in the same transaction.
 */
export async function appendMessage(tx: Tx, conv: LockedConversation, m: NewMessage): Promise<AppendedMessage> {
  const id = crypto.randomUUID()
  const createdAt = new Date()
  const isPrivate = m.isPrivate ?? false
  const type = messageType(m)
  const attachments = m.attachments ?? []
  const metadata = m.system ?? m.metadata ?? {}
  // Arrays of one: the batch's columns (see the function).
  const [row] = await tx.$queryRaw<(LiveColumns & { sender_name: string | null })[]>`
    SELECT * FROM mod_chat_append_messages(ARRAY[${conv.siteId}]::uuid[], ARRAY[${conv.id}]::uuid[],
      ARRAY[NULL]::uuid[], ARRAY[${id}]::uuid[], ARRAY[${m.clientId ?? null}]::text[], ARRAY[${m.senderType}]::text[],
      ARRAY[${m.senderId}]::uuid[], ARRAY[${m.senderName}]::text[], ARRAY[${m.text}]::text[], ARRAY[${isPrivate}]::boolean[],
      ARRAY[${createdAt}]::timestamptz[], ARRAY[${type}]::text[], ARRAY[${JSON.stringify(attachments)}]::jsonb[],
      ARRAY[${JSON.stringify(metadata)}]::jsonb[], false, ${m.eventSenders ?? []}::text[])`
  if (!row) throw new Error(`conversation ${conv.id} is not in site ${conv.siteId}`)
  if (m.conversation) await tx.conversation.update({ where: { id: conv.id }, data: m.conversation })
  if (typeof m.conversation?.status === 'string') conv.status = m.conversation.status
  if (m.conversation && 'assignedAgentId' in m.conversation) conv.assignedAgentId = (m.conversation.assignedAgentId as string | null | undefined) ?? null
  return {
    id,
    siteId: conv.siteId,
    conversationId: conv.id,
    seq: row.seq,
    clientId: m.clientId ?? null,
    senderType: m.senderType,
    senderId: m.senderId,
    senderName: row.sender_name,
    messageType: type,
    content: m.text,
    attachments: attachments as unknown as Prisma.JsonValue,
    metadata: metadata as unknown as Prisma.JsonValue,
    isPrivate,
    createdAt,
    editedAt: null,
    deletedAt: null,
    rev: 0,
    live: liveState(row),
  }
}
