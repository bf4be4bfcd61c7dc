// A raw query's select list for a Prisma model: `alias.column AS "prefix + field"` for each of its
// scalar fields, read from the generated client's own data model (the schema's), so a raw row has
// the shape and types of the model's (the driver adapter converts each column as Prisma would).
// For the few reads that must be one statement (the inbox page, conversations/views.ts) where a
// model query with an include would take one round trip per table.
import { Prisma } from '../../generated/prisma/client.js'
import type { SqlReader } from './read.js'

interface RuntimeModel {
  dbName: string | null
  fields: { name: string; kind: string; dbName?: string | null }[]
}

const lists = new Map<string, Prisma.Sql>()

/** The select list of `model`'s scalar fields from the table aliased `alias`, each named `prefix + field`. */
export function columnsOf(tx: SqlReader, model: Prisma.ModelName, alias: string, prefix = ''): Prisma.Sql {
  const key = `${model} ${alias} ${prefix}`
  let list = lists.get(key)
  if (!list) {
    // The client's runtime data model (not in Prisma's typed surface): checked, so an upgrade that
    // moves it fails here, loudly, in the first test that reads an inbox page.
    const m = (tx as unknown as { _runtimeDataModel?: { models?: Record<string, RuntimeModel> } })._runtimeDataModel?.models?.[model]
    if (!m) throw new Error(`columnsOf: the Prisma client has no runtime data model for ${model}`)
    const ident = (s: string) => {
      if (!/^[a-z_][a-z0-9_]*$/i.test(s)) throw new Error(`columnsOf: unexpected name ${s}`)
      return s
    }
    list = Prisma.raw(
      m.fields
        .filter((f) => f.kind === 'scalar')
        .map((f) => `${ident(alias)}.${ident(f.dbName ?? f.name)} AS "${prefix}${ident(f.name)}"`)
        .join(', '),
    )
    lists.set(key, list)
  }
  return list
}

/**
 * Splits the rows of one result, selected with prefixes (`columnsOf(…, 'v.')`), into their parts:
 * `{ '': unprefixed, v: …, … }` each. Every row of a result has the same columns, so each part of
 * each row is a copy of one object with all of that part's fields: built key by key, a part of
 * 40 fields went to V8's dictionary mode (slow to read, kilobytes a row on the inbox page).
 */
export function splitRows(rows: Record<string, unknown>[]): Record<string, Record<string, unknown>>[] {
  if (rows.length === 0) return []
  const keys = Object.keys(rows[0]!)
  const plan = keys.map((key) => {
    const dot = key.indexOf('.')
    return dot < 0 ? ['', key] : [key.slice(0, dot), key.slice(dot + 1)]
  })
  const templates: Record<string, Record<string, unknown>> = { '': {} }
  for (const [part, field] of plan) (templates[part!] ??= {})[field!] = null
  const names = Object.keys(templates)
  return rows.map((row) => {
    const parts: Record<string, Record<string, unknown>> = {}
    for (const name of names) parts[name] = { ...templates[name] }
    for (let i = 0; i < keys.length; i++) parts[plan[i]![0]!]![plan[i]![1]!] = row[keys[i]!]
    return parts
  })
}
