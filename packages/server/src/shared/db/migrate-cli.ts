// `npm run migrate -- deploy | status | create <name> | diff`, on DATABASE_URL or the embedded
// database (DATA_DIR/pglite), without Prisma's engine binaries. create and diff also take the
// changed files of prisma/sql/ (the SQL functions, triggers and policies). deploy and status are the
// installed server's `live-chat-server migrate [status]` (cli/migrate.ts); create and diff are
// for developers, on the repository's prisma/ folder.
import path from 'node:path'
import { openMigrationTarget, runMigrate } from '../../cli/migrate.js'
import { createMigration, DEFAULT_MIGRATIONS_DIR, diffMigrations, PRISMA_DIR, SQL_SOURCES_DIR, sqlSourcesDiff } from './migrate.js'

const schema = path.join(PRISMA_DIR, 'schema.prisma')
const [command, name] = process.argv.slice(2)

async function run(): Promise<number> {
  if (command === 'deploy' || command === 'status') return runMigrate(process.argv.slice(2))
  if (command !== 'diff' && command !== 'create') {
    console.error('usage: npm run migrate -- deploy | status | diff | create <name>')
    return 2
  }
  if (command === 'create' && (!name || !/^[a-z0-9_]+$/.test(name))) {
    console.error('usage: npm run migrate -- create <snake_case_name>')
    return 2
  }
  const target = await openMigrationTarget(process.env)
  try {
    if (command === 'diff') {
      console.log(await diffMigrations(target.factory, schema, DEFAULT_MIGRATIONS_DIR))
      const sources = await sqlSourcesDiff(DEFAULT_MIGRATIONS_DIR, SQL_SOURCES_DIR)
      console.log(sources ? `-- prisma/sql/ (before the schema's changes are applied)\n${sources}` : '-- prisma/sql/: every file is as the migrations leave it')
    } else {
      const dir = await createMigration(target.factory, schema, DEFAULT_MIGRATIONS_DIR, name!)
      console.log(dir ? `created prisma/migrations/${dir}/migration.sql — read prisma/README.md before committing it` : 'neither the schema nor prisma/sql/ has changes')
    }
    return 0
  } finally {
    await target.close()
  }
}

run()
  .then((code) => process.exit(code)) // the WebAssembly engine leaves a timer running
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
