// The database: one Prisma client over either backend, migrations applied at open, and
// every site-scoped query run inside a transaction that tells row-level security which
// site it is for.
import crypto from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import type { SqlQueryable } from '@prisma/driver-adapter-utils'
import { PrismaClient, type Prisma } from '../../generated/prisma/client.js'
import { APP_ROLE, MigratingPg, MigratingPGlite } from './adapters.js'
import { DEFAULT_MIGRATIONS_DIR, deployMigrations, listMigrations, MigrationError } from './migrate.js'
import { AS_IS, decodeRows, RAW_TYPES, readIn, readPipelined, settingsStatement, type SqlReader } from './read.js'
import { Client } from './pg-client.js'

export { prepared, type SqlReader } from './read.js'

export type Tx = Prisma.TransactionClient

/** Row-level-security settings of one transaction (see the migrations' policies). */
export interface Scope {
  siteId?: string
  userId?: string
  agencyId?: string
  lookupId?: string
  /**
   * Plans without parallel workers (max_parallel_workers_per_gather = 0): for a read that walks a
   * few rows in index order, where starting workers costs more than the walk (tens of ms) and the
   * planner may still pick them for a large site's scan estimate. Set with the rest, in one statement.
   */
  serial?: boolean
}

export interface DatabaseOptions {
  /** postgres://… of a user that owns the schema (runs migrations). None = embedded PGlite. */
  url?: string
  /** postgres://… of a login role that is a member of live_chat_app. None = the owner's connection with SET ROLE live_chat_app. */
  appUrl?: string
  /** Folder for the embedded database; 'memory://' keeps it in memory. */
  dataDir?: string
  /** Apply pending migrations at open (default true). */
  migrate?: boolean
  poolSize?: number
  migrationsDir?: string
  onMigrated?: (applied: string[]) => void
}

