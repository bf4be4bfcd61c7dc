// Merging contacts: when a visitor identifies with a verified identity (the host's HMAC of their
// user id, visitors/service.ts), the contacts that are the same person become one, the oldest:
// - the contact that already holds that user id;
// - the anonymous visitor of the session identifying (the same browser: their token and the hash
//   arrive together);
// - verified contacts with the same email as the identity gives (an email the host's server vouched
//   for). A visitor's self-typed email (pre-chat form, profile) is never a reason to merge: anyone
//   can type any address.
// Everything of the merged contacts follows the survivor, in the identifying transaction: their
// conversations (and the visitor's messages' sender ids in them), uploads, bans, live presence,
// notes, attribute values (the survivor's own value wins), consents. The merged rows stay as
// tombstones (merged_into_id, every personal field cleared): a token naming one acts as the
// survivor, and their live sockets on every process are moved to the survivor (a NOTIFY at commit,
// watchMergedContacts). Two processes identifying the same person at once are serialised by
// transaction-scoped advisory locks on the user id and the email (lockIdentity).
import type { Database, Tx } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'
import { isUuid } from '../shared/params.js'
import { rooms, type AgentNamespace, type VisitorNamespace } from '../realtime/types.js'

export const CONTACT_MERGED_CHANNEL = 'live_chat_contact_merged'

/**
 * Serialises identifications of the same user id or email on the site, until the transaction
 * ends (keys in one order, so two sessions never wait for each other crosswise).
 */
