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
 * conversation. mod_chat_search (see the search migration) returns the ids of the current
 * site's conversations that match one query, through the GIN indexes; as a `c.id IN (…)`
 * subquery Postgres runs it once per term and hashes the result.
 */
export function searchCondition(terms: string[]): Prisma.Sql {
  if (terms.length === 0) return Prisma.sql`FALSE`
  return Prisma.join(
    terms.map((t) => Prisma.sql`c.id IN (SELECT mod_chat_search(to_tsquery('simple'::regconfig, ${t})))`),
    ' AND ',
  )
}