export interface Database {
  readonly kind: 'postgres' | 'pglite'
  /**
   * The client, running as the application role. Site-scoped tables (visitors,
   * conversations, messages, agents, ...) show nothing here: use inSite().
   */
  readonly prisma: PrismaClient
  /** Runs fn in one transaction in which row-level security shows and accepts only siteId's rows. */
  inSite<T>(siteId: string, fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs fn in one transaction in which the user's own agent memberships (of every site) and sessions are visible. */
  asUser<T>(userId: string, fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs fn in one transaction in which the agency's own rows (invitations, API keys, audit log, every membership of its sites) are visible. */
  inAgency<T>(agencyId: string, fn: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * Runs fn in one transaction with several row-level-security settings at once: `lookupId` makes
   * the one row of a token's id readable (see the accounts migration) before its tenant is known.
   */
  scoped<T>(scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * Reads in one read-only transaction with the scope's settings, as `scoped` does, but without the
   * Prisma client: on Postgres, node-postgres itself in pipeline mode on a pool of its own
   * (READ_POOL_SIZE connections); on PGlite, its one session through the driver adapter. Raw
   * statements only (SqlReader), for the reads agents wait on most, such as the inbox's page (see
   * shared/db/read.ts).
   */
  read<T>(scope: Scope, fn: (tx: SqlReader) => Promise<T>): Promise<T>
  /**
   * Calls fn with the payload of every NOTIFY on `channel` (from any process on the same
   * database, e.g. `SELECT pg_notify(…)` in a committed transaction). On Postgres a dedicated
   * connection listens and reconnects by itself; `onReconnect` runs after each reconnection
   * (notifications sent while it was down are lost: catch up there).
   */
  listen(channel: string, fn: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>
  /** The send hot path's own way to the database (see Direct). */
  readonly direct: Direct
  /**
   * The visitor's doors, the same way (see Direct) on a pool of their own: each socket's
   * handshake, connection and disconnection and each visitor REST request is one statement
   * (visitors/service.ts), so a reconnect storm neither waits behind the Prisma client's pool nor
   * holds up the messages being sent.
   */
  readonly handshakes: Direct
  /**
   * Pages of a conversation's messages (mod_chat_message_page, one statement each: messages/
   * service.ts), the same way on a pool of their own: opening a conversation is the read agents and
   * visitors wait on most, and through the Prisma client it cost more than the statement itself.
   */
  readonly pages: Direct
  close(): Promise<void>
}

/**
 * Fixed statements of the send hot path, without the Prisma client's work per call: measured on a
 * statement with twelve array parameters, the client cost about 330 µs of CPU per call, more than
 * the driver and the statement's own share. On Postgres they go straight to node-postgres, on a
 * pool of DIRECT_POOL_SIZE connections, each statement prepared once per connection (parsed and
 * planned once); not through the driver adapter, which keeps every statement it runs (its text and
 * arguments) in @prisma/debug's history of the last 100 debug calls, logging on or not: that kept
 * ~1.4 MB alive at each young-generation collection of the latency bench, copied and promoted
 * (scavenge pauses of 3-6 ms, an old generation growing until a full collection). On PGlite they
 * go to its one session through the adapter, its values decoded as node-postgres decodes them
 * (decodeRows): int4 a number, boolean, uuid and text strings, text[] an array, timestamptz a
 * Date, json and jsonb parsed. (Not int8 or numeric, which node-postgres leaves as strings and
 * decodeRows does not: cast them to int in the statement.)
 * Every statement runs on its own, outside any transaction and without row-level security's site
 * setting: meant for functions that either enter their site first (mod_chat_enter_site: row-level
 * security then holds, as in inSite) or, SECURITY DEFINER, pin every row to its site themselves.
 */
export interface Direct {
  /** The statement's rows, as objects keyed by column name. */
  query<T>(sql: string, args: unknown[]): Promise<T[]>
}

/** Connections of the direct pool: the send path runs at most this many statements at once (messages/batch.ts). */
export const DIRECT_POOL_SIZE = 2
/** Connections of the handshakes' pool. */
const HANDSHAKE_POOL_SIZE = 4
/** Connections of the reads' pool (Database.read), and of the history pages' (Database.pages). */
const READ_POOL_SIZE = 3

export { DEFAULT_MIGRATIONS_DIR }

// Arbitrary constant: serialises migration runs of several processes starting at once.
const MIGRATION_LOCK = 7_260_431_118

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 }

export async function openDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR
  const migrate = opts.migrate ?? true
  if (opts.url) return openPostgres(opts.url, opts, migrate, migrationsDir)
  return openPGlite(opts.dataDir ?? 'memory://', opts, migrate, migrationsDir)
}

async function openPostgres(url: string, opts: DatabaseOptions, migrate: boolean, migrationsDir: string): Promise<Database> {
  if (migrate) {
    const lock = new pg.Client({ connectionString: url })
    await lock.connect()
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
      // (not `onMigrated?.(await deploy…)`: an optional call skips evaluating its arguments)
      const applied = await deployMigrations(new MigratingPg({ connectionString: url, max: 2 }), migrationsDir)
      opts.onMigrated?.(applied)
      await checkApplied((sql) => lock.query<{ name: string }>(sql).then((r) => r.rows), migrationsDir)
    } finally {
      await lock.end().catch(() => undefined)
    }
  }
  // Every pool logs in the same way. Without a separate login for the app, every connection
  // switches to the app role at startup, so row-level security applies even when the URL names a
  // superuser; a dropped idle connection must not crash the process (the next query gets a fresh one).
  // (Client: node-postgres's, with its promise form in the callback form, see pg-client.ts.)
  const login = (max: number): pg.PoolConfig => ({ connectionString: opts.appUrl ?? url, max, Client, ...(opts.appUrl ? {} : { options: `-c role=${APP_ROLE}` }) })
  const prisma = new PrismaClient({ adapter: new PrismaPg(login(opts.poolSize ?? 10), { onPoolError: () => undefined }), transactionOptions: TX_OPTIONS })
  // The Direct pools and the reads' pool: node-postgres itself (see Direct, Database.read), logging in as the client's pool does.
  const nodePool = (config: pg.PoolConfig) => {
    const pool = new pg.Pool(config)
    pool.on('error', () => undefined)
    return pool
  }
  const direct = nodePool(login(DIRECT_POOL_SIZE))
  const handshakes = nodePool(login(HANDSHAKE_POOL_SIZE))
  const pages = nodePool(login(READ_POOL_SIZE))
  const reads = nodePool({ ...login(READ_POOL_SIZE), pipeline: true, types: RAW_TYPES })
  const listeners = new PgListeners(opts.appUrl ?? url)
  // Prepared only where the read says so (read.ts, `prepared`): most reads' text varies with their filters.
  const read: Read = (scope, fn) => readPipelined(reads, runtimeDataModelOf(prisma), settingsOf(scope), statementName, fn)
  return scoped('postgres', prisma, directOn(direct), directOn(handshakes), directOn(pages), read, (channel, fn, onReconnect) => listeners.listen(channel, fn, onReconnect), async () => {
    await listeners.close()
    await prisma.$disconnect()
    await direct.end()
    await handshakes.end()
    await pages.end()
    await reads.end()
  })
}

async function openPGlite(dataDir: string, opts: DatabaseOptions, migrate: boolean, migrationsDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create(dataDir)
  if (migrate) {
    const applied = await deployMigrations(new MigratingPGlite(pglite), migrationsDir)
    opts.onMigrated?.(applied)
    await checkApplied((sql) => pglite.query<{ name: string }>(sql).then((r) => r.rows), migrationsDir)
  }
  // PGlite is one session of a superuser: become the app role for the rest of it.
  await pglite.exec(`SET ROLE ${APP_ROLE}`)
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TX_OPTIONS })
  // The same single PGlite session: its own lock keeps these out of the client's transactions.
  const session = await new PrismaPGlite(pglite).connect()
  const direct = directOver(session)
  const listen = async (channel: string, fn: (payload: string) => void) => {
    const off = await pglite.listen(channel, fn)
    return async () => off()
  }
  const read: Read = (scope, fn) => readIn(session, runtimeDataModelOf(prisma), settingsOf(scope), fn)
  return scoped('pglite', prisma, direct, direct, direct, read, listen, async () => {
    await prisma.$disconnect()
    await pglite.close()
  })
}

