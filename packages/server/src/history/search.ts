// What an agent typed in the inbox's search box, as full-text queries.
//
// Every word must appear somewhere in the conversation: its subject, its visitor's name, email
// or phone, or any of its messages (not necessarily all in one place: "jane refund" finds
// Jane's conversation about a refund). The last word also matches as a prefix, so results
// follow the typing. Words go to Postgres as quoted to_tsquery literals, which Postgres runs
// through the same parser and 'simple' configuration as the stored tsvectors (see the search
// migration): "jane.doe@example.com" or "e-mail" is found as typed, whatever the parser makes
// of it. Inside a literal nothing is an operator, so no text can change the query's shape.
import { Prisma } from '../generated/prisma/client.js'
import type { SqlReader } from '../shared/db/index.js'
import { AppError } from '../shared/errors.js'

/** More words than this are refused (each is one index lookup per searched table). */
const MAX_SEARCH_WORDS = 8

/** A number written with separators: "+1", "(555)", "123-4567", "555.123.4567". */
const PHONE = /^[+(]*\d[\d().\-/]*$/
const SEPARATOR = /[+().\-/]/

/** A to_tsquery literal: quotes doubled, backslashes escaped. */
const literal = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/**
 * The to_tsquery text ('simple' configuration) of each distinct word of `q`, the last one as a
 * prefix. Words without a letter or a digit are dropped (they can match nothing); an empty
 * array means nothing searchable was typed. Throws `invalid_payload` past MAX_SEARCH_WORDS.
 */
export function searchTerms(q: string): string[] {
  // Control characters (NUL above all: Postgres refuses it in text) separate words.
  const words = q.replace(/\p{Cc}/gu, ' ').split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w))
  const terms = new Map<string, string>()
  words.forEach((word, i) => {
    const prefix = i === words.length - 1
    terms.set(`${prefix}:${word.toLowerCase()}`, term(word, prefix))
  })
  if (terms.size > MAX_SEARCH_WORDS) {
    throw new AppError('invalid_payload', `invalid query: q: search at most ${MAX_SEARCH_WORDS} words`, [
      { path: 'q', message: `at most ${MAX_SEARCH_WORDS} words` },
    ])
  }
  return [...terms.values()]
}

function term(word: string, prefix: boolean): string {
  const p = prefix ? ':*' : ''
  const asTyped = literal(word) + p
  // A phone number is stored as written and also as its groups of digits; "555-123-4567" is
  // parsed as 555, -123, -4567, so also look for the groups (555 <-> 123 <-> 4567) in a row.
  if (!PHONE.test(word) || !SEPARATOR.test(word)) return asTyped
  const groups = word.match(/\d+/g)!
  return `${asTyped} | (${groups.map((g, i) => literal(g) + (i === groups.length - 1 ? p : '')).join(' <-> ')})`
}

/**
 * The condition (on conversations aliased `c`) that every term matches somewhere in the
 * conversation, every term by the GIN indexes (the bulk export's, which reads every match).
 */
export function searchCondition(terms: string[]): Prisma.Sql {
  return planCondition({ drive: terms, probe: [] })
}

/**
 * How the inbox finds a page of a search (planSearch). `drive`: terms whose matching
 * conversations come from the GIN indexes as a set (mod_chat_search, see the search migration):
 * its cost grows with the messages that match, in all sites, as the indexes are not per site.
 * `probe`: terms tested on each candidate conversation instead (probeCondition), whose cost grows
 * with the candidates. `walk`: the inbox walks its order with every term a probe, at most this many
 * rows, which ends as soon as a page is full: the way for common words (a word in every message
 * took 2.3 s through the index at a million messages, 9 ms walked).
 */
export interface SearchPlan {
  drive: string[]
  probe: string[]
  walk?: number
}

/**
 * A walked row (a conversation tested for every term: its subject, its visitor, its messages by
 * the conversation's index) costs about as much as this many matching messages read through the
 * GIN indexes (bench/history.mjs at a million messages: 20 µs a row walked, 2.3 µs a message
 * matched).
 */
