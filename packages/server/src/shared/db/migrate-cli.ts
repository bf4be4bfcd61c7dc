// `npm run migrate -- deploy | status | create <name> | diff`, on DATABASE_URL or the embedded
// database (DATA_DIR/pglite), without Prisma's engine binaries.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { MigratingPg, MigratingPGlite, type MigrationFactory } from './adapters.js'
import { DEFAULT_MIGRATIONS_DIR } from './index.js'
import { createMigration, deployMigrations, diffMigrations, migrationStatus } from './migrate.js'

const schema = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../prisma/schema.prisma')
const [command, name] = process.argv.slice(2)

async function run(): Promise<void> {
  let factory: MigrationFactory
  let close = async () => undefined as void
  if (process.env.DATABASE_URL) {
    factory = new MigratingPg({ connectionString: process.env.DATABASE_URL, max: 2 })
  } else {
    const dir = path.resolve(process.env.DATA_DIR ?? '.data', 'pglite')
    fs.mkdirSync(dir, { recursive: true })
    const pglite = await PGlite.create(dir)
    factory = new MigratingPGlite(pglite)
    close = () => pglite.close()
  }
  try {
    switch (command) {
      case 'deploy': {
        const applied = await deployMigrations(factory, DEFAULT_MIGRATIONS_DIR)
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply')
        break
      }
      case 'status':
        console.log(JSON.stringify(await migrationStatus(factory, DEFAULT_MIGRATIONS_DIR), null, 2))
        break
      case 'diff':
        console.log(await diffMigrations(factory, schema, DEFAULT_MIGRATIONS_DIR))
        break
      case 'create': {
        if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run migrate -- create <snake_case_name>')
        const dir = await createMigration(factory, schema, DEFAULT_MIGRATIONS_DIR, name)
        console.log(dir ? `created prisma/migrations/${dir}/migration.sql — read prisma/README.md before committing it` : 'the schema has no changes')
        break
      }
      default:
        throw new Error('usage: npm run migrate -- deploy | status | diff | create <name>')
    }
  } finally {
    await close()
  }
}

run()
  .then(() => process.exit(0)) // the WebAssembly engine leaves a timer running
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  })
