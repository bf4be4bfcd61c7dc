// What analytics keep of conversations that are deleted (an erased visitor, retention's delete):
// their anonymous figures, in mod_chat_analytics_removed, written in the deleting transaction just
// before the rows go. The day rows are always recomputed from the raw rows (aggregate.ts); these
// figures stand in for the rows that are gone, so a day recomputed later (a time zone change, a
// conversation of the same day changing) counts as it did, and a deletion changes no past figure.
//
// Nothing in them points back to a person: no id of the conversation, its visitor or its
// messages, no text, no comment of a rating; times are cut to the quarter hour (every time zone's
// offset is a whole number of quarter hours, so the local day and hour stay the same). What is
// kept is what the day rows hold anyway: counts, durations, ratings, and which agent.
import { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { CONVERSATION_FIGURES, COUNTED_MESSAGES } from './aggregate.js'

/** A time (a column) cut to its quarter hour. */
const quarter = (column: Prisma.Sql) => Prisma.sql`date_bin('15 minutes', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`

/** Keeps the figures of the site's conversations `ids` (and of their messages) before they are deleted. */
export async function keepFigures(tx: Tx, siteId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  // (the columns in CONVERSATION_FIGURES' order)
  await tx.$executeRaw`
    INSERT INTO mod_chat_analytics_removed (site_id, kind, at, offline, resolved, missed, rating, agent_id, first_response_seconds, resolution_seconds, responder_id)
    SELECT c.site_id, 'conversation', ${quarter(Prisma.sql`c.created_at`)}, f.offline, f.resolved, f.missed, f.rating, f.agent, f.fr, f.res, f.responder
    FROM mod_chat_conversations c CROSS JOIN LATERAL (SELECT ${CONVERSATION_FIGURES}) f
    WHERE c.site_id = ${siteId}::uuid AND c.id = ANY (${ids}::uuid[])`
  await tx.$executeRaw`
    INSERT INTO mod_chat_analytics_removed (site_id, kind, at, count, sender_type, agent_id)
    SELECT m.site_id, 'message', ${quarter(Prisma.sql`m.created_at`)} AS at, count(*)::int, m.sender_type, CASE WHEN m.sender_type = 'agent' THEN m.sender_id END AS agent
    FROM mod_chat_messages m
    WHERE m.site_id = ${siteId}::uuid AND m.conversation_id = ANY (${ids}::uuid[]) AND ${COUNTED_MESSAGES}
    GROUP BY m.site_id, at, m.sender_type, agent`
}
