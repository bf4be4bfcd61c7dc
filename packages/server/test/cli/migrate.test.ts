// `live-chat-server migrate [deploy|status]` in-process on a fresh database: status lists every
// migration as pending (exit 1), deploy applies them, status then says up to date (exit 0); a
// migrations folder with one more is pending again; bad command lines exit 2.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrate } from '../../src/cli/migrate.js'
import { DEFAULT_MIGRATIONS_DIR, listMigrations } from '../../src/shared/db/migrate.js'
import { emptyDatabase } from '../global-setup.js'

let db: Awaited<ReturnType<typeof emptyDatabase>>
beforeAll(async () => {
  db = await emptyDatabase('live_chat_migrate_cli')
}, 60_000)
afterAll(() => db?.drop())

async function migrate(args: string[], dir = DEFAULT_MIGRATIONS_DIR) {
  const out: string[] = []
  const err: string[] = []
  const code = await runMigrate(args, { out: (t) => out.push(t), err: (t) => err.push(t) }, { DATABASE_URL: db.url }, dir)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const names = listMigrations(DEFAULT_MIGRATIONS_DIR).migrationDirectories.map((d) => d.path)

describe('live-chat-server migrate', () => {
  it('status on an empty database lists every migration as pending and exits 1', async () => {
    const r = await migrate(['status'])
    expect(r.code).toBe(1)
    for (const n of names) expect(r.out).toContain(`pending  ${n}`)
    expect(r.out).toMatch(new RegExp(`${names.length} pending`))
  })

  it('deploy applies them all; status then says up to date and exits 0; deploy again applies nothing', async () => {
    const first = await migrate([])
    expect(first).toMatchObject({ code: 0, err: '' })
    expect(first.out).toBe(`applied: ${names.join(', ')}`)
    const status = await migrate(['status'])
    expect(status.code).toBe(0)
    for (const n of names) expect(status.out).toContain(`applied  ${n}`)
    expect(status.out).toMatch(/up to date$/)
    expect(await migrate(['deploy'])).toMatchObject({ code: 0, out: 'nothing to apply: the database is up to date' })
  }, 60_000)

  it('a newer package (one more migration) is pending until deployed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-migrate-cli-'))
    fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
    fs.mkdirSync(path.join(dir, '29990101000000_more'))
    fs.writeFileSync(path.join(dir, '29990101000000_more', 'migration.sql'), 'CREATE TABLE "more" ("id" INT);\n')
    const r = await migrate(['status'], dir)
    expect(r.code).toBe(1)
    expect(r.out).toContain('pending  29990101000000_more')
    expect(r.out).toContain('1 pending')
    fs.rmSync(dir, { recursive: true })
  }, 60_000)

  it('bad command lines print the usage and exit 2; --help exits 0', async () => {
    for (const args of [['bogus'], ['status', 'extra'], ['--force']]) {
      const r = await migrate(args)
      expect(r.code).toBe(2)
      expect(r.err).toContain('Usage: live-chat-server migrate')
    }
    expect((await migrate(['--help'])).code).toBe(0)
  })

  it('an unreachable database is a message and exit 1, not a crash', async () => {
    const out: string[] = []
    const err: string[] = []
    const code = await runMigrate(['status'], { out: (t) => out.push(t), err: (t) => err.push(t) }, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' })
    expect(code).toBe(1)
    expect(err.join('\n')).toMatch(/^error: /)
  })
})
