// The outbox: every change writes the domain events it causes into mod_chat_events in its own
// transaction, so an event exists if and only if its change committed. The dispatcher
// (dispatcher.ts) hands each event to every consumer once. Messages' events are written by the
// message writer itself (prisma/sql/functions/mod_chat_append_messages.sql); the other changes call
// recordEvent() here. Either way a trigger sends a NOTIFY on EVENTS_CHANNEL (see
// prisma/sql/triggers/mod_chat_events_notify.sql), which Postgres delivers when (and only if) the
// transaction commits: every process's dispatcher looks at once.
//
// An event is written only when someone wants it (mod_chat_event_wanted: a webhook of the site
// subscribes to its type), or when `wanted` says a consumer of the server's own does: a site
// without webhooks pays nothing for them.
import type { WebhookEvent, WebhookEventData } from '@live-chat/protocol'
import type { Tx } from '../shared/db/index.js'

/** The NOTIFY channel of new events (payload: the site id). */
export const EVENTS_CHANNEL = 'live_chat_events'

/** The events a change records here (a message's are written with it, by the message writer). */
export type RecordedEvent = Exclude<WebhookEvent, MessageEvent | 'message.created' | 'conversation.assigned' | 'conversation.resolved'>

/** A message's later events: their body is built from the stored message when dispatched (see recordMessageEvent). */
export type MessageEvent = 'message.updated' | 'message.deleted'

/**
 * Writes a message's later event (an edit, an unsend) in the caller's transaction when wanted.
 * Like message.created it names the message instead of holding a copy: its body is the message as
 * stored when dispatched, so text a later unsend removed is never sent.
 */
export async function recordMessageEvent(tx: Tx, siteId: string, type: MessageEvent, conversationId: string, messageId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO mod_chat_events (site_id, type, conversation_id, message_id)
    SELECT ${siteId}::uuid, ${type}, ${conversationId}::uuid, ${messageId}::uuid
    WHERE mod_chat_event_wanted(${siteId}::uuid, ${type})
    RETURNING id`
  return rows.length > 0
}

/**
 * Writes the event in the caller's transaction when it is wanted; returns whether it did. `data`
 * is the event's body as it was at the change (a snapshot).
 */
export async function recordEvent<E extends RecordedEvent>(
  tx: Tx,
  siteId: string,
  type: E,
  data: WebhookEventData[E],
  opts: { conversationId?: string; wanted?: boolean } = {},
): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO mod_chat_events (site_id, type, conversation_id, data)
    SELECT ${siteId}::uuid, ${type}, ${opts.conversationId ?? null}::uuid, ${JSON.stringify(data)}::jsonb
    WHERE ${opts.wanted ?? false} OR mod_chat_event_wanted(${siteId}::uuid, ${type})
    RETURNING id`
  return rows.length > 0
}
