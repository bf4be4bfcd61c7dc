// At start, Postgres may not be up yet (a container started beside it, a failover, a restart):
// try it with exponential backoff and full jitter until it answers or the time runs out, one log
// line per failed try. What waiting cannot fix (a wrong password, a database or role that does not
// exist) stops at once. Either way the caller gets one clear message, never a stack.
import { backOff } from 'exponential-backoff'
import pg from 'pg'
import { fromUnknown } from '../errors.js'
import type { Logger } from '../logger.js'

export interface WaitOptions {
  /** Give up after about this long (0: one try). */
  timeoutMs: number
  log: Logger
  /** The variable the URL came from, named in messages (e.g. DATABASE_URL). */
  variable: string
  /** First pause between tries; doubles up to maxDelayMs (each pause a random part of it). */
  startingDelayMs?: number
  maxDelayMs?: number
}

/** The database could not be used: `message` is the one line to show; `fields` go with it in the log. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
  constructor(
    message: string,
    readonly fields: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** Whether waiting could help: the server was not reached, or not ready (shared/errors.ts decides, as for requests). */
export function isTransient(e: unknown): boolean {
  return fromUnknown(e).retryable
}

/** One line for an error: its message, or those of an AggregateError's parts (IPv4 and IPv6 tried), or its code. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const parts = e instanceof AggregateError ? e.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))).filter(Boolean) : []
  return e.message || parts.join('; ') || String((e as { code?: unknown }).code ?? e.name)
}

/** host:port/database of a postgres:// URL: what messages may show (never the user's password). */
export function databaseLabel(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname || 'localhost'}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'the database'
  }
}

/** Connects once and disconnects; throws node-postgres's error. */
async function tryOnce(url: string, connectTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, query_timeout: connectTimeoutMs })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Resolves once `url` accepts a connection. Throws DatabaseUnavailableError when the error is not
 * transient (see isTransient) or when it still fails after `timeoutMs`.
 */
export async function waitForDatabase(url: string, opts: WaitOptions): Promise<void> {
  const started = Date.now()
  const deadline = started + opts.timeoutMs
  const where = databaseLabel(url)
  let attempts = 0
  let last: unknown
  try {
    await backOff(
      () => {
        attempts++
        // One try never outlasts the time left (a host that drops packets would hang it).
        return tryOnce(url, Math.max(1_000, Math.min(10_000, deadline - Date.now())))
      },
      {
        numOfAttempts: Number.POSITIVE_INFINITY,
        startingDelay: opts.startingDelayMs ?? 250,
        timeMultiple: 2,
        maxDelay: opts.maxDelayMs ?? 5_000,
        jitter: 'full',
        retry: (e: unknown) => {
          last = e
          const left = deadline - Date.now()
          if (!isTransient(e) || left <= 0) return false
          opts.log.warn(
            { database: where, attempt: attempts, error: errorText(e), retryingForMs: left },
            `database ${where} not reachable (${errorText(e)}): trying again for up to ${Math.ceil(left / 1000)} s`,
          )
          return true
        },
      },
    )
  } catch {
    const error = errorText(last)
    const fields = { database: where, attempts, waitedMs: Date.now() - started, error, code: (last as { code?: unknown })?.code }
    if (!isTransient(last)) throw new DatabaseUnavailableError(`cannot use the database ${where}: ${error} (check ${opts.variable})`, fields)
    throw new DatabaseUnavailableError(
      `database ${where} still not reachable after ${Math.round((Date.now() - started) / 1000)} s and ${attempts} ${attempts === 1 ? 'try' : 'tries'} (${error}): giving up (${opts.variable}; DATABASE_CONNECT_TIMEOUT_MS waits longer)`,
      fields,
    )
  }
  if (attempts > 1) opts.log.info({ database: where, attempts, waitedMs: Date.now() - started }, `database ${where} reachable after ${attempts} tries`)
}
