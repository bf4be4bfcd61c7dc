// Contact attributes: a site's definitions (key, label, type, a list's options, whether the
// visitor may set it) and their values, one row per contact and attribute in the column of the
// attribute's type (mod_chat_contact_attribute_values: text and list in text_value, number,
// date, boolean each their own), so that the inbox's attribute filter is an index range of
// (attribute, value) (bench/history.mjs). Every write is checked against the definitions first and
// written in the caller's transaction: a wrong value refuses the whole update (nothing half-written).
import type { AttributeValue, ContactAttribute, ContactAttributeType } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { SqlReader, Tx } from '../shared/db/index.js'
import { columnsOf as modelColumns } from '../shared/db/columns.js'
import { AppError } from '../shared/errors.js'

type DefinitionRow = Prisma.ContactAttributeGetPayload<object>
type ValueRow = Prisma.ContactAttributeValueGetPayload<object>

/** The typed columns of one value (all null but its type's). */
interface Columns {
  textValue: string | null
  numberValue: number | null
  dateValue: Date | null
  boolValue: boolean | null
}

const NONE: Columns = { textValue: null, numberValue: null, dateValue: null, boolValue: null }

export function toContactAttribute(r: DefinitionRow): ContactAttribute {
  return {
    id: r.id,
    siteId: r.siteId,
    key: r.key,
    label: r.label,
    type: r.type as ContactAttributeType,
    options: r.options,
    visitorMaySet: r.visitorMaySet,
    createdAt: r.createdAt.toISOString(),
  }
}

const bad = (key: string, message: string) => new AppError('invalid_payload', `invalid payload: attributes.${key}: ${message}`, [{ path: `attributes.${key}`, message }])

const DATE = /^\d{4}-\d{2}-\d{2}$/
function isoDate(v: string): Date | null {
  if (!DATE.test(v)) return null
  const d = new Date(`${v}T00:00:00Z`)
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v ? null : d
}

