// One fresh Postgres database for the whole run, migrated once; every test makes its own
// sites in it, so files run in parallel without seeing each other's rows.
import crypto from 'node:crypto'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/shared/db/index.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    redisUrl: string
  }
}

export default async function setup(project: TestProject) {
  const db = await createTestDatabase('live_chat_test')
  project.provide('databaseUrl', db.url)
  project.provide('redisUrl', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
  return db.drop
}

/**
 * Creates an empty, migrated database `<prefix>_<random hex>` on the test Postgres
 * (TEST_DATABASE_ADMIN_URL); `drop()` removes it even while connections are open.
 * Also used by the widget's browser tests (test/browser/server-plugin.mjs).
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const made = await emptyDatabase(prefix)
  const db = await openDatabase({ url: made.url })
  await db.close()
  return made
}

/** Creates an empty database `<prefix>_<random hex>` (no tables: a server migrates it when it starts); `drop()` removes it. */
export async function emptyDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`
  const url = new URL(admin)
  url.pathname = `/${name}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
