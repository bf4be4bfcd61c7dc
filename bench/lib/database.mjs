// Bench databases on the local Postgres (BENCH_DATABASE_ADMIN_URL, else the tests' admin URL,
// else postgres@127.0.0.1:5432). A server-child migrates a database when it opens it.
import crypto from 'node:crypto'
import pg from 'pg'

export const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

export function databaseUrl(name) {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function admin(fn) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export async function databaseExists(name) {
  return admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0)
}

export async function createDatabase(name) {
  await admin((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`))
}

export async function dropDatabase(name) {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`))
}

/** An empty database for one bench run, `live_chat_bench_run_<hex>`; drop() removes it. */
export async function tempDatabase() {
  const name = `live_chat_bench_run_${crypto.randomBytes(4).toString('hex')}`
  await createDatabase(name)
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) }
}

/** Runs fn with a client connected to the named database as the admin (owner: no row-level security). */
export async function withDatabase(name, fn) {
  const client = new pg.Client({ connectionString: databaseUrl(name) })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