export async function lockIdentity(tx: Tx, siteId: string, userId: string, email: string | undefined): Promise<void> {
  const keys = [`identity:${siteId}:${userId}`, ...(email ? [`email:${siteId}:${email.toLowerCase()}`] : [])].sort()
  for (const k of keys) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${k}, 0))`
}

export interface Merged {
  visitorId: string
  mergedVisitorIds: string[]
  /** The conversations that moved to the survivor. */
  conversationIds: string[]
}

/** Merges `others` into `into` (all of the site, none a tombstone), in the caller's site transaction. */
export async function mergeContacts(tx: Tx, siteId: string, into: string, others: readonly string[]): Promise<Merged> {
  const from = [...new Set(others)].filter((id) => id !== into)
  if (from.length === 0) return { visitorId: into, mergedVisitorIds: [], conversationIds: [] }
  // Rows locked in one order: a concurrent merge or erase of any of them waits for this one. NO KEY
  // UPDATE (no key of these rows changes): the key-share locks of foreign key checks do not wait
  // for it, nor it for them. FOR UPDATE deadlocked with the queue's drain, whose second update of
  // a conversation in its transaction checks the visitor key (seen in CI: a 503 on identifying).
  await tx.$queryRaw`SELECT id FROM mod_chat_visitors WHERE site_id = ${siteId}::uuid AND id = ANY (${[into, ...from]}::uuid[]) ORDER BY id FOR NO KEY UPDATE`
  const moved = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM mod_chat_conversations WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[]) ORDER BY created_at, id FOR NO KEY UPDATE`
  const conversationIds = moved.map((c) => c.id)
  if (conversationIds.length > 0) {
    // A retried start's key (client_key) is unique per visitor: a merged one that the survivor holds too is dropped.
    await tx.$executeRaw`
      UPDATE mod_chat_conversations c SET client_key = NULL
      WHERE c.site_id = ${siteId}::uuid AND c.id = ANY (${conversationIds}::uuid[]) AND c.client_key IS NOT NULL
        AND (EXISTS (SELECT 1 FROM mod_chat_conversations s WHERE s.visitor_id = ${into}::uuid AND s.client_key = c.client_key)
          OR EXISTS (SELECT 1 FROM mod_chat_conversations o WHERE o.id = ANY (${conversationIds}::uuid[]) AND o.client_key = c.client_key AND o.id < c.id))`
    await tx.$executeRaw`UPDATE mod_chat_conversations SET visitor_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND id = ANY (${conversationIds}::uuid[])`
    await tx.$executeRaw`
      UPDATE mod_chat_messages SET sender_id = ${into}::uuid
      WHERE site_id = ${siteId}::uuid AND conversation_id = ANY (${conversationIds}::uuid[]) AND sender_type = 'visitor' AND sender_id = ANY (${from}::uuid[])`
  }
  await tx.$executeRaw`UPDATE mod_chat_uploads SET visitor_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])`
  await tx.$executeRaw`UPDATE mod_chat_bans SET visitor_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])`
  await tx.$executeRaw`UPDATE mod_chat_connections SET visitor_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])`
  await tx.$executeRaw`UPDATE mod_chat_contact_notes SET visitor_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])`
  // Attribute values: the survivor's own win; of the merged ones, the latest set.
  await tx.$executeRaw`
    INSERT INTO mod_chat_contact_attribute_values (site_id, visitor_id, attribute_id, text_value, number_value, date_value, bool_value, updated_at)
    SELECT DISTINCT ON (attribute_id) site_id, ${into}::uuid, attribute_id, text_value, number_value, date_value, bool_value, updated_at
    FROM mod_chat_contact_attribute_values WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])
    ORDER BY attribute_id, updated_at DESC
    ON CONFLICT (visitor_id, attribute_id) DO NOTHING`
  await tx.$executeRaw`DELETE FROM mod_chat_contact_attribute_values WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${from}::uuid[])`
  // The profile: consents given by any of them; a field the survivor lacks, from the newest merged contact that has it.
  await tx.$executeRaw`
    UPDATE mod_chat_visitors s SET
      consents = s.consents || coalesce((SELECT jsonb_agg(e ORDER BY e->>'givenAt') FROM mod_chat_visitors m, jsonb_array_elements(m.consents) e
                                         WHERE m.site_id = ${siteId}::uuid AND m.id = ANY (${from}::uuid[]) AND NOT s.consents @> jsonb_build_array(e)), '[]'::jsonb),
      name = coalesce(s.name, (SELECT m.name FROM mod_chat_visitors m WHERE m.site_id = ${siteId}::uuid AND m.id = ANY (${from}::uuid[]) AND m.name IS NOT NULL ORDER BY m.last_seen_at DESC LIMIT 1)),
      phone = coalesce(s.phone, (SELECT m.phone FROM mod_chat_visitors m WHERE m.site_id = ${siteId}::uuid AND m.id = ANY (${from}::uuid[]) AND m.phone IS NOT NULL ORDER BY m.last_seen_at DESC LIMIT 1)),
      company = coalesce(s.company, (SELECT m.company FROM mod_chat_visitors m WHERE m.site_id = ${siteId}::uuid AND m.id = ANY (${from}::uuid[]) AND m.company IS NOT NULL ORDER BY m.last_seen_at DESC LIMIT 1)),
      last_seen_at = greatest(s.last_seen_at, (SELECT max(m.last_seen_at) FROM mod_chat_visitors m WHERE m.site_id = ${siteId}::uuid AND m.id = ANY (${from}::uuid[])))
    WHERE s.site_id = ${siteId}::uuid AND s.id = ${into}::uuid`
  // Tombstones: earlier ones of the merged contacts point at the survivor (never a chain); the merged rows keep nothing personal.
  await tx.$executeRaw`UPDATE mod_chat_visitors SET merged_into_id = ${into}::uuid WHERE site_id = ${siteId}::uuid AND merged_into_id = ANY (${from}::uuid[])`
  await tx.$executeRaw`
    UPDATE mod_chat_visitors SET merged_into_id = ${into}::uuid, external_id = NULL, verified = false, name = NULL, email = NULL, phone = NULL,
      company = NULL, current_url = NULL, current_title = NULL, referrer_url = NULL, user_agent = NULL, ip_address = NULL, country_code = NULL,
      city = NULL, custom_data = '{}', pages = '[]', consents = '[]'
    WHERE site_id = ${siteId}::uuid AND id = ANY (${from}::uuid[])`
  await tx.$executeRaw`SELECT pg_notify(${CONTACT_MERGED_CHANNEL}, ${`${siteId}:${into}:${from.join(',')}`})`
  return { visitorId: into, mergedVisitorIds: from, conversationIds }
}

/**
 * Merged contacts' live sockets go on as the survivor on every process: each process moves its own
 * sockets (their actor, their room, the conversations they may touch) when the merging transaction's
 * NOTIFY arrives at commit; the site's agents are told (`contact:merged`) so that dashboards show
 * the survivor.
 */
export function watchMergedContacts(db: Database, visitors: VisitorNamespace, agents: AgentNamespace, log: Logger): Promise<() => Promise<void>> {
  return db.listen(CONTACT_MERGED_CHANNEL, (payload) => {
    const [siteId, into, list] = payload.split(':')
    const from = (list ?? '').split(',')
    if (!isUuid(siteId) || !isUuid(into) || !from.every(isUuid)) return void log.warn('contact merged notice: not a site and visitor ids')
    for (const id of from) {
      const room = visitors.adapter.rooms.get(rooms.visitor(id))
      for (const socketId of room ? [...room] : []) {
        const socket = visitors.sockets.get(socketId)
        if (!socket || socket.data.actor.siteId !== siteId) continue
        socket.data.actor.visitorId = into
        const known = socket.data.conversations
        if (known) for (const [c, v] of known) if (v === id) known.set(c, into)
        void socket.join(rooms.visitor(into))
        void socket.leave(rooms.visitor(id))
      }
    }
    agents.local.to(rooms.siteAgents(siteId)).emit('contact:merged', { visitorId: into, mergedVisitorIds: from })
  })
}
