// Editing and unsending one's own message within the site's edit window. Each change takes the
// conversation's next change counter (`last_rev`) and stamps it on the message (`rev`), in the
// transaction that makes the change: clients apply a message whose rev is above the one they
// hold (so a change that reaches them live and again through a sync counts once), and a client
// that was away asks `messages:sync` for the changes after its last counter.
import type { Message, MessageEdit, MessageRef } from '@live-chat/protocol'
import type { Actor } from '../shared/context.js'
import { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, invalidState, notFound } from '../shared/errors.js'
import { toMessage } from '../shared/map.js'
import { subjectOf, type MessageRow } from './store.js'

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
  const dropped = await followSubject(tx, ref.conversationId, m, unsend ? null : change.text)
  if (unsend) {
    // The visitor's expectation of "unsend": the text, the files and every earlier text (so the
    // "edited" mark too) are gone (the search column is generated from the text, so search no
    // longer finds it).
    await tx.messageEdit.deleteMany({ where: { messageId: m.id } })
    await tx.upload.deleteMany({ where: { messageId: m.id } })
    await tx.$executeRaw`
      UPDATE mod_chat_messages SET content = NULL, attachments = '[]'::jsonb, metadata = '{}'::jsonb, edited_at = NULL, deleted_at = now(), rev = ${rev}
      WHERE id = ${m.id}::uuid`
    const message = await current(tx, m.id)
    await scrubWebhookBodies(tx, actor.siteId, message, dropped)
    return { message, visitorId: m.visitorId, changed: true }
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
  return rows.map(toMessageEdit)
}

/** An earlier text as agents (and a visitor's export) see it. */
export function toMessageEdit(r: Prisma.MessageEditGetPayload<object>): MessageEdit {
  return { text: r.content, editorType: r.editorType as MessageEdit['editorType'], editorName: r.editorName, editedAt: r.createdAt.toISOString() }
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

/**
 * A subject the conversation took from this message (its first one from the visitor) follows it:
 * the new text's start after an edit, none after an unsend (so the unsent words are not kept, or
 * found by search, there). A subject an agent wrote stays.
 * @returns The subjects its texts gave (every version's; none unless it is that first message).
 */
async function followSubject(tx: Tx, conversationId: string, m: Target, next: string | null): Promise<string[]> {
  const [row] = await tx.$queryRaw<{ subject: string | null; first: string | null }[]>`
    SELECT c.subject,
           (SELECT f.id::text FROM mod_chat_messages f WHERE f.conversation_id = c.id AND f.sender_type = 'visitor' ORDER BY f.seq LIMIT 1) AS first
    FROM mod_chat_conversations c WHERE c.id = ${conversationId}::uuid`
  if (!row || row.first !== m.id) return []
  const earlier = await tx.messageEdit.findMany({ where: { messageId: m.id }, select: { content: true } })
  const subjects = [m.content, ...earlier.map((e) => e.content)].flatMap((t) => subjectOf(t) ?? [])
  if (row.subject && subjects.includes(row.subject)) await tx.conversation.update({ where: { id: conversationId }, data: { subject: subjectOf(next) } })
  return subjects
}

/**
 * What webhooks were sent, or will be sent, about an unsent message no longer holds what it said:
 * its body in the delivery log (which retries and redeliveries send) becomes the message as it is
 * now, and a conversation snapshot whose preview it was says "removed" instead and loses the
 * subject taken from it (`subjects`: any of its versions', see followSubject), in the log and in events not
 * dispatched yet. (A receiver that already has it keeps it; `message.deleted` tells
 * the ones that subscribe.) Only rows written since the message was sent can hold it.
 */
async function scrubWebhookBodies(tx: Tx, siteId: string, m: Message, subjects: string[]): Promise<void> {
  const since = new Date(m.createdAt)
  // A conversation snapshot (`conv`, jsonb) without the message: its preview says removed, and the subject taken from it is gone.
  const scrubbed = (conv: Prisma.Sql) => Prisma.sql`(${conv}
      || CASE WHEN ${conv} #>> '{lastMessage,seq}' = ${String(m.seq)}
           THEN jsonb_build_object('lastMessage', (${conv} -> 'lastMessage') || '{"text": null, "deleted": true}'::jsonb) ELSE '{}'::jsonb END
      || CASE WHEN ${conv} ->> 'subject' = ANY (${subjects}::text[]) THEN '{"subject": null}'::jsonb ELSE '{}'::jsonb END)`
  await tx.$executeRaw`
    UPDATE mod_chat_webhook_deliveries SET payload = CASE
        WHEN payload #>> '{data,message,id}' = ${m.id} THEN jsonb_set(payload, '{data,message}', ${JSON.stringify(m)}::jsonb)
        ELSE jsonb_set(payload, '{data,conversation}', ${scrubbed(Prisma.sql`(payload #> '{data,conversation}')`)})
      END
    WHERE site_id = ${siteId}::uuid AND created_at >= ${since}
      AND (payload #>> '{data,message,id}' = ${m.id} OR payload #>> '{data,conversation,id}' = ${m.conversationId})`
  await tx.$executeRaw`
    UPDATE mod_chat_events SET data = jsonb_set(data, '{conversation}', ${scrubbed(Prisma.sql`(data -> 'conversation')`)})
    WHERE site_id = ${siteId}::uuid AND created_at >= ${since} AND conversation_id = ${m.conversationId}::uuid AND data ? 'conversation'`
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
