// SQL as source: prisma/sql/ holds one current file per SQL function, trigger (with its function)
// and table's row-level-security policies. The migrations are the history; these files are what
// people read and edit. Two users here:
// - test/shared/sql-sources.test.ts: the migrated database's definitions equal the files';
// - `npm run migrate -- create <name>` (migrate.ts): the files that differ from what the
//   migrations build are appended to the new migration.
//
// Postgres itself normalises: each file is executed inside a transaction that is rolled back,
// and the catalog's definitions (pg_get_functiondef, pg_get_triggerdef, pg_policies, the
// table's row-security flag) are read before and after. The objects a file defines are the
// catalog rows it wrote (a CREATE OR REPLACE rewrites its row even when nothing changes), so a
// file needs no naming convention to say what it owns.
import fs from 'node:fs'
import path from 'node:path'

export interface SqlSource {
  /** Path inside the sources folder, with forward slashes: `functions/mod_chat_iso.sql`. */
  file: string
  sql: string
}

/** Every `*.sql` under dir, in path order (the order a generated migration runs them in). */
export function listSqlSources(dir: string): SqlSource[] {
  if (!fs.existsSync(dir)) return []
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.sql') && fs.statSync(path.join(dir, f)).isFile())
    .sort()
    .map((file) => ({ file, sql: fs.readFileSync(path.join(dir, file), 'utf8') }))
}

/** A connection to run statements on: node-postgres' Client and PGlite both fit through sqlRunner(). */
export interface SqlRunner {
  /** Rows of one statement. */
  rows<T>(sql: string): Promise<T[]>
  /** A script of any number of statements. */
  exec(sql: string): Promise<void>
}

export function sqlRunner(db: { query(sql: string): Promise<{ rows: unknown[] }> } & { exec?(sql: string): Promise<unknown> }): SqlRunner {
  return {
    rows: async <T>(sql: string) => (await db.query(sql)).rows as T[],
    // PGlite's query() takes one statement and exec() a script; node-postgres' query() without
    // parameters takes a script.
    exec: async (sql) => void (db.exec ? await db.exec(sql) : await db.query(sql)),
  }
}

/** One function, trigger, policy or table row-security flag of the app's schema, as Postgres prints it. */
interface CatalogObject {
  key: string
  definition: string
  /** The catalog row's version: another after any statement that wrote it. */
  version: string
  /** SQL that removes it. */
  drop_sql: string
  /** Dropped in this order: a view, trigger or policy before the function it may call. */
  rank: number
}

// Objects of schema public, not an extension's. pg_current_xact_id_if_assigned() is null
// before the transaction writes; ctid changes with every new row version.
const CATALOG = `
  SELECT 'function ' || p.oid::regprocedure::text AS key,
         pg_get_functiondef(p.oid) || E'\\n-- privileges: ' || coalesce(p.proacl::text, 'default') AS definition,
         p.xmin::text || p.ctid::text AS version,
         'DROP FUNCTION ' || p.oid::regprocedure::text || ';' AS drop_sql, 3 AS rank
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || quote_ident(c.relname),
         pg_get_triggerdef(t.oid) || E'\\n-- enabled: ' || t.tgenabled::text,
         t.xmin::text || t.ctid::text,
         'DROP TRIGGER ' || quote_ident(t.tgname) || ' ON ' || quote_ident(c.relname) || ';', 1
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND NOT t.tgisinternal
  UNION ALL
  SELECT 'policy ' || quote_ident(pp.policyname) || ' on ' || quote_ident(pp.tablename),
         concat_ws(E'\\n', pp.permissive || ' FOR ' || pp.cmd || ' TO ' || array_to_string(pp.roles, ', '),
                   'USING ' || pp.qual, 'WITH CHECK ' || pp.with_check),
         p.xmin::text || p.ctid::text,
         'DROP POLICY ' || quote_ident(pp.policyname) || ' ON ' || quote_ident(pp.tablename) || ';', 2
  FROM pg_policies pp
  JOIN pg_namespace n ON n.nspname = pp.schemaname
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pp.tablename
  JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = pp.policyname
  WHERE pp.schemaname = 'public'
  UNION ALL
  SELECT 'row level security on ' || quote_ident(c.relname),
         CASE WHEN c.relforcerowsecurity THEN 'enabled, forced' ELSE 'enabled' END,
         c.xmin::text || c.ctid::text,
         'ALTER TABLE ' || quote_ident(c.relname) || ' DISABLE ROW LEVEL SECURITY;', 2
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relrowsecurity
  UNION ALL
  SELECT 'view ' || quote_ident(c.relname),
         pg_get_viewdef(c.oid),
         c.xmin::text || c.ctid::text || coalesce((SELECT string_agg(r.xmin::text || r.ctid::text, ',') FROM pg_rewrite r WHERE r.ev_class = c.oid), ''),
         'DROP VIEW ' || quote_ident(c.relname) || ';', 0
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`

async function catalog(db: SqlRunner): Promise<Map<string, CatalogObject>> {
  const rows = await db.rows<CatalogObject>(CATALOG)
  return new Map(rows.map((r) => [r.key, { ...r, rank: Number(r.rank) }]))
}

