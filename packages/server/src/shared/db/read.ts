// Reads under row-level security without the Prisma client: one transaction (BEGIN, the scope's
// settings, the reads, COMMIT) without the client's interactive transaction, which cost about
// 0.9 ms a call more for the same statements (bench/history.mjs at 10×: an empty scope 1.3 ms
// through the client, 0.4 ms on the adapter). On Postgres, node-postgres itself in pipeline mode
// (readPipelined); on PGlite, its one session through the driver adapter (readIn). The rows come
// back as the client's $queryRaw returns them, either way (RAW_TYPES, decodeRows).
import pg from 'pg'
import { ColumnTypeEnum, type ColumnType, type SqlDriverAdapter, type SqlResultSet, type ArgType } from '@prisma/driver-adapter-utils'
import { Prisma } from '../../generated/prisma/client.js'

/**
 * What a read needs of a transaction: raw statements, as Prisma.sql builds them. The Prisma client's
 * transaction has it too, so a function taking a SqlReader runs in either (db.read, or db.inSite
 * next to writes).
 */
export interface SqlReader {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>
}

/** Arguments go to the driver as they are (strings, numbers, booleans, dates, nulls and arrays of them). */
export const AS_IS: ArgType = { scalarType: 'unknown', arity: 'scalar' }

/** The text a prepared read starts with (see `prepared`). */
const PREPARED = '/* prepared */ '

/**
 * A read whose text never changes (its values are all parameters): on the reads' pool it is
 * prepared once per connection, so Postgres parses and plans it once there, not on every call (the
 * inbox page's rows: 0.9 ms of planning a call at 10×). Not for a statement whose best plan depends
 * on its values (the inbox's filters): a prepared statement may settle on a generic plan.
 */
export const prepared = (q: Prisma.Sql): Prisma.Sql => Prisma.sql`${Prisma.raw(PREPARED)}${q}`

/** The prepared statement's name of a read's text on the reads' pool ('' runs it unnamed). */
const readStatementName = (sql: string, name: (sql: string) => string): string => (sql.startsWith(PREPARED) ? name(sql) : '')

/**
 * The statement that sets row-level security's settings (set_config's names and values) for the
 * rest of the transaction, or null for none: every scope's first statement (db.scoped, db.read).
 */
export function settingsStatement(settings: [string, string][]): Prisma.Sql | null {
  if (settings.length === 0) return null
  if (settings.length === 1) {
    const [[name, value]] = settings as [[string, string]]
    return Prisma.sql`SELECT set_config(${name}, ${value}, true)`
  }
  return Prisma.sql`SELECT set_config(k, v, true) FROM unnest(${settings.map(([k]) => k)}::text[], ${settings.map(([, v]) => v)}::text[]) AS s(k, v)`
}

const isSql = (q: TemplateStringsArray | Prisma.Sql): q is Prisma.Sql => q instanceof Prisma.Sql

/**
 * Runs fn in one read-only transaction of `adapter` (PGlite's session), after `settings`
 * (set_config's names and values, local to the transaction): committed when fn resolves, rolled
 * back when it throws. `runtimeDataModel` is the client's, for columnsOf (shared/db/columns.ts),
 * as a client's transaction carries it.
 */
export async function readIn<T>(adapter: SqlDriverAdapter, runtimeDataModel: unknown, settings: [string, string][], fn: (tx: SqlReader) => Promise<T>): Promise<T> {
  const tx = await adapter.startTransaction()
  // With a phantom transaction (PGlite) the adapter itself ends it; otherwise COMMIT or ROLLBACK is ours to send, as the client does.
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql, args: [], argTypes: [] })
  }
  const run = async (q: Prisma.Sql) => decodeRows(await tx.queryRaw({ sql: q.text, args: q.values, argTypes: q.values.map(() => AS_IS) }))
  try {
    await run(Prisma.sql`SET TRANSACTION READ ONLY`)
    const set = settingsStatement(settings)
    if (set) await run(set)
    const reader = {
      $queryRaw: <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => run(isSql(query) ? query : Prisma.sql(query, ...values)) as Promise<R>,
      _runtimeDataModel: runtimeDataModel,
    }
    const result = await fn(reader)
    await end('COMMIT')
    await tx.commit()
    return result
  } catch (error) {
    await end('ROLLBACK').catch(() => undefined)
    await tx.rollback().catch(() => undefined)
    throw error
  }
}

