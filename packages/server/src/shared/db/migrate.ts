// Prisma migrations without Prisma's engine binaries: the schema engine compiled to
// WebAssembly (@prisma/schema-engine-wasm), driven through a driver adapter. It reads the
// same prisma/migrations folder and writes the same _prisma_migrations table (with
// checksums) as `prisma migrate deploy`, so the stock CLI accepts a database migrated here
// and the other way round.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as se from '@prisma/schema-engine-wasm/schema_engine_bg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import { PGlite } from '@electric-sql/pglite'
import { MigratingPGlite, type MigrationFactory } from './adapters.js'
import { checkSqlSources, describeReport, inAgreement, listSqlSources, sourcesMigrationSql, sqlRunner } from './sql-sources.js'

// Node has WebAssembly; its types live in lib.dom, which a server should not pull in.
interface Wasm {
  Module: new (bytes: Uint8Array) => unknown
  Instance: new (module: unknown, imports: Record<string, unknown>) => { exports: Record<string, unknown> }
}
const WebAssembly = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly

let wasmLoaded = false
function loadWasm(): void {
  if (wasmLoaded) return
  const require = createRequire(import.meta.url)
  const wasmFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm')
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmFile)), {
    './schema_engine_bg.js': se,
  })
  se.__wbg_set_wasm(instance.exports as never)
  ;(instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.()
  wasmLoaded = true
}

/** packages/server (src/shared/db or dist/shared/db, three levels up). */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * The schema and migrations: the copy inside the installed package (`npm run pack` puts
 * prisma/schema.prisma and prisma/migrations there), else the repository's prisma/ folder. Only
 * the release staging makes the copy, so a checkout never reads a stale one.
 */
export const PRISMA_DIR = [path.join(packageDir, 'prisma'), path.resolve(packageDir, '../../prisma')].find((d) =>
  fs.existsSync(path.join(d, 'migrations')),
) ?? path.resolve(packageDir, '../../prisma')
export const DEFAULT_MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations')
/** The current source of every SQL function, trigger and policy (prisma/README.md, "SQL as source"). */
export const SQL_SOURCES_DIR = path.join(PRISMA_DIR, 'sql')

const filters = { externalTables: [] as string[], externalEnums: [] as string[] }

export function listMigrations(baseDir: string): se.MigrationList {
  const lock = path.join(baseDir, 'migration_lock.toml')
  const dirs = fs.existsSync(baseDir)
    ? fs.readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : []
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: fs.readFileSync(path.join(baseDir, d, 'migration.sql'), 'utf8') },
      },
    })),
  }
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

async function withEngine<T>(factory: MigrationFactory, fn: (engine: se.SchemaEngine) => Promise<T>): Promise<T> {
  loadWasm()
  // The engine never disposes its main connection (free() only drops the wasm object), so
  // track the connections it opens and dispose them ourselves.
  const opened: { dispose(): Promise<void> }[] = []
  const tracking = Object.assign(Object.create(factory) as MigrationFactory, {
    connect: async () => {
      const adapter = await factory.connect()
      opened.push(adapter)
      return adapter
    },
  })
  const bound = bindMigrationAwareSqlAdapterFactory(tracking)
  const log = (m: string) => {
    if (process.env.SCHEMA_ENGINE_DEBUG) process.stderr.write(`[schema-engine] ${m}\n`)
  }
  const engine = await se.SchemaEngine.new({ datamodels: undefined }, log, bound)
  try {
    return await fn(engine)
  } catch (e) {
    // driver errors are kept in the adapter's registry; surface the real cause
    const registry = (bound as unknown as { errorRegistry?: { consumeError?(id: unknown): { error: unknown } | undefined } }).errorRegistry
    const rec = registry?.consumeError?.((e as { id?: unknown })?.id)
    const detail = rec ? JSON.stringify(rec.error) : e instanceof Error ? e.message : String(e)
    throw new MigrationError(detail, { cause: e })
  } finally {
    engine.free()
    for (const a of opened) await a.dispose().catch(() => undefined)
  }
}