const MATCHES_PER_WALKED_ROW = 10
/** The most rows a search walks before it turns to the indexes (about 100 ms). */
export const WALK_MAX = 5_000

/**
 * The plan of a search for `terms` whose page holds `take` conversations, from Postgres's own
 * estimate of the messages each term matches (mod_chat_search_estimate) and of all messages. The
 * rarest term bounds the cost through the indexes, and the walk may spend as much, in rows; a term
 * in a share f of the messages is in at least about that share of the conversations, so a page
 * takes about take / f rows walked. The walk is chosen when that fits in what it may spend, and the
 * caller turns to the indexes (searchFallback) if it ends before a page is full all the same (the
 * word is crowded into few conversations): the two together never cost much more than twice the
 * cheaper one. Otherwise the rarest term drives, and the others are probes of its conversations.
 */
export async function planSearch(tx: SqlReader, terms: string[], take: number): Promise<SearchPlan> {
  if (terms.length === 0) return { drive: [], probe: [] }
  const rows = await tx.$queryRaw<{ matches: number; messages: number }[]>`
    SELECT mod_chat_search_estimate(to_tsquery('simple'::regconfig, t)) AS matches,
           (SELECT reltuples FROM pg_class WHERE oid = 'mod_chat_messages'::regclass) AS messages
    FROM unnest(${terms}::text[]) WITH ORDINALITY AS x(t, i) ORDER BY i`
  const matches = rows.map((r) => Number(r.matches))
  const rarest = matches.indexOf(Math.min(...matches))
  const share = matches[rarest]! / Math.max(1, Number(rows[0]!.messages))
  const walk = Math.min(WALK_MAX, Math.floor(matches[rarest]! / MATCHES_PER_WALKED_ROW))
  const rarestFirst = [terms[rarest]!, ...terms.filter((_, i) => i !== rarest)]
  return walk >= take && take / share <= walk ? { drive: [], probe: rarestFirst, walk } : searchFallback(rarestFirst)
}

/** The plan through the indexes for `terms`, the rarest first (as planSearch orders them): it drives, the others are probes of its conversations. */
export function searchFallback(terms: string[]): SearchPlan {
  return { drive: terms.slice(0, 1), probe: terms.slice(1) }
}

/** A plan's condition on conversations `c`: every term matches. */
export function planCondition(plan: SearchPlan): Prisma.Sql {
  const all = [...plan.drive, ...plan.probe]
  if (all.length === 0) return Prisma.sql`FALSE`
  return Prisma.join(
    [
      // As a `c.id IN (…)` subquery Postgres runs mod_chat_search once per term and hashes the result.
      ...plan.drive.map((t) => Prisma.sql`c.id IN (SELECT mod_chat_search(${query(t)}))`),
      ...plan.probe.map(probeCondition),
    ],
    ' AND ',
  )
}

const query = (term: string): Prisma.Sql => Prisma.sql`to_tsquery('simple'::regconfig, ${term})`

/**
 * Whether one conversation `c` matches a term: its subject, its visitor, or one of its messages
 * (found by the conversation's index, and tested one by one: `IS TRUE` keeps Postgres from
 * crossing them with the GIN index's every match, which it otherwise does for a plan made before
 * the term is known). Row-level security applies as usual: no index on the vectors is needed.
 * The messages' site is row-level security's alone: said here too (m.site_id = c.site_id), it
 * let Postgres cross the conversation's few messages with its site's (site, created_at) index,
 * expecting a site of 12,000 messages from the average of 10,000 sites; the bench site's ten
 * million made each conversation tested take 5 ms (bench/history.mjs at BENCH_HISTORY_SCALE=10).
 */
function probeCondition(term: string): Prisma.Sql {
  const q = query(term)
  return Prisma.sql`(c.search_vector @@ ${q}
    OR EXISTS (SELECT FROM mod_chat_visitors v WHERE v.site_id = c.site_id AND v.id = c.visitor_id AND v.search_vector @@ ${q})
    OR EXISTS (SELECT FROM mod_chat_messages m WHERE m.conversation_id = c.id AND (m.search_vector @@ ${q}) IS TRUE))`
}