/**
 * Runs fn in one read-only transaction on a client of `pool`, a node-postgres pool in pipeline mode
 * (pipeline: true, types: RAW_TYPES), after `settings`. BEGIN, the settings and fn's first
 * statement are written at once and answered in one round trip; each later statement is one more.
 * When fn resolves, its result is returned at once: the COMMIT of a read changes nothing it read,
 * so it is sent without waiting for it, and the client goes back to the pool once it is answered
 * (or is dropped with its error). The inbox's page was five round trips on the adapter (BEGIN,
 * settings, ids, rows, COMMIT); here it is two (bench/history.mjs). `name` gives a prepared read
 * (`prepared`) its statement's name.
 */
export async function readPipelined<T>(pool: pg.Pool, runtimeDataModel: unknown, settings: [string, string][], name: (sql: string) => string, fn: (tx: SqlReader) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  const send = (q: Prisma.Sql) => {
    const statement = readStatementName(q.text, name)
    const sent = client.query<Record<string, unknown>>({ text: q.text, values: q.values, ...(statement ? { name: statement } : {}) })
    sent.catch(() => undefined) // awaited by its caller; not unhandled meanwhile
    return sent
  }
  const end = (sql: 'COMMIT' | 'ROLLBACK') =>
    void client.query(sql).then(
      () => client.release(),
      (error: Error) => client.release(error),
    )
  // The settings' failure, not the "transaction is aborted" of the statements written behind them.
  const set = settingsStatement(settings)
  const ready = Promise.all([client.query('BEGIN READ ONLY'), set && send(set)])
  ready.catch(() => undefined)
  try {
    const reader = {
      $queryRaw: async <R>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
        const sent = send(isSql(query) ? query : Prisma.sql(query, ...values))
        await ready
        return (await sent).rows as R
      },
      _runtimeDataModel: runtimeDataModel,
    }
    const result = await fn(reader)
    await ready
    end('COMMIT')
    return result
  } catch (error) {
    end('ROLLBACK')
    throw error
  }
}

/**
 * node-postgres's parsers for a pool whose rows must come back as the client's $queryRaw returns
 * them (readPipelined), as decodeRows does for the adapter's: int8 a BigInt, numeric a Decimal, a
 * timestamp without time zone, a date or a time a Date in UTC, bytea a Uint8Array (arrays of them
 * likewise); the rest as node-postgres parses them (int4 and floats numbers, timestamptz a Date,
 * json parsed, text[] an array).
 */
export const RAW_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const one = RAW_PARSERS[oid]
    if (one) return one
    const element = RAW_ARRAYS[oid]
    if (element !== undefined) {
      const parse = RAW_PARSERS[element]!
      return (v: string) => TEXT_ARRAY(v).map((e) => (e === null ? null : parse(e)))
    }
    return pg.types.getTypeParser(oid, format)
  }) as pg.CustomTypesConfig['getTypeParser'],
}

const { INT8, NUMERIC, TIMESTAMP, TIMESTAMPTZ, DATE, TIME, BYTEA } = pg.types.builtins
const BUFFER = pg.types.getTypeParser(BYTEA) as (v: string) => Buffer
const POSTGRES_DATE = pg.types.getTypeParser(TIMESTAMPTZ) as (v: string) => Date | number
const RAW_PARSERS: Record<number, (v: string) => unknown> = {
  [BYTEA]: (v) => new Uint8Array(BUFFER(v)),
  [INT8]: (v) => BigInt(v),
  [NUMERIC]: (v) => new Prisma.Decimal(v),
  [TIMESTAMP]: (v) => new Date(`${v.replace(' ', 'T')}Z`),
  [TIMESTAMPTZ]: timestamptz,
  [DATE]: (v) => new Date(v),
  [TIME]: (v) => new Date(`1970-01-01T${v}Z`),
}
// Array types' oids (pg_type.typarray) and their elements', each element read as text[]'s are.
const RAW_ARRAYS: Record<number, number> = { 1016: INT8, 1231: NUMERIC, 1115: TIMESTAMP, 1185: TIMESTAMPTZ, 1182: DATE, 1183: TIME, 1001: BYTEA }

