// Editing and unsending one's own message within the site's edit window. Each change takes the
// conversation's next change counter (`last_rev`) and stamps it on the message (`rev`), in the
// transaction that makes the change: clients apply a message whose rev is above the one they
// hold (so a change that reaches them live and again through a sync counts once), and a client
// that was away asks `messages:sync` for the changes after its last counter.
import type { Message, MessageEdit, MessageRef } from '@live-chat/protocol'
import type { Actor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { toMessage } from '../shared/map.js'
import type { MessageRow } from './store.js'

/** What to do to the message: a new text, or unsend it. */
export type Change = { text: string } | { unsend: true }

/** The edit window when a site has no widget settings row (WidgetSettings' default). */
const DEFAULT_WINDOW_SECONDS = 900

interface Target {
  id: string
  senderType: string
  senderId: string | null
  messageType: string
  content: string | null
  isPrivate: boolean
  deletedAt: Date | null
  metadata: unknown
  visitorId: string
  /** Seconds since it was sent, by the database's clock (one clock for every server process). */
  age: number
  windowSeconds: number | null
  /** Whether a visitor answered it (a choice). */
  answered: boolean
}

/**
 * Changes the actor's own message (locked for the transaction). Editing to the same text, or
 * unsending a message already unsent, changes nothing and answers the message as it is (a retry).
 * @returns The message as it is now, its visitor, and whether it changed (to announce it).
 */
export async function changeMessage(tx: Tx, actor: Actor, ref: MessageRef, change: Change): Promise<{ message: Message; visitorId: string; changed: boolean }> {
  const m = await lockTarget(tx, actor, ref)
  const own = actor.kind === 'visitor' ? m.senderType === 'visitor' && m.senderId === actor.visitorId : m.senderType === 'agent' && m.senderId === actor.agentId
  if (!own) throw new AppError('not_yours', 'only its sender may edit or unsend a message')
  const unsend = 'unsend' in change
  if (m.deletedAt) {
    if (unsend) return { message: await current(tx, m.id), visitorId: m.visitorId, changed: false }
    throw invalidState('this message was unsent')
  }
  if (m.answered) throw invalidState('a visitor answered this choice; it can no longer be changed')
  if ((m.metadata as { answer?: unknown } | null)?.answer) throw invalidState('an answer to a choice cannot be changed')
  if (!unsend && m.content === null) throw invalidState('this message has no text to edit')
  if (!unsend && m.content === change.text) return { message: await current(tx, m.id), visitorId: m.visitorId, changed: false }
  const window = m.windowSeconds ?? DEFAULT_WINDOW_SECONDS
  if (window === 0) throw new AppError('edit_window_passed', 'this site does not allow editing or unsending messages')
  if (m.age > window) throw new AppError('edit_window_passed', `messages may be edited or unsent for ${window} seconds after they are sent`)

  const [bump] = await tx.$queryRaw<{ rev: number }[]>`
    UPDATE mod_chat_conversations SET last_rev = last_rev + 1 WHERE id = ${ref.conversationId}::uuid RETURNING last_rev AS rev`
  const rev = bump!.rev
  if (unsend) {
    // The visitor's expectation of "unsend": the text, the files and every earlier text (so the
    // "edited" mark too) are gone (the search column is generated from the text, so search no
    // longer finds it).
    await tx.messageEdit.deleteMany({ where: { messageId: m.id } })
    await tx.upload.deleteMany({ where: { messageId: m.id } })
    await tx.$executeRaw`
      UPDATE mod_chat_messages SET content = NULL, attachments = '[]'::jsonb, metadata = '{}'::jsonb, edited_at = NULL, deleted_at = now(), rev = ${rev}
      WHERE id = ${m.id}::uuid`
  } else {
    await tx.messageEdit.create({
      data: {
        siteId: actor.siteId,
        messageId: m.id,
        content: m.content,
        editorType: actor.kind,
        editorId: actor.kind === 'visitor' ? actor.visitorId : actor.agentId,
        editorName: actor.kind === 'agent' ? actor.name : null,
      },
    })
    await tx.$executeRaw`UPDATE mod_chat_messages SET content = ${change.text}, edited_at = now(), rev = ${rev} WHERE id = ${m.id}::uuid`
  }
  return { message: await current(tx, m.id), visitorId: m.visitorId, changed: true }
}

/** The earlier texts of a message, oldest first (agents only: the caller checks). */
export async function editHistory(tx: Tx, ref: MessageRef): Promise<MessageEdit[]> {
  const m = await tx.message.findFirst({ where: { id: ref.messageId, conversationId: ref.conversationId }, select: { id: true } })
  if (!m) throw notFound('message')
  const rows = await tx.messageEdit.findMany({ where: { messageId: m.id }, orderBy: { createdAt: 'asc' } })
  return rows.map((r) => ({ text: r.content, editorType: r.editorType as MessageEdit['editorType'], editorName: r.editorName, editedAt: r.createdAt.toISOString() }))
}

/**
 * The messages of a conversation changed after `afterRev`, oldest change first, and the counter
 * the caller is caught up to. The counter is read before the changes: one committed in between
 * is answered again next time (a repeat the client drops), never skipped. A conversation the
 * actor may not see is not_found.
 */
export async function changesAfter(tx: Tx, actor: Actor, conversationId: string, afterRev: number, limit: number): Promise<{ changes: Message[]; rev: number; hasMore: boolean }> {
  // The conversation, read once: whether the actor may see it, and its change counter.
  const conv = await tx.conversation.findUnique({ where: { id: conversationId }, select: { visitorId: true, lastRev: true } })
  const visitor = actor.kind === 'visitor'
  if (!conv || (visitor && conv.visitorId !== actor.visitorId)) throw notFound('conversation')
  if (conv.lastRev <= afterRev) return { changes: [], rev: Math.max(afterRev, conv.lastRev), hasMore: false }
  const rows = await tx.message.findMany({
    where: { conversationId, rev: { gt: afterRev }, ...(visitor ? { isPrivate: false } : {}) },
    orderBy: { rev: 'asc' },
    take: limit + 1,
  })
  const hasMore = rows.length > limit
  const page = rows.slice(0, limit)
  return { changes: page.map(toMessage), rev: hasMore ? page.at(-1)!.rev : conv.lastRev, hasMore }
}

async function current(tx: Tx, id: string): Promise<Message> {
  return toMessage((await tx.message.findUnique({ where: { id } })) as MessageRow)
}

/** Locks the message (of that conversation, in the transaction's site; a visitor's own conversation, no private notes). */
async function lockTarget(tx: Tx, actor: Actor, ref: MessageRef): Promise<Target> {
  const rows = await tx.$queryRaw<Target[]>`
    SELECT m.id, m.sender_type AS "senderType", m.sender_id AS "senderId", m.message_type AS "messageType", m.content,
           m.is_private AS "isPrivate", m.deleted_at AS "deletedAt", m.metadata, c.visitor_id AS "visitorId",
           EXTRACT(EPOCH FROM (now() - m.created_at))::float8 AS age,
           (SELECT w.edit_window_seconds FROM mod_chat_widget_settings w WHERE w.site_id = c.site_id) AS "windowSeconds",
           EXISTS (SELECT 1 FROM mod_chat_messages a WHERE a.conversation_id = m.conversation_id AND a.client_id = 'choice:' || m.id::text) AS answered
    FROM mod_chat_messages m JOIN mod_chat_conversations c ON c.id = m.conversation_id
    WHERE m.id = ${ref.messageId}::uuid AND m.conversation_id = ${ref.conversationId}::uuid
    FOR UPDATE OF m`
  const m = rows[0]
  if (!m || (actor.kind === 'visitor' && (m.visitorId !== actor.visitorId || m.isPrivate))) throw notFound('message')
  return m
}
