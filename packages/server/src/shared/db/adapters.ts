// Prisma driver adapters for the two backends, one code path: node-postgres for a real
// Postgres (DATABASE_URL) and PGlite for the embedded database. The same generated client
// and the same migrations run on both.
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'

/** The role the application runs as. Not a superuser and not the tables' owner, so row-level security applies to it. */
export const APP_ROLE = 'live_chat_app'

type Patchable = SqlDriverAdapter & { onError?(e: unknown): never }

// Adapter bugs that only matter to migrations (the client never calls executeScript):
// - pglite-prisma-adapter 0.7.2 executeScript() does not await exec(), so a failing
//   migration would be recorded as applied;
// - @prisma/adapter-pg 7.10.1 executeScript() splits the script on ';' (breaking $$ bodies
//   and strings) and runs the pieces on different pool connections, non-atomically.
// Both are replaced by one awaited call that sends the whole script, like Prisma's native engine.
function wholeScript<A extends Patchable>(adapter: A, run: (script: string) => Promise<unknown>): A {
  adapter.executeScript = async (script: string) => {
    try {
      await run(script)
    } catch (e) {
      if (adapter.onError) adapter.onError(e)
      throw e
    }
  }
  return adapter
}

// @prisma/adapter-pg throws on pg_catalog's "char" type (OID 18) when the schema engine
// describes a live database; relabel it as text.
function charAsText<A extends Patchable>(adapter: A): A {
  const io = (adapter as unknown as { performIO(q: unknown): Promise<{ fields?: { dataTypeID: number }[] }> })
  const performIO = io.performIO.bind(adapter)
  io.performIO = async (q: unknown) => {
    const r = await performIO(q)
    for (const f of r?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25
    return r
  }
  return adapter
}

/** A throw-away in-memory PGlite, the shadow database for creating migrations on either backend. */
async function shadowPGlite(): Promise<SqlDriverAdapter> {
  const db = new PGlite()
  const adapter = wholeScript((await new PrismaPGlite(db).connect()) as Patchable, (s) => db.exec(s))
  adapter.dispose = () => db.close()
  return adapter
}

/** Migration-capable factory over a PGlite instance (used by the schema engine). */
export class MigratingPGlite extends PrismaPGlite {
  constructor(private readonly pglite: PGlite) {
    super(pglite)
  }
  override async connect() {
    return wholeScript((await super.connect()) as Patchable, (s) => this.pglite.exec(s))
  }
  override async connectToShadowDb() {
    return shadowPGlite()
  }
}

/**
 * Migration-capable factory over node-postgres (used by the schema engine). It takes a pool
 * config, not a pool: adapter-pg recognises a pool with `instanceof`, which fails when the
 * caller's `pg` is another module instance (a test runner's), and then silently connects
 * with default settings.
 */
export class MigratingPg extends PrismaPg {
  constructor(config: pg.PoolConfig) {
    super(config)
  }
  override async connect() {
    const adapter = await super.connect()
    return charAsText(wholeScript(adapter as unknown as Patchable, (s) => adapter.underlyingDriver().query(s))) as never
  }
  override async connectToShadowDb() {
    return shadowPGlite() as never
  }
}

export type MigrationFactory = SqlMigrationAwareDriverAdapterFactory
