// The inbox's filters as one SQL condition on conversations (aliased `c`), shared by the list
// and the bulk export so both select exactly the same conversations. Every value is a bound
// parameter (Prisma.sql); the caller runs it inside db.inSite, where row-level security keeps it
// to the site, and the explicit site_id lets Postgres use the site's indexes.
import type { ListConversationsQuery } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { AgentActor } from '../shared/context.js'
import type { SqlReader } from '../shared/db/index.js'
import { AppError } from '../shared/errors.js'
import { planCondition, planSearch, searchCondition, searchFallback, searchTerms, type SearchPlan } from './search.js'
import { attributeCondition, matchingContacts, resolveAttributeFilter, type AttributeFilter } from '../contacts/attributes.js'

/** The list's filters without its paging; `attributeFilter` is `attribute…` resolved against the site's definition (withAttribute). */
export type ConversationFilter = Omit<ListConversationsQuery, 'cursor' | 'limit'> & { attributeFilter?: AttributeFilter }

/** The filter with its contact attribute resolved (a read of the definition, in the site's transaction `tx`). */
export async function withAttribute<F extends ConversationFilter>(tx: SqlReader, siteId: string, f: F): Promise<F> {
  const attributeFilter = await resolveAttributeFilter(tx, siteId, f)
  return attributeFilter ? { ...f, attributeFilter } : f
}

/** `mine`: the agent's own; an API key is no agent and has none (it names one with agentId). */
function mineOf(actor: AgentActor): string {
  if (actor.key) throw new AppError('invalid_payload', 'invalid query: mine: an API key has no conversations of its own; use agentId', [{ path: 'mine', message: 'not for API keys' }])
  return actor.agentId
}

export function filterCondition(actor: AgentActor, f: ConversationFilter): Prisma.Sql {
  return Prisma.join([Prisma.sql`c.site_id = ${actor.siteId}::uuid`, ...conditions(actor, f)], ' AND ')
}

/** The filters' conditions on conversations `c` (the site's own is the caller's). */
function conditions(actor: AgentActor, f: ConversationFilter): Prisma.Sql[] {
  const and: Prisma.Sql[] = []
  if (f.status) and.push(Prisma.sql`c.status IN (${Prisma.join(f.status)})`)
  if (f.mine) and.push(Prisma.sql`c.assigned_agent_id = ${mineOf(actor)}::uuid`)
  if (f.unassigned) and.push(Prisma.sql`c.assigned_agent_id IS NULL`)
  if (f.offline !== undefined) and.push(f.offline ? Prisma.sql`c.is_offline` : Prisma.sql`NOT c.is_offline`)
  if (f.agentId) and.push(Prisma.sql`c.assigned_agent_id = ${f.agentId}::uuid`)
  if (f.teamId) and.push(Prisma.sql`c.team_id = ${f.teamId}::uuid`)
  if (f.priority) and.push(Prisma.sql`c.priority = ${f.priority}`)
  if (f.tag !== undefined) and.push(Prisma.sql`${f.tag}::text = ANY (c.tags)`)
  if (f.visitorId) and.push(Prisma.sql`c.visitor_id = ${f.visitorId}::uuid`)
  if (f.rating) and.push(Prisma.sql`c.rating IN (${Prisma.join(f.rating.map((r) => Prisma.sql`${r}::int`))})`)
  if (f.missed !== undefined) and.push(f.missed ? Prisma.sql`c.missed_at IS NOT NULL` : Prisma.sql`c.missed_at IS NULL`)
  // Days are the site's: a day starts at local midnight (AT TIME ZONE turns that wall-clock time
  // into an instant, DST included); `to` is inclusive, so the bound is the next day's midnight.
  // mod_chat_time_zone (the analytics migration) falls back to UTC for a zone Postgres does not
  // know, as the analytics do, so the list and the reports agree on what a day is.
  const tz = Prisma.sql`mod_chat_time_zone((SELECT ws.timezone FROM mod_chat_widget_settings ws WHERE ws.site_id = ${actor.siteId}::uuid))`
  if (f.from) and.push(Prisma.sql`c.created_at >= (${f.from}::date::timestamp AT TIME ZONE ${tz})`)
  if (f.to) and.push(Prisma.sql`c.created_at < ((${f.to}::date + 1)::timestamp AT TIME ZONE ${tz})`)
  if (f.q !== undefined) and.push(searchCondition(searchTerms(f.q)))
  if (f.attribute !== undefined) and.push(attributeCondition(resolved(f)))
  return and
}

