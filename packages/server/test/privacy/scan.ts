// Looks for strings everywhere in a database, as its owner (a superuser: no row-level security):
// every column of every table of the public schema, whatever its type, read as text (text, JSON,
// arrays, the generated tsvector search columns, addresses), case ignored; and every bytea column
// (the uploaded files' bytes: the upload store is mod_chat_uploads.data) as bytes.
import pg from 'pg'

export interface Remnant {
  table: string
  column: string
  term: string
  rows: number
}

/** Where each of `terms` (lower case) is found, and in how many rows. */
export async function scanDatabase(url: string, terms: readonly string[]): Promise<Remnant[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const { rows: columns } = await c.query<{ table: string; column: string; type: string }>(`
      SELECT col.table_name AS table, col.column_name AS column, col.data_type AS type
      FROM information_schema.columns col
      JOIN information_schema.tables t ON t.table_schema = col.table_schema AND t.table_name = col.table_name
      WHERE col.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY 1, 2`)
    const found: Remnant[] = []
    for (const { table, column, type } of columns) {
      const match = type === 'bytea' ? `position(convert_to(t.term, 'UTF8') IN x."${column}") > 0` : `strpos(lower(x."${column}"::text), t.term) > 0`
      const { rows } = await c.query<{ term: string; rows: number }>(
        `SELECT t.term, count(*)::int AS rows FROM unnest($1::text[]) AS t(term) JOIN "${table}" x ON ${match} GROUP BY t.term`,
        [terms],
      )
      for (const r of rows) found.push({ table, column, term: r.term, rows: r.rows })
    }
    return found
  } finally {
    await c.end()
  }
}