/** A value checked against its definition, as its columns; `invalid_payload` naming the key when it does not fit. */
export function columnsOf(def: DefinitionRow, value: unknown): Columns {
  const k = def.key
  switch (def.type as ContactAttributeType) {
    case 'text':
      if (typeof value !== 'string' || value.trim() === '') throw bad(k, 'must be a non-empty text')
      return { ...NONE, textValue: value.trim() }
    case 'list':
      if (typeof value !== 'string' || !def.options.includes(value)) throw bad(k, `must be one of: ${def.options.join(', ')}`)
      return { ...NONE, textValue: value }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(k, 'must be a number')
      return { ...NONE, numberValue: value }
    case 'date': {
      const d = typeof value === 'string' ? isoDate(value) : null
      if (!d) throw bad(k, 'must be a date like 2026-12-25')
      return { ...NONE, dateValue: d }
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(k, 'must be true or false')
      return { ...NONE, boolValue: value }
  }
}

/** A stored value as it is read (AttributeValue). */
export function valueOf(def: Pick<DefinitionRow, 'type'>, r: Columns): AttributeValue | null {
  switch (def.type as ContactAttributeType) {
    case 'number':
      return r.numberValue
    case 'date':
      return r.dateValue ? r.dateValue.toISOString().slice(0, 10) : null
    case 'boolean':
      return r.boolValue
    default:
      return r.textValue
  }
}

/**
 * Writes `values` (by key; null removes one) for the visitor, in the caller's site transaction,
 * after checking every one: an unknown key or a wrong value is `invalid_payload`, and with
 * `visitorOnly` a key the site does not let visitors set is `forbidden`; either way nothing is
 * written. Returns whether anything changed.
 */
export async function writeAttributes(
  tx: Tx,
  siteId: string,
  visitorId: string,
  values: Record<string, unknown>,
  opts: { visitorOnly?: boolean } = {},
): Promise<boolean> {
  const keys = Object.keys(values)
  if (keys.length === 0) return false
  const defs = await tx.contactAttribute.findMany({ where: { siteId, key: { in: keys } } })
  const byKey = new Map(defs.map((d) => [d.key, d]))
  const sets: { def: DefinitionRow; cols: Columns }[] = []
  const clears: string[] = []
  for (const key of keys) {
    const def = byKey.get(key)
    if (!def) throw bad(key, 'no such attribute on this site')
    if (opts.visitorOnly && !def.visitorMaySet) throw new AppError('forbidden', `attribute "${key}" is set by the site's team only`, [{ path: `attributes.${key}`, message: 'not settable by the visitor' }])
    const v = values[key]
    if (v === null) clears.push(def.id)
    else sets.push({ def, cols: columnsOf(def, v) })
  }
  if (clears.length > 0) await tx.contactAttributeValue.deleteMany({ where: { siteId, visitorId, attributeId: { in: clears } } })
  for (const { def, cols } of sets) {
    await tx.contactAttributeValue.upsert({
      where: { visitorId_attributeId: { visitorId, attributeId: def.id } },
      create: { siteId, visitorId, attributeId: def.id, ...cols },
      update: cols,
    })
  }
  return true
}

/** The visitor's attribute values by key. */
export async function readAttributes(tx: Tx, visitorId: string): Promise<Record<string, AttributeValue>> {
  const rows = await tx.contactAttributeValue.findMany({ where: { visitorId }, include: { attribute: true } })
  return Object.fromEntries(
    rows
      .map((r: ValueRow & { attribute: DefinitionRow }) => [r.attribute.key, valueOf(r.attribute, r)] as const)
      .filter((e): e is readonly [string, AttributeValue] => e[1] !== null)
      .sort(([a], [b]) => a.localeCompare(b)),
  )
}

/** The inbox's attribute filter, resolved against the site's definition (ListConversationsQuery `attribute…`). */
export interface AttributeFilter {
  attributeId: string
  column: 'text_value' | 'number_value' | 'date_value' | 'bool_value'
  eq?: unknown
  min?: unknown
  max?: unknown
}

const COLUMN: Record<ContactAttributeType, AttributeFilter['column']> = {
  text: 'text_value',
  list: 'text_value',
  number: 'number_value',
  date: 'date_value',
  boolean: 'bool_value',
}

/**
 * Reads the definition the query names and parses its value or range by type (a URL's strings:
 * `true`, `42`, `2026-12-25`); `invalid_payload` on an unknown key, a value of the wrong type, or
 * a range on a type without order.
 */
export async function resolveAttributeFilter(
  tx: SqlReader,
  siteId: string,
  q: { attribute?: string; attributeValue?: string; attributeMin?: string; attributeMax?: string },
): Promise<AttributeFilter | undefined> {
  if (q.attribute === undefined) return undefined
  const [def] = await tx.$queryRaw<DefinitionRow[]>`
    SELECT ${modelColumns(tx, 'ContactAttribute', 'a')} FROM mod_chat_contact_attributes a WHERE a.site_id = ${siteId}::uuid AND a.key = ${q.attribute}`
  const wrong = (path: string, message: string) => new AppError('invalid_payload', `invalid query: ${path}: ${message}`, [{ path, message }])
  if (!def) throw wrong('attribute', 'no such attribute on this site')
  const type = def.type as ContactAttributeType
  const parse = (path: string, raw: string): unknown => {
    const v = type === 'number' ? (raw.trim() === '' ? NaN : Number(raw)) : type === 'boolean' ? (raw === 'true' ? true : raw === 'false' ? false : undefined) : raw
    try {
      const cols = columnsOf(def, v)
      return cols.numberValue ?? cols.dateValue ?? cols.boolValue ?? cols.textValue
    } catch (e) {
      throw wrong(path, e instanceof AppError && e.details?.[0] ? e.details[0].message : 'wrong value')
    }
  }
  const ranged = type === 'number' || type === 'date'
  if (!ranged && (q.attributeMin !== undefined || q.attributeMax !== undefined)) throw wrong('attributeMin', `a ${type} attribute has no range; give attributeValue`)
  return {
    attributeId: def.id,
    column: COLUMN[type],
    ...(q.attributeValue !== undefined ? { eq: parse('attributeValue', q.attributeValue) } : {}),
    ...(q.attributeMin !== undefined ? { min: parse('attributeMin', q.attributeMin) } : {}),
    ...(q.attributeMax !== undefined ? { max: parse('attributeMax', q.attributeMax) } : {}),
  }
}

/**
 * The filter as a condition on the rows aliased `of` (conversations `c`, or their activity rows
 * `a`, which carry the visitor too): their visitor has the value. As `probe` (the default), one
 * probe of the values' key per row, or a range of its index that the planner may drive from; as
 * `set` (of the site `siteId`), membership in the set of matching contacts, read once and hashed:
 * the rows can then be walked in their own order, which is the faster way when many contacts match
 * (see conversationIds). Both select the same rows.
 */
export function attributeCondition(f: AttributeFilter, of: 'c' | 'a' = 'c', set?: { siteId: string }): Prisma.Sql {
  if (set) return Prisma.sql`(${Prisma.raw(`${of}.visitor_id`)} IN (SELECT av.visitor_id FROM mod_chat_contact_attribute_values av WHERE ${valueConditions(f, Prisma.sql`${set.siteId}::uuid`)})) IS TRUE`
  // The site too: the values' indexes lead with it (an index-only scan of the matching contacts).
  const and = [valueConditions(f, Prisma.raw(`${of}.site_id`)), Prisma.raw(`av.visitor_id = ${of}.visitor_id`)]
  return Prisma.sql`EXISTS (SELECT 1 FROM mod_chat_contact_attribute_values av WHERE ${Prisma.join(and, ' AND ')})`
}

/** How many contacts of the site have a value the filter matches, counted up to `cap`. */
export async function matchingContacts(tx: SqlReader, siteId: string, f: AttributeFilter, cap: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM mod_chat_contact_attribute_values av WHERE ${valueConditions(f, Prisma.sql`${siteId}::uuid`)} LIMIT ${cap}) m`
  return row?.n ?? 0
}

/** The values (aliased `av`) of the site `site` that the filter matches. */
function valueConditions(f: AttributeFilter, site: Prisma.Sql): Prisma.Sql {
  const col = Prisma.raw(`av.${f.column}`)
  const typed = (v: unknown) => (f.column === 'date_value' ? Prisma.sql`${(v as Date).toISOString().slice(0, 10)}::date` : f.column === 'number_value' ? Prisma.sql`${v}::float8` : f.column === 'bool_value' ? Prisma.sql`${v}::boolean` : Prisma.sql`${v}::text`)
  const and: Prisma.Sql[] = [Prisma.sql`av.site_id = ${site}`, Prisma.sql`av.attribute_id = ${f.attributeId}::uuid`]
  if (f.eq !== undefined) and.push(Prisma.sql`${col} = ${typed(f.eq)}`)
  if (f.min !== undefined) and.push(Prisma.sql`${col} >= ${typed(f.min)}`)
  if (f.max !== undefined) and.push(Prisma.sql`${col} <= ${typed(f.max)}`)
  return Prisma.join(and, ' AND ')
}
