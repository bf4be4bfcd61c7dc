// `live-chat-server migrate [deploy|status]`: the installed package's migrations (prisma/ inside
// it) on DATABASE_URL, else on the embedded database under DATA_DIR (stop the server first then).
// Runs from the built package alone: no Prisma CLI, no engine download, no tsx.
// Exit codes: 0 done (status: up to date), 1 failed (status: migrations pending or the history
// needs attention), 2 a bad command line.
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { MigratingPg, MigratingPGlite, type MigrationFactory } from '../shared/db/adapters.js'
import { DEFAULT_MIGRATIONS_DIR, deployMigrations, listMigrations, migrationStatus } from '../shared/db/migrate.js'
import type { CliIo } from './admin.js'

const USAGE = `Usage: live-chat-server migrate [deploy | status]
  deploy (the default)  apply the pending migrations
  status                list applied and pending migrations; exit 0 when up to date, 1 otherwise
On DATABASE_URL, else the embedded database under DATA_DIR (default .data).`

/** The migrating connection to the configured database, and how to close it. */
export async function openMigrationTarget(env: NodeJS.ProcessEnv): Promise<{ factory: MigrationFactory; close(): Promise<void> }> {
  if (env.DATABASE_URL) return { factory: new MigratingPg({ connectionString: env.DATABASE_URL, max: 2 }), close: async () => undefined }
  const dir = path.resolve(env.DATA_DIR || '.data', 'pglite')
  fs.mkdirSync(dir, { recursive: true })
  const pglite = await PGlite.create(dir)
  return { factory: new MigratingPGlite(pglite), close: () => pglite.close() }
}

export async function runMigrate(args: string[], io: CliIo = { out: (t) => console.log(t), err: (t) => console.error(t) }, env: NodeJS.ProcessEnv = process.env, migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<number> {
  const [command = 'deploy', ...rest] = args
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE)
    return 0
  }
  if ((command !== 'deploy' && command !== 'status') || rest.length > 0) {
    io.err(`Unknown arguments: ${args.join(' ')}\n${USAGE}`)
    return 2
  }
  const all = listMigrations(migrationsDir).migrationDirectories.map((d) => d.path)
  if (all.length === 0) {
    io.err(`error: no migrations found in ${migrationsDir}`)
    return 1
  }
  let target: Awaited<ReturnType<typeof openMigrationTarget>> | undefined
  try {
    target = await openMigrationTarget(env)
    if (command === 'deploy') {
      const applied = await deployMigrations(target.factory, migrationsDir)
      io.out(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date')
      return 0
    }
    const s = await migrationStatus(target.factory, migrationsDir)
    const h = s.history
    const pending = !s.hasMigrationsTable ? all : h && 'unappliedMigrationNames' in h ? h.unappliedMigrationNames : []
    const unknown = h && 'unpersistedMigrationNames' in h ? h.unpersistedMigrationNames : []
    const lines = [`migrations in ${migrationsDir}`]
    for (const name of all) lines.push(`  ${pending.includes(name) ? 'pending' : 'applied'}  ${name}`)
    for (const name of unknown) lines.push(`  unknown  ${name} (in the database, not in this package: is the server older than the database?)`)
    for (const name of s.failedMigrationNames) lines.push(`  failed   ${name}`)
    for (const name of s.editedMigrationNames) lines.push(`  edited   ${name} (changed since it was applied)`)
    const upToDate = h === null && s.hasMigrationsTable && s.failedMigrationNames.length === 0 && s.editedMigrationNames.length === 0
    lines.push(upToDate ? 'up to date' : pending.length > 0 && unknown.length === 0 ? `${pending.length} pending: run \`live-chat-server migrate\`` : 'needs attention')
    io.out(lines.join('\n'))
    return upToDate ? 0 : 1
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  } finally {
    await target?.close().catch(() => undefined)
  }
}
