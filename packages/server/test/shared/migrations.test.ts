// Migrations run in-process through Prisma's WebAssembly schema engine on both backends.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { MigratingPg, MigratingPGlite } from '../../src/shared/db/adapters.js'
import { DEFAULT_MIGRATIONS_DIR, openDatabase } from '../../src/shared/db/index.js'
import { deployMigrations, diffMigrations, listMigrations } from '../../src/shared/db/migrate.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
const adminUrl = () => {
  const u = new URL(inject('databaseUrl'))
  u.pathname = '/postgres'
  return u.toString()
}
const created: string[] = []
/** The real migrations, oldest first. */
const REAL = listMigrations(DEFAULT_MIGRATIONS_DIR).migrationDirectories.map((d) => d.path)

async function freshPostgres(): Promise<string> {
  const name = `live_chat_mig_${crypto.randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: adminUrl() })
  await c.connect()
  await c.query(`CREATE DATABASE ${name}`)
  await c.end()
  created.push(name)
  const u = new URL(adminUrl())
  u.pathname = `/${name}`
  return u.toString()
}

afterAll(async () => {
  const c = new pg.Client({ connectionString: adminUrl() })
  await c.connect()
  for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await c.end()
})

/** A migrations folder: the real ones plus one that fails halfway through. */
function foldersWithFailingMigration(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-migrations-'))
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
  fs.mkdirSync(path.join(dir, '29990101000000_broken'))
  fs.writeFileSync(
    path.join(dir, '29990101000000_broken', 'migration.sql'),
    'CREATE TABLE "half_done" ("id" INT);\nSELECT 1 / 0;\n',
  )
  return dir
}

describe('migrations', () => {
  it('the migrations folder builds exactly the schema in prisma/schema.prisma', async () => {
    const script = await diffMigrations(new MigratingPGlite(new PGlite()), path.join(root, 'prisma/schema.prisma'), DEFAULT_MIGRATIONS_DIR)
    expect(script).toContain('This is an empty migration')
  }, 120_000)

  it('on Postgres, a failing migration fails the start, leaves nothing of itself, and is not recorded as applied', async () => {
    const url = await freshPostgres()
    const dir = foldersWithFailingMigration()
    await expect(deployMigrations(new MigratingPg({ connectionString: url }), dir)).rejects.toThrow(/division by zero/)
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    const rows = (await c.query('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name')).rows
    const halfDone = (await c.query(`SELECT to_regclass('public.half_done') AS t`)).rows[0].t
    await c.end()
    expect(rows.map((r) => [r.migration_name, r.finished_at !== null])).toEqual([...REAL.map((m) => [m, true]), ['29990101000000_broken', false]])
    expect(halfDone).toBeNull()
    // And the server refuses to open it.
    await expect(openDatabase({ url, migrationsDir: dir })).rejects.toThrow()
  }, 60_000)

  it('on PGlite, a failing migration fails the same way', async () => {
    const db = new PGlite()
    const dir = foldersWithFailingMigration()
    await expect(deployMigrations(new MigratingPGlite(db), dir)).rejects.toThrow(/division by zero/)
    const rows = (await db.query<{ migration_name: string; finished_at: Date | null }>('SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name')).rows
    expect(rows.map((r) => [r.migration_name, r.finished_at !== null])).toEqual([...REAL.map((m) => [m, true]), ['29990101000000_broken', false]])
    expect((await db.query<{ t: string | null }>(`SELECT to_regclass('public.half_done')::text AS t`)).rows[0]!.t).toBeNull()
    await db.close()
  }, 60_000)

  it('when several processes start at once, each waits its turn and the migrations apply once', async () => {
    const url = await freshPostgres()
    const applied: string[][] = []
    const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ url, onMigrated: (a) => applied.push(a) })))
    await Promise.all(dbs.map((d) => d.close()))
    expect(applied.flat()).toEqual(REAL)
    expect(REAL[0]).toBe('20261123000000_init')
    expect(applied).toHaveLength(3)
  }, 60_000)
})