/** Applies pending migrations, like `prisma migrate deploy`. Returns the names applied. */
export async function deployMigrations(factory: MigrationFactory, migrationsDir: string): Promise<string[]> {
  const out = await withEngine(factory, (e) => e.applyMigrations({ migrationsList: listMigrations(migrationsDir), filters }))
  return out.appliedMigrationNames
}

const schemaFiles = (p: string) => ({ files: [{ path: p, content: fs.readFileSync(p, 'utf8') }] })

/** SQL that takes the migrations folder to the schema, like `prisma migrate diff --from-migrations --to-schema --script`. */
export async function diffMigrations(factory: MigrationFactory, schemaPath: string, migrationsDir: string): Promise<string> {
  const r = await withEngine(factory, (e) =>
    e.diff({
      from: { tag: 'migrations', ...listMigrations(migrationsDir) },
      to: { tag: 'schemaDatamodel', ...schemaFiles(schemaPath) },
      script: true,
      exitCode: null,
      filters,
    } as se.DiffParams),
  )
  return r.stdout ?? ''
}

/** Reports the database's migration history against the folder, like `prisma migrate status`. */
export async function migrationStatus(factory: MigrationFactory, migrationsDir: string) {
  return withEngine(factory, (e) =>
    e.diagnoseMigrationHistory({ migrationsList: listMigrations(migrationsDir), optInToShadowDatabase: false, filters }),
  )
}

const LOCKFILE = '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n'

/**
 * The SQL that takes what the migrations folder builds (then `pending`, the new migration's
 * schema changes) to the files of `sourcesDir`: those files whose functions, triggers or
 * policies it lacks or defines otherwise, and a DROP for what no file defines. Replayed on an
 * in-memory PGlite; the result is applied there and checked before it is returned.
 */
export async function sqlSourcesDiff(migrationsDir: string, sourcesDir: string, pending = ''): Promise<string> {
  const sources = listSqlSources(sourcesDir)
  const db = new PGlite()
  try {
    if (listMigrations(migrationsDir).migrationDirectories.length > 0) await deployMigrations(new MigratingPGlite(db), migrationsDir)
    if (pending) await db.exec(pending)
    const sql = sourcesMigrationSql(await checkSqlSources(sqlRunner(db), sources, { isolated: false }), sources)
    if (!sql) return ''
    try {
      await db.exec(sql)
    } catch (e) {
      throw new MigrationError(`the SQL generated from prisma/sql/ fails on the migrated database (${e instanceof Error ? e.message : e}); write this step of the migration by hand (e.g. a DROP FUNCTION before a changed signature or return type)`)
    }
    const after = await checkSqlSources(sqlRunner(db), sources, { isolated: false })
    if (!inAgreement(after)) throw new MigrationError(`the SQL generated from prisma/sql/ does not reach the files:\n${describeReport(after).join('\n')}`)
    return sql
  } finally {
    await db.close()
  }
}

/**
 * Writes <dir>/<timestamp>_<name>/migration.sql for the schema's changes, like `prisma migrate
 * dev --create-only`, followed by the changed files of prisma/sql/ (sqlSourcesDiff).
 */
export async function createMigration(factory: MigrationFactory, schemaPath: string, migrationsDir: string, name: string, sourcesDir = SQL_SOURCES_DIR): Promise<string | null> {
  fs.mkdirSync(migrationsDir, { recursive: true })
  const lock = path.join(migrationsDir, 'migration_lock.toml')
  if (!fs.existsSync(lock)) fs.writeFileSync(lock, LOCKFILE)
  const diff = await diffMigrations(factory, schemaPath, migrationsDir)
  const schemaSql = !diff.trim() || diff.includes('-- This is an empty migration.') ? '' : diff
  const sourcesSql = await sqlSourcesDiff(migrationsDir, sourcesDir, schemaSql)
  if (!schemaSql && !sourcesSql) return null
  const script = [schemaSql.trimEnd(), sourcesSql].filter(Boolean).join('\n\n') + '\n'
  const dirName = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`
  fs.mkdirSync(path.join(migrationsDir, dirName))
  fs.writeFileSync(path.join(migrationsDir, dirName, 'migration.sql'), script)
  return dirName
}