/**
 * A timestamptz as node-postgres gives it (its postgres-date parser), read by position when it has
 * the shape Postgres prints with DateStyle ISO: `2026-12-07 23:56:20.009+00` (a fraction of up to
 * six digits, or none; an offset of whole hours or `+05:30`). postgres-date matches a regular
 * expression, whose captures were about a quarter of what an inbox page allocated (15 timestamps
 * a row; a sampling heap profile at 10×, bench/README.md). Every other shape (infinity, BC, a year
 * before 100 or after 9999, an offset with seconds) goes to postgres-date itself.
 */
export function timestamptz(v: string): Date | number {
  const n = v.length
  if (n < 22 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 32 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return POSTGRES_DATE(v)
  let i = 19
  let ms = 0
  if (v.charCodeAt(i) === 46) {
    // A fraction: its first three digits are the milliseconds (postgres-date truncates likewise).
    const start = ++i
    while (i < n && i - start < 6 && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++
    if (i === start) return POSTGRES_DATE(v)
    const taken = Math.min(3, i - start)
    ms = digits(v, start, taken) * 10 ** (3 - taken)
  }
  const sign = v.charCodeAt(i) === 43 ? 1 : v.charCodeAt(i) === 45 ? -1 : 0
  const withMinutes = n === i + 6 && v.charCodeAt(i + 3) === 58
  if (sign === 0 || (n !== i + 3 && !withMinutes)) return POSTGRES_DATE(v)
  const year = digits(v, 0, 4)
  const offset = digits(v, i + 1, 2) * 60 + (withMinutes ? digits(v, i + 4, 2) : 0)
  const at = Date.UTC(year, digits(v, 5, 2) - 1, digits(v, 8, 2), digits(v, 11, 2), digits(v, 14, 2), digits(v, 17, 2), ms) - sign * offset * 60_000
  // (Date.UTC reads a year below 100 as 19xx; a malformed digit made NaN)
  return year < 100 || Number.isNaN(at) ? POSTGRES_DATE(v) : new Date(at)
}

/** The number written by `count` digits of `v` from `from`; NaN where one is not a digit. */
function digits(v: string, from: number, count: number): number {
  let x = 0
  for (let k = from; k < from + count; k++) {
    const d = v.charCodeAt(k) - 48
    if (d < 0 || d > 9) return NaN
    x = x * 10 + d
  }
  return x
}
const TEXT_ARRAY = (pg.types.getTypeParser as (oid: number) => (v: string) => (string | null)[])(1009)

/** A result set as objects keyed by column, each value as the Prisma client's $queryRaw gives it. */
export function decodeRows(r: SqlResultSet): Record<string, unknown>[] {
  // Each row a copy of one object that already has every column (as the client does): a row of
  // 75 columns built key by key went to V8's dictionary mode, 10 KB a row (the inbox page's).
  const template: Record<string, unknown> = {}
  for (const name of r.columnNames) template[name] = null
  return r.rows.map((row) => {
    const o = { ...template }
    for (let i = 0; i < r.columnNames.length; i++) o[r.columnNames[i]!] = decode(row[i], r.columnTypes[i]!)
    return o
  })
}

/** One value: what the driver adapter gives, as the client's raw queries return it (numbers, BigInt, Decimal, Date, parsed JSON, Uint8Array; arrays of them). */
function decode(v: unknown, type: ColumnType): unknown {
  if (v === null || v === undefined) return null
  switch (type) {
    case ColumnTypeEnum.Int32:
      return Math.trunc(Number(v))
    case ColumnTypeEnum.Int64:
      return BigInt(v as string | number)
    case ColumnTypeEnum.Numeric:
      return new Prisma.Decimal(v as string)
    case ColumnTypeEnum.Boolean:
      return typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 1
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return new Date(v as string)
    case ColumnTypeEnum.Time:
      return new Date(`1970-01-01T${v as string}Z`)
    case ColumnTypeEnum.Json:
      return typeof v === 'string' ? JSON.parse(v) : v
    case ColumnTypeEnum.Bytes:
      return new Uint8Array(v as Uint8Array)
    case ColumnTypeEnum.Int32Array:
    case ColumnTypeEnum.Int64Array:
    case ColumnTypeEnum.NumericArray:
    case ColumnTypeEnum.BooleanArray:
    case ColumnTypeEnum.DateTimeArray:
    case ColumnTypeEnum.DateArray:
    case ColumnTypeEnum.TimeArray:
    case ColumnTypeEnum.JsonArray:
    case ColumnTypeEnum.BytesArray:
      return (v as unknown[]).map((e) => decode(e, (type - 64) as ColumnType))
    default:
      return v
  }
}
