// Every pool's node-postgres client (shared/db/pg-client.ts): node-postgres's own, with a statement
// called in the promise form run in the callback form. Both forms give what node-postgres gives.
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Client } from '../../src/shared/db/pg-client.js'

const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2, Client })
afterAll(() => pool.end())

describe('the pools’ client', () => {
  it('is the client of pool.connect(), and its promise form resolves with node-postgres’s result', async () => {
    const client = await pool.connect()
    try {
      expect(client).toBeInstanceOf(Client)
      const r = await client.query<{ n: number; at: Date }>('SELECT $1::int AS n, now() AS at', [7])
      expect(r.rows).toEqual([{ n: 7, at: expect.any(Date) }])
      expect(r.fields.map((f) => f.name)).toEqual(['n', 'at'])
      // A config object, named (prepared) as the direct pools send them, twice.
      for (let i = 0; i < 2; i++) expect((await client.query({ name: 'pg_client_test', text: 'SELECT $1::text AS t', values: ['x'] })).rows).toEqual([{ t: 'x' }])
    } finally {
      client.release()
    }
  })

  it('rejects with node-postgres’s error, its stack leading back to the caller, and the client serves the next statement', async () => {
    const client = await pool.connect()
    try {
      const error = await client.query('SELECT FROM nowhere_at_all').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(pg.DatabaseError)
      expect(error).toMatchObject({ code: '42P01' })
      expect((error as Error).stack).toContain('pg-client.test.ts')
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      client.release()
    }
  })

  it('keeps the callback form, and pool.query', async () => {
    const client = await pool.connect()
    try {
      const rows = await new Promise((resolve, reject) => client.query('SELECT 2 AS two', (e, r) => (e ? reject(e) : resolve(r.rows))))
      expect(rows).toEqual([{ two: 2 }])
    } finally {
      client.release()
    }
    expect((await pool.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }])
  })
})