/**
 * Whether a contact attribute's condition on the activity rows walks them. A range (of numbers or dates) may match
 * many contacts, which the planner cannot tell from its statistics: driven from 2,000 matching
 * contacts to their rows, a page took 13 ms of SQL (bench/history.mjs); walking the rows in the
 * inbox's order and testing each against the hashed set of those contacts took 1 ms. The walk reads
 * about take / (share of rows that match) rows, so it is chosen from WALK_FROM matching contacts on
 * (counted first, up to that number: a short index-only scan); below, the contacts drive. The
 * rows of one second (a page that starts inside one) are few and probed one by one: building the set
 * for them as well took most of a second page's time at 10x (bench/README.md, "Plans at 10x").
 */
async function walksAttribute(tx: SqlReader, siteId: string, f: AttributeFilter): Promise<boolean> {
  const range = f.min !== undefined || f.max !== undefined
  return range && (await matchingContacts(tx, siteId, f, WALK_FROM)) >= WALK_FROM
}

/** From how many matching contacts an attribute range walks the inbox's order (see walksAttribute). */
export const WALK_FROM = 1_000

function resolved(f: ConversationFilter): AttributeFilter {
  if (!f.attributeFilter) throw new Error('filterCondition: the attribute filter was not resolved (withAttribute)')
  return f.attributeFilter
}

/**
 * One page of the inbox's order (newest activity first, then id), after `after` (the last row
 * of the previous page): the ids only; the caller loads the rows, in a `serial` scope (a page is a
 * few rows walked in index order: see Scope). The conversations' activity
 * rows and their indexes (see the send_path and activity_seconds migrations) hold each last
 * activity to the second, so they give the order to the second and where a page starts; the
 * conversation's own time orders within a second (a short sort of the few rows that share one).
 * The candidates come from the activity rows alone: the first `take` to the second, with the rows
 * that share the last one (FETCH … WITH TIES); the conversation is read for those only, unless a
 * filter is the conversation's own. The status, team, agent and contact attribute filters are
 * applied to the activity rows (which their triggers keep equal to the conversation's, in the same
 * transaction), not to the conversation as well: Postgres then walks the (site, status, activity),
 * (site, team, …, activity) or (site, agent, activity) index in order, so a small team's page, or
 * an agent's own, reads its own rows only; a contact attribute goes from the matching contacts to
 * their rows by the (site, visitor, …) index, index-only, and sorts those. (Said twice, on both
 * tables, the planner took the two as independent, expected a few rows, and sorted thousands:
 * 30 ms for "mine". Sorting a range's 2,000 contacts on the conversation's own time read every one
 * of their conversations: 20 ms.) A search (`q`) is planned from Postgres's estimate of its words
 * (planSearch): a rare word is a set from the GIN indexes; a common one walks the order, testing
 * each conversation, for at most `walk` rows, then turns to the indexes if the page is not full.
 */
