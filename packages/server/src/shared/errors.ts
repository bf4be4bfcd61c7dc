// The project's own errors. Services throw AppError; transports turn any error into an
// ErrorBody with toErrorBody(), so clients only ever see the codes in @live-chat/protocol.
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@live-chat/protocol'
import type { z } from 'zod'

export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
    readonly retryable = code === 'unavailable' || code === 'rate_limited',
    /** Seconds until a retry may succeed (rate_limited). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
  get status(): number {
    return ERROR_CODES[this.code]
  }
  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryable ? { retryable: true } : {}),
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
      ...(this.details ? { details: this.details } : {}),
    }
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
export const forbidden = (message = 'not allowed') => new AppError('forbidden', message)
export const invalidState = (message: string) => new AppError('invalid_state', message)
/** Too many requests: retry after `ms` (rounded up to whole seconds, at least 1). */
export const rateLimited = (message: string, ms: number) => new AppError('rate_limited', message, undefined, true, Math.max(1, Math.ceil(ms / 1000)))

export function invalidPayload(error: z.ZodError, where = 'payload'): AppError {
  const details = error.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }))
  const first = details[0]
  const summary = first ? `${first.path}: ${first.message}` : 'invalid'
  return new AppError('invalid_payload', `invalid ${where}: ${summary}`, details)
}

// Postgres and driver failures that are worth retrying as is (connection trouble, a
// serialization conflict, a transaction that waited too long for a connection).
const RETRYABLE_SQLSTATE = /^(08|40001|40P01|53|57P0[123])/
const RETRYABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034'])
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH'])

interface AdapterCause {
  originalCode?: unknown
  kind?: unknown
}

interface MaybeDbError {
  name?: unknown
  code?: unknown
  severity?: unknown
  meta?: { code?: unknown; driverAdapterError?: { cause?: AdapterCause } }
  cause?: unknown
  message?: unknown
}

/**
 * What the driver adapter said of a database error: wrapped by Prisma (meta.driverAdapterError),
 * or its own DriverAdapterError when a statement went to the adapter directly (on PGlite: db.read and every Direct).
 */
function adapterCause(err: MaybeDbError): AdapterCause | undefined {
  return err.meta?.driverAdapterError?.cause ?? (err.name === 'DriverAdapterError' ? (err.cause as AdapterCause | undefined) : undefined)
}

/** The Postgres SQLSTATE of a database error (as Prisma, its driver adapter or node-postgres itself reports it), or ''. */
function sqlStateOf(err: MaybeDbError): string {
  // node-postgres's DatabaseError (a bare pg.Client's, e.g. at start) carries the server's severity and SQLSTATE.
  const raw = typeof err.severity === 'string' && typeof err.code === 'string' ? err.code : undefined
  return String(err.meta?.code ?? adapterCause(err)?.originalCode ?? raw ?? '')
}

/** Translates database errors into AppErrors; anything unknown becomes `internal`. */
export function fromUnknown(e: unknown): AppError {
  if (e instanceof AppError) return e
  const err = (e ?? {}) as MaybeDbError
  const code = typeof err.code === 'string' ? err.code : undefined
  const sqlState = sqlStateOf(err)
  // First: a dropped connection can surface under any Prisma code (e.g. P2039 when Postgres
  // restarts mid-transaction), and must stay retryable whatever the code says.
  const kind = adapterCause(err)?.kind
  if (RETRYABLE_SQLSTATE.test(sqlState) || kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout' || kind === 'TooManyConnections')
    return new AppError('unavailable', 'the database is unavailable; retry', undefined, true)
  if (code === 'P2002') return new AppError('conflict', 'already exists')
  if (code === 'P2025') return new AppError('not_found', 'not found')
  if (code === 'P2039' || code === 'P2003') return new AppError('forbidden', 'not allowed')
  if (code && RETRYABLE_PRISMA.has(code)) return new AppError('unavailable', 'the database is unavailable; retry', undefined, true)
  if (sqlState === '42501') return new AppError('forbidden', 'not allowed')
  if (code && NETWORK_CODES.has(code)) return new AppError('unavailable', 'a service is unavailable; retry', undefined, true)
  if (/Can't reach database|Connection terminated|Query read timeout|connect ECONNREFUSED|Transaction already closed|Unable to start a transaction|is not queryable|terminating connection/i.test(String(err.message ?? '')))
    return new AppError('unavailable', 'the database is unavailable; retry', undefined, true)
  return new AppError('internal', 'internal error')
}

/** Whether a database error is a unique-constraint violation (Prisma P2002, or SQLSTATE 23505 from a raw query). */
export function isUniqueViolation(e: unknown): boolean {
  const err = (e ?? {}) as MaybeDbError
  return err.code === 'P2002' || sqlStateOf(err) === '23505' || adapterCause(err)?.kind === 'UniqueConstraintViolation'
}

/** Whether a database error is a foreign key violation (SQLSTATE 23503): e.g. its site was deleted meanwhile. */
export function isForeignKeyViolation(e: unknown): boolean {
  const err = (e ?? {}) as MaybeDbError
  return err.code === 'P2003' || sqlStateOf(err) === '23503' || adapterCause(err)?.kind === 'ForeignKeyConstraintViolation'
}

/** Whether a database error is a deadlock Postgres broke by failing this statement (SQLSTATE 40P01). */
export function isDeadlock(e: unknown): boolean {
  return sqlStateOf((e ?? {}) as MaybeDbError) === '40P01'
}
