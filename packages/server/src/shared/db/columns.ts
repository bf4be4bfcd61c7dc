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

/** Splits a row selected with prefixes (`columnsOf(…, 'v.')`) into its parts: `{ '': unprefixed, v: …, … }`. */
export function splitRow(row: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const parts: Record<string, Record<string, unknown>> = { '': {} }
  for (const key in row) {
    const dot = key.indexOf('.')
    const part = dot < 0 ? '' : key.slice(0, dot)
    ;(parts[part] ??= {})[dot < 0 ? key : key.slice(dot + 1)] = row[key]
  }
  return parts
}
