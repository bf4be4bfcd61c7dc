// SQL as source: every function, trigger and policy of the migrated database is defined, exactly
// so, by one file of prisma/sql/, and `migrate create` writes the changed files into a migration.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { MigratingPGlite } from '../../src/shared/db/adapters.js'
import { createMigration, DEFAULT_MIGRATIONS_DIR, PRISMA_DIR, SQL_SOURCES_DIR, sqlSourcesDiff } from '../../src/shared/db/migrate.js'
import { checkSqlSources, describeReport, listSqlSources, sqlRunner, type SqlSource } from '../../src/shared/db/sql-sources.js'

const sources = listSqlSources(SQL_SOURCES_DIR)
const ISO = 'functions/mod_chat_iso.sql'
/** The sources with one function body changed (the ISO time without milliseconds). */
const edited = (): SqlSource[] =>
  sources.map((s) => (s.file === ISO ? { ...s, sql: s.sql.replace('HH24:MI:SS.MS', 'HH24:MI:SS') } : s))

describe('prisma/sql/ against the migrated database', () => {
  let client: pg.Client
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject('databaseUrl') })
    await client.connect()
  })
  afterAll(() => client.end())

  it('on Postgres, every function, trigger and policy is one file’s, defined exactly as that file defines it', async () => {
    expect(sources.length).toBeGreaterThan(20)
    const report = await checkSqlSources(sqlRunner(client), sources)
    expect(describeReport(report)).toEqual([])
    // Each file defines something: the functions with their privileges, the policies with their table's flag.
    expect(report.files.find((f) => f.file === ISO)!.defines).toEqual(['function mod_chat_iso(timestamp with time zone)'])
    expect(report.files.find((f) => f.file === 'policies/mod_chat_agents.sql')!.defines.sort()).toEqual([
      'policy agency_memberships on mod_chat_agents', 'policy own_memberships on mod_chat_agents',
      'policy site_isolation on mod_chat_agents', 'row level security on mod_chat_agents',
    ])
  })

  it('a changed body, a missing file and a file the migrations never applied are each reported (the database is left as it was)', async () => {
    const changed = await checkSqlSources(sqlRunner(client), edited())
    expect(changed.files.find((f) => f.file === ISO)!.changed.map((c) => c.key)).toEqual(['function mod_chat_iso(timestamp with time zone)'])
    expect(describeReport(changed)).toHaveLength(1)

    const withoutOne = await checkSqlSources(sqlRunner(client), sources.filter((s) => s.file !== 'triggers/mod_chat_conversation_activity_update.sql'))
    expect(withoutOne.unowned.map((u) => u.key).sort()).toEqual([
      'function mod_chat_conversation_activity_update()',
      'trigger mod_chat_conversation_activity_update on mod_chat_conversations',
    ])

    const extra = { file: 'functions/mod_chat_extra.sql', sql: 'CREATE OR REPLACE FUNCTION mod_chat_extra() RETURNS int LANGUAGE sql RETURN 1;' }
    const more = await checkSqlSources(sqlRunner(client), [...sources, extra])
    expect(more.files.at(-1)!.missing).toEqual(['function mod_chat_extra()'])

    const broken = await checkSqlSources(sqlRunner(client), [{ file: 'x.sql', sql: 'CREATE FUNCTION (' }])
    expect(broken.files[0]!.error).toMatch(/syntax error/)
    // Every check rolled back.
    expect((await client.query(`SELECT mod_chat_iso('2026-01-02T03:04:05.678Z') AS x`)).rows[0].x).toBe('2026-01-02T03:04:05.678Z')
    expect((await client.query(`SELECT to_regprocedure('mod_chat_extra()') AS f`)).rows[0].f).toBeNull()
  })
})

it('prisma/README.md names every file of prisma/sql/ and the rule it owns', () => {
  const readme = fs.readFileSync(path.join(PRISMA_DIR, 'README.md'), 'utf8')
  expect(sources.map((s) => path.basename(s.file, '.sql')).filter((name) => !new RegExp(`[\`/]${name}[\`.]`).test(readme))).toEqual([])
})

describe('prisma/sql/ on PGlite', () => {
  it('the migrations build the same definitions on the embedded database (all files in one transaction): nothing to generate', async () => {
    expect(await sqlSourcesDiff(DEFAULT_MIGRATIONS_DIR, SQL_SOURCES_DIR)).toBe('')
  }, 120_000)
})

describe('npm run migrate -- create', () => {
  it('appends the changed source’s SQL, and nothing of the unchanged ones', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-sql-sources-'))
    const migrations = path.join(tmp, 'migrations')
    const sql = path.join(tmp, 'sql')
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, migrations, { recursive: true })
    fs.cpSync(SQL_SOURCES_DIR, sql, { recursive: true })
    const schema = path.join(PRISMA_DIR, 'schema.prisma')
    const factory = () => new MigratingPGlite(new PGlite())

    fs.writeFileSync(path.join(sql, ISO), edited().find((s) => s.file === ISO)!.sql)
    const dir = await createMigration(factory(), schema, migrations, 'iso_seconds', sql)
    expect(dir).toMatch(/^\d{14}_iso_seconds$/)
    const written = fs.readFileSync(path.join(migrations, dir!, 'migration.sql'), 'utf8')
    expect(written).toContain("'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'")
    expect(written.match(/CREATE OR REPLACE FUNCTION|CREATE POLICY|CREATE TRIGGER|DROP /g)).toEqual(['CREATE OR REPLACE FUNCTION'])
    // (sqlSourcesDiff applied it to the replayed folder and found the sources reached.)
    fs.rmSync(tmp, { recursive: true, force: true })
  }, 180_000)
})
