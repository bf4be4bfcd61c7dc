// The database: one Prisma client over either backend, migrations applied at open, and
// every site-scoped query run inside a transaction that tells row-level security which
// site it is for.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { PrismaClient, type Prisma } from '../../generated/prisma/client.js'
import { APP_ROLE, MigratingPg, MigratingPGlite } from './adapters.js'
import { deployMigrations } from './migrate.js'

export type Tx = Prisma.TransactionClient

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
  /** Runs fn in one transaction in which the user's own agent memberships (of every site) are visible. */
  asUser<T>(userId: string, fn: (tx: Tx) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export const DEFAULT_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../prisma/migrations')

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
    const owner = new pg.Pool({ connectionString: url, max: 2 })
    try {
      const lock = await owner.connect()
      try {
        await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
        opts.onMigrated?.(await deployMigrations(new MigratingPg(owner), migrationsDir))
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
        lock.release()
      }
    } finally {
      await owner.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: opts.appUrl ?? url,
    max: opts.poolSize ?? 10,
    // Without a separate login for the app, switch every connection to the app role at
    // startup, so row-level security applies even when the URL names a superuser.
    ...(opts.appUrl ? {} : { options: `-c role=${APP_ROLE}` }),
  })
  // A dropped idle connection must not crash the process; the next query gets a fresh one.
  pool.on('error', () => undefined)
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TX_OPTIONS })
  return scoped('postgres', prisma, async () => {
    await prisma.$disconnect()
    await pool.end()
  })
}

async function openPGlite(dataDir: string, opts: DatabaseOptions, migrate: boolean, migrationsDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create(dataDir)
  if (migrate) opts.onMigrated?.(await deployMigrations(new MigratingPGlite(pglite), migrationsDir))
  // PGlite is one session of a superuser: become the app role for the rest of it.
  await pglite.exec(`SET ROLE ${APP_ROLE}`)
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TX_OPTIONS })
  return scoped('pglite', prisma, async () => {
    await prisma.$disconnect()
    await pglite.close()
  })
}

function scoped(kind: Database['kind'], prisma: PrismaClient, close: () => Promise<void>): Database {
  let closed = false
  const withSetting = <T>(name: string, value: string, fn: (tx: Tx) => Promise<T>) =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config(${name}, ${value}, true)`
      return fn(tx)
    })
  return {
    kind,
    prisma,
    inSite: (siteId, fn) => withSetting('app.site_id', siteId, fn),
    asUser: (userId, fn) => withSetting('app.user_id', userId, fn),
    close: async () => {
      if (closed) return
      closed = true
      await close()
    },
  }
}