/** Refuses to go on unless every migration in the folder is recorded as applied. */
async function checkApplied(query: (sql: string) => Promise<{ name: string }[]>, migrationsDir: string): Promise<void> {
  const wanted = listMigrations(migrationsDir).migrationDirectories.map((d) => d.path)
  if (wanted.length === 0) throw new MigrationError(`no migrations found in ${migrationsDir}`)
  const rows = await query(
    'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  )
  const applied = new Set(rows.map((r) => r.name))
  const missing = wanted.filter((w) => !applied.has(w))
  if (missing.length > 0) throw new MigrationError(`migrations not applied: ${missing.join(', ')}`)
}

const statementNames = new Map<string, string>()

/** A prepared statement's name: the same text always gets the same name, and another text another. */
function statementName(sql: string): string {
  let name = statementNames.get(sql)
  if (!name) {
    name = `lc_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 24)}`
    statementNames.set(sql, name)
  }
  return name
}

/** Direct on a node-postgres pool: each statement prepared once per connection, under a name from its text. */
function directOn(pool: pg.Pool): Direct {
  return {
    async query<T>(sql: string, args: unknown[]): Promise<T[]> {
      const r = await pool.query({ name: statementName(sql), text: sql, values: args })
      return r.rows as T[]
    },
  }
}

/** Direct on a driver adapter's connection (PGlite's one session). */
function directOver(adapter: SqlQueryable): Direct {
  return {
    async query<T>(sql: string, args: unknown[]): Promise<T[]> {
      return decodeRows(await adapter.queryRaw({ sql, args, argTypes: args.map(() => AS_IS) })) as T[]
    },
  }
}

type Listen = Database['listen']
type Read = Database['read']

/** The client's runtime data model, which a read carries for columnsOf (shared/db/columns.ts) as the client's own transactions do. */
const runtimeDataModelOf = (prisma: PrismaClient): unknown => (prisma as unknown as { _runtimeDataModel?: unknown })._runtimeDataModel

const SETTINGS: Record<Exclude<keyof Scope, 'serial'>, string> = { siteId: 'app.site_id', userId: 'app.user_id', agencyId: 'app.agency_id', lookupId: 'app.lookup_id' }

/** The settings of a scope, as (name, value) pairs for set_config. */
function settingsOf(scope: Scope): [string, string][] {
  const named = (Object.keys(SETTINGS) as (keyof typeof SETTINGS)[]).flatMap((k): [string, string][] => (scope[k] !== undefined ? [[SETTINGS[k], scope[k]]] : []))
  return scope.serial ? [...named, ['max_parallel_workers_per_gather', '0']] : named
}

function scoped(kind: Database['kind'], prisma: PrismaClient, direct: Direct, handshakes: Direct, pages: Direct, read: Read, listen: Listen, close: () => Promise<void>): Database {
  let closed = false
  const withScope = <T>(scope: Scope, fn: (tx: Tx) => Promise<T>) =>
    prisma.$transaction(async (tx) => {
      const set = settingsStatement(settingsOf(scope))
      if (set) await tx.$executeRaw(set)
      return fn(tx)
    })
  return {
    kind,
    prisma,
    inSite: (siteId, fn) => withScope({ siteId }, fn),
    asUser: (userId, fn) => withScope({ userId }, fn),
    inAgency: (agencyId, fn) => withScope({ agencyId }, fn),
    scoped: withScope,
    read,
    listen,
    direct,
    handshakes,
    pages,
    close: async () => {
      if (closed) return
      closed = true
      await close()
    },
  }
}

/**
 * LISTEN on Postgres: one connection for every channel of this process, opened on first use and
 * opened again (with a growing pause) whenever it drops; each reconnection runs the channels'
 * catch-up callbacks.
 */
class PgListeners {
  private client: pg.Client | undefined
  private connecting: Promise<pg.Client> | undefined
  private readonly channels = new Map<string, { fns: Set<(payload: string) => void>; onReconnect: Set<() => void> }>()
  private closed = false
  private retryMs = 100

  constructor(private readonly url: string) {}

  async listen(channel: string, fn: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`listen: bad channel name ${channel}`)
    let entry = this.channels.get(channel)
    const fresh = !entry
    if (!entry) {
      entry = { fns: new Set(), onReconnect: new Set() }
      this.channels.set(channel, entry)
    }
    entry.fns.add(fn)
    if (onReconnect) entry.onReconnect.add(onReconnect)
    const client = await this.connect()
    if (fresh) await client.query(`LISTEN ${channel}`)
    return async () => {
      entry.fns.delete(fn)
      if (onReconnect) entry.onReconnect.delete(onReconnect)
    }
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client)
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url })
      client.on('notification', (n) => {
        for (const fn of this.channels.get(n.channel)?.fns ?? []) fn(n.payload ?? '')
      })
      client.on('error', () => this.dropped(client))
      client.on('end', () => this.dropped(client))
      try {
        await client.connect()
      } finally {
        this.connecting = undefined
      }
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`)
      this.client = client
      this.retryMs = 100
      return client
    })()
    return this.connecting
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return
    this.client = undefined
    client.end().catch(() => undefined)
    if (!this.closed) this.reconnect()
  }

  private reconnect(): void {
    setTimeout(() => {
      if (this.closed) return
      this.connect()
        .then(() => {
          for (const { onReconnect } of this.channels.values()) for (const fn of onReconnect) fn()
        })
        .catch(() => {
          this.retryMs = Math.min(this.retryMs * 2, 5_000)
          this.reconnect()
        })
    }, this.retryMs).unref()
  }

  async close(): Promise<void> {
    this.closed = true
    const client = this.client ?? (await this.connecting?.catch(() => undefined))
    this.client = undefined
    await client?.end().catch(() => undefined)
  }
}