export interface SourceCheck {
  file: string
  /** What the file defines ("function mod_chat_iso(timestamp with time zone)", "policy site_isolation on mod_chat_visitors", ...). */
  defines: string[]
  /** Defined by the file but not in the database. */
  missing: string[]
  /** In the database with another definition than the file's. */
  changed: { key: string; database: string; source: string }[]
  /** The file failed to run. */
  error?: string
}

export interface SourcesReport {
  files: SourceCheck[]
  /** In the database, defined by no file (with the SQL that would remove it). */
  unowned: { key: string; drop: string }[]
  /** Defined by more than one file. */
  twice: { key: string; files: string[] }[]
}

/** True when the database and the files agree on every function, trigger, policy and view. */
export function inAgreement(r: SourcesReport): boolean {
  return r.unowned.length === 0 && r.twice.length === 0 && r.files.every((f) => !f.error && f.missing.length === 0 && f.changed.length === 0 && f.defines.length > 0)
}

/** A report as lines a person can act on (empty when in agreement). */
export function describeReport(r: SourcesReport): string[] {
  const out: string[] = []
  for (const f of r.files) {
    if (f.error) out.push(`${f.file}: fails to run: ${f.error}`)
    else if (f.defines.length === 0) out.push(`${f.file}: defines no function, trigger, policy or view`)
    for (const k of f.missing) out.push(`${f.file}: defines ${k}, which the database lacks`)
    for (const c of f.changed) out.push(`${f.file}: ${c.key} differs from the database's\n--- database\n${c.database}\n--- source\n${c.source}`)
  }
  for (const u of r.unowned) out.push(`${u.key} is in the database but in no file of prisma/sql/`)
  for (const t of r.twice) out.push(`${t.key} is defined by several files: ${t.files.join(', ')}`)
  return out
}

/**
 * Compares the database's definitions with the files', changing nothing (every file runs in a
 * transaction that is rolled back). `isolated` (the default): one transaction per file, each
 * holding one table's lock at a time, for a database other sessions are using. Otherwise one
 * transaction for all, the files in order, so a file may use what an earlier file creates (for
 * a private database, as `migrate create` uses).
 */
export async function checkSqlSources(db: SqlRunner, sources: SqlSource[], opts: { isolated?: boolean } = {}): Promise<SourcesReport> {
  const isolated = opts.isolated ?? true
  const before = await catalog(db)
  const files: SourceCheck[] = []
  const owners = new Map<string, string[]>()
  let previous = before
  if (!isolated) await db.exec('BEGIN')
  try {
    for (const s of sources) {
      const check: SourceCheck = { file: s.file, defines: [], missing: [], changed: [] }
      files.push(check)
      await db.exec(isolated ? 'BEGIN' : 'SAVEPOINT sql_source')
      try {
        await db.exec(s.sql)
        const after = await catalog(db)
        for (const [key, o] of after) {
          if (previous.get(key)?.version === o.version) continue
          check.defines.push(key)
          owners.set(key, [...(owners.get(key) ?? []), s.file])
          const was = before.get(key)
          if (!was) check.missing.push(key)
          else if (was.definition !== o.definition) check.changed.push({ key, database: was.definition, source: o.definition })
        }
        if (!isolated) previous = after
      } catch (e) {
        check.error = e instanceof Error ? e.message : String(e)
        if (!isolated) await db.exec('ROLLBACK TO SAVEPOINT sql_source')
      } finally {
        await db.exec(isolated ? 'ROLLBACK' : 'RELEASE SAVEPOINT sql_source')
      }
    }
  } finally {
    if (!isolated) await db.exec('ROLLBACK')
  }
  return {
    files,
    unowned: [...before.values()].filter((o) => !owners.has(o.key)).sort((a, b) => a.rank - b.rank).map((o) => ({ key: o.key, drop: o.drop_sql })),
    twice: [...owners].filter(([, f]) => f.length > 1).map(([key, f]) => ({ key, files: f })),
  }
}

/**
 * The SQL that takes the database to the files: a DROP for what no file defines, then each file
 * that defines something the database lacks or has otherwise, whole. Empty when in agreement.
 * Throws when a file fails to run or two files define the same thing.
 */
export function sourcesMigrationSql(r: SourcesReport, sources: SqlSource[]): string {
  const broken = r.files.filter((f) => f.error).map((f) => `${f.file}: ${f.error}`)
  const twice = r.twice.map((t) => `${t.key} is defined by several files: ${t.files.join(', ')}`)
  if (broken.length || twice.length) throw new Error(`prisma/sql/ cannot be applied:\n${[...broken, ...twice].join('\n')}`)
  const parts: string[] = []
  if (r.unowned.length) parts.push(`-- Defined by no file of prisma/sql/ any more.\n${r.unowned.map((u) => u.drop).join('\n')}`)
  for (const f of r.files) {
    if (f.missing.length === 0 && f.changed.length === 0) continue
    parts.push(`-- From prisma/sql/${f.file}\n${sources.find((s) => s.file === f.file)!.sql.trim()}`)
  }
  return parts.join('\n\n')
}