export async function conversationIds(
  tx: SqlReader,
  actor: AgentActor,
  f: ConversationFilter,
  after: { at: Date; id: string } | null,
  take: number,
): Promise<string[]> {
  const site = Prisma.sql`${actor.siteId}::uuid`
  const attribute = f.attribute !== undefined ? resolved(f) : undefined
  const walkAttribute = attribute !== undefined && (await walksAttribute(tx, actor.siteId, attribute))
  // `limited`: the first rows of the order (a range may walk them, testing each against the set of
  // its contacts); otherwise the rows of one second, few, each probed (the set is not built again).
  const onActivity = (limited: boolean) => [
    ...(f.status ? [Prisma.sql`a.status IN (${Prisma.join(f.status)})`] : []),
    ...(f.teamId ? [Prisma.sql`a.team_id = ${f.teamId}::uuid`] : []),
    ...(f.mine ? [Prisma.sql`a.assigned_agent_id = ${mineOf(actor)}::uuid`] : []),
    ...(f.agentId ? [Prisma.sql`a.assigned_agent_id = ${f.agentId}::uuid`] : []),
    ...(attribute ? [attributeCondition(attribute, 'a', limited && walkAttribute ? { siteId: actor.siteId } : undefined)] : []),
  ]
  // The rest are the conversation's own: only then is it joined to each candidate. A search is
  // planned on its own (planSearch): by the indexes, or walking the order (the `walk` below).
  const own = conditions(actor, { ...f, status: undefined, teamId: undefined, mine: undefined, agentId: undefined, attribute: undefined, q: undefined })
  const terms = f.q !== undefined ? searchTerms(f.q) : undefined
  // The second as a value (not date_trunc in SQL, which the planner cannot fold): rows of one second
  // are few, and it then knows to find them by the activity index, not by the filter's contacts.
  const second = after ? Prisma.sql`${new Date(Math.floor(after.at.getTime() / 1000) * 1000).toISOString()}::timestamptz` : undefined
  const before = second ? Prisma.sql`a.last_activity_at < ${second}` : Prisma.sql`true`
  // The activity rows in the inbox's order (to the second, with the rows that share the last one).
  const inOrder = (bound: Prisma.Sql, rows: number) => Prisma.sql`
    SELECT a.site_id, a.conversation_id, a.last_activity_at FROM mod_chat_conversation_activity a
    WHERE ${Prisma.join([Prisma.sql`a.site_id = ${site}`, ...onActivity(true), bound], ' AND ')}
    ORDER BY a.last_activity_at DESC FETCH FIRST (${rows}::bigint) ROWS WITH TIES`

  const page = async (search: SearchPlan | undefined): Promise<string[]> => {
    const onConversation = search ? [...own, planCondition(search)] : own
    const candidates = (bound: Prisma.Sql, limited: boolean) => {
      // A walk reads at most `walk` rows of the order, and tests the conversation of each.
      const walk = limited && search?.walk !== undefined
      return Prisma.sql`
        SELECT a.site_id, a.conversation_id, a.last_activity_at FROM ${walk ? Prisma.sql`(${inOrder(bound, search.walk!)})` : Prisma.sql`mod_chat_conversation_activity`} a
        ${onConversation.length ? Prisma.sql`JOIN mod_chat_conversations c ON c.site_id = a.site_id AND c.id = a.conversation_id` : Prisma.empty}
        WHERE ${Prisma.join([Prisma.sql`a.site_id = ${site}`, ...(onConversation.length ? [Prisma.sql`c.site_id = ${site}`] : []), ...onConversation, ...(walk ? [] : [...onActivity(limited), bound])], ' AND ')}
        ${limited ? Prisma.sql`ORDER BY a.last_activity_at DESC FETCH FIRST (${take}::bigint) ROWS WITH TIES` : Prisma.empty}`
    }
    // A page starting in the middle of a second: every row of that second, and the first `take`
    // (with ties) of the seconds before it.
    const rows = second
      ? Prisma.sql`(${candidates(before, true)}) UNION ALL (${candidates(Prisma.sql`a.last_activity_at = ${second}`, false)})`
      : candidates(before, true)
    const found = await tx.$queryRaw<{ id: string }[]>`
      SELECT c.id FROM (${rows}) p
      JOIN mod_chat_conversations c ON c.site_id = p.site_id AND c.id = p.conversation_id
      WHERE c.site_id = ${site}
        ${after ? Prisma.sql`AND (c.last_activity_at, c.id) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
      ORDER BY p.last_activity_at DESC, c.last_activity_at DESC, c.id DESC
      LIMIT ${take}`
    return found.map((r) => r.id)
  }

  const search = terms && (await planSearch(tx, terms, take))
  const ids = await page(search)
  if (search?.walk === undefined || ids.length >= take) return ids
  // The walk ended before the page was full: at the end of the rows, the page is whole (a small
  // site, or the last page); at its limit, the rest is found by the indexes.
  const [{ walked }] = await tx.$queryRaw<[{ walked: number }]>`SELECT count(*)::int AS walked FROM (${inOrder(before, search.walk)}) w`
  return walked < search.walk ? ids : page(searchFallback(search.probe))
}
