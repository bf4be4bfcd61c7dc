// db.read: reads in a read-only transaction of their own (not the client's), on both backends
// (node-postgres in pipeline mode on Postgres, the driver adapter on PGlite). Row-level security
// holds as in inSite, the settings end with the read, and rows come back as the client's own
// $queryRaw gives them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prisma } from '../../src/generated/prisma/client.js'
import { openDatabase, prepared, type Database } from '../../src/shared/db/index.js'
import { startServer, type TestServer } from '../helpers.js'

// One value of every kind a read returns: the client's $queryRaw and db.read must give the same.
const KINDS = Prisma.sql`
  SELECT 1::int AS int, 9007199254740993::bigint AS big, 12.50::numeric AS dec, 1.5::float8 AS float,
         true AS bool, 'text'::text AS text, 'ab'::char(2) AS chr, '6f0c7d8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f'::uuid AS id,
         '2026-12-07 10:11:12.345+00'::timestamptz AS at, '2026-12-07'::date AS day, '10:11:12'::time AS tod,
         '{"a": [1, "x"], "b": null}'::jsonb AS doc, ARRAY['a', 'b']::text[] AS tags, ARRAY[1, 2]::int[] AS ints,
         ARRAY['2026-01-01 00:00:00+00']::timestamptz[] AS ats, '\\x0102'::bytea AS bytes, NULL::text AS nothing,
         '2026-12-07 10:11:12.345'::timestamp AS local, ARRAY[9007199254740993, NULL]::bigint[] AS bigs, ARRAY[1.25]::numeric[] AS decs,
         ARRAY['2026-12-07']::date[] AS days, ARRAY['\\x03'::bytea] AS byteses`

for (const backend of ['postgres', 'pglite'] as const) {
  describe(`db.read on ${backend}`, () => {
    let s: TestServer
    let db: Database
    beforeAll(async () => {
      s = await startServer(backend === 'pglite' ? { db: await openDatabase({ dataDir: 'memory://' }) } : {})
      db = s.db
    }, 120_000)
    afterAll(() => s?.close())

    it('returns rows as the client’s $queryRaw does, value by value', async () => {
      const byClient = await db.prisma.$queryRaw<Record<string, unknown>[]>(KINDS)
      const byRead = await db.read({}, (tx) => tx.$queryRaw<Record<string, unknown>[]>(KINDS))
      expect(byRead).toEqual(byClient)
      expect(byRead[0]!['at']).toBeInstanceOf(Date)
      expect(typeof byRead[0]!['big']).toBe('bigint')
      // A prepared read gives the same, twice (prepared once, then run by name).
      for (let i = 0; i < 2; i++) expect(await db.read({}, (tx) => tx.$queryRaw(prepared(KINDS)))).toEqual(byClient)
    })

    it('sees only the scope’s site, and the setting ends with the read', async () => {
      const a = await s.fx.site()
      const b = await s.fx.site()
      await s.fx.visitorSession(a.id)
      await s.fx.visitorSession(b.id)
      const sites = (siteId: string) =>
        db.read({ siteId }, (tx) => tx.$queryRaw<{ site: string }[]>`SELECT DISTINCT site_id::text AS site FROM mod_chat_visitors`)
      expect(await sites(a.id)).toEqual([{ site: a.id }])
      expect(await sites(b.id)).toEqual([{ site: b.id }])
      // Every connection of the pool, after: no site is set (the reads ran on them in turn).
      const after = await Promise.all(
        Array.from({ length: 4 }, () => db.read({}, (tx) => tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM mod_chat_visitors`)),
      )
      expect(after).toEqual(Array.from({ length: 4 }, () => [{ n: 0 }]))
    })

    it('is read-only: a statement that writes is refused, and the connection serves the next read', async () => {
      await expect(db.read({}, (tx) => tx.$queryRaw`UPDATE mod_chat_visitors SET id = id WHERE false`)).rejects.toThrow(/read-only transaction/)
      expect(await db.read({}, (tx) => tx.$queryRaw`SELECT 1::int AS one`)).toEqual([{ one: 1 }])
    })

    it('rolls back on an error, and the connection serves the next read', async () => {
      await expect(db.read({}, (tx) => tx.$queryRaw`SELECT 1 / 0`)).rejects.toThrow(/division by zero/)
      // A read that wrote (set_config, not local) is rolled back with its transaction too.
      await expect(
        db.read({}, async (tx) => {
          await tx.$queryRaw`SELECT set_config('app.site_id', '6f0c7d8e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', false)`
          throw new Error('the read failed')
        }),
      ).rejects.toThrow('the read failed')
      const settings = await Promise.all(
        Array.from({ length: 4 }, () => db.read({}, (tx) => tx.$queryRaw<{ site: string }[]>`SELECT coalesce(current_setting('app.site_id', true), '') AS site`)),
      )
      expect(settings).toEqual(Array.from({ length: 4 }, () => [{ site: '' }]))
    })
  })
}
