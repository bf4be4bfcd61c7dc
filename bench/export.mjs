// Bulk export: GET …/exports/conversations.csv of BENCH_EXPORT_MESSAGES messages (default
// 100,000: one conversation of 40% of them, the rest 100 per conversation, ~380 characters of
// text each), streamed through real HTTP from our server in its own process, while that process
// samples its own memory: the live heap (right after a forced full GC, every 200 ms) against the
// budget, and the heap without forcing a GC (garbage included) and RSS for the record.
//
// `node bench/export.mjs` runs it and prints the figures as JSON (it is shaped like the other
// bench modules, `name` and `run()`, but `npm run bench` leaves it out: no goal of issue 6
// measures it, and seeding takes a while). BENCH_SOURCE=1 runs the server from the TypeScript sources.
import { fileURLToPath } from 'node:url'
import { prepareSites } from './lib/chat.mjs'
import { tempDatabase, withDatabase } from './lib/database.mjs'
import { startServer } from './lib/servers.mjs'
import { envNumber, round, verdict } from './lib/stats.mjs'

export const name = 'export'

/** The live heap may grow at most this much while the export runs. */
const BUDGET_MB = 64
const MB = 2 ** 20
const TEXT = 'Lorem ipsum dolor sit amet, "consectetur" adipiscing elit; sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. '.repeat(3) + 'n°'

export async function run() {
  const messages = envNumber('BENCH_EXPORT_MESSAGES', 100_000)
  const db = await tempDatabase()
  let server
  try {
    server = await startServer('ours', { databaseUrl: db.url })
    const [site] = await prepareSites(server, 1)
    const seedSeconds = await seed(db.name, site.siteId, messages)
    const self = fileURLToPath(import.meta.url)
    await server.invoke(self, 'startSampling', {})
    const started = performance.now()
    const res = await fetch(`${server.url}/api/sites/${site.siteId}/exports/conversations.csv?tag=bulk`, {
      headers: { authorization: `Bearer ${site.agentToken}` },
    })
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`)
    const { records, bytes } = await countRecords(res.body)
    const seconds = (performance.now() - started) / 1000
    const memory = await server.invoke(self, 'stopSampling', {})
    const figures = {
      messages,
      rows: records - 1,
      megabytes: round(bytes / MB, 1),
      seconds: round(seconds, 2),
      rowsPerSecond: round((records - 1) / seconds, 0),
      liveHeapGrowthMB: round(memory.liveHeapGrowth / MB, 1),
      peakHeapGrowthMB: round(memory.peakHeapGrowth / MB, 1),
      peakRssGrowthMB: round(memory.peakRssGrowth / MB, 1),
      rssBeforeMB: round(memory.rssBefore / MB, 1),
      seedSeconds: round(seedSeconds, 1),
    }
    const ok = figures.rows === messages && figures.liveHeapGrowthMB < BUDGET_MB
    console.table({ export: { ...figures, budget: `live heap < ${BUDGET_MB} MB`, status: verdict(ok) } })
    return { name, rows: [figures], goal: `${messages} rows, live heap growth < ${BUDGET_MB} MB`, status: verdict(ok), ok }
  } finally {
    await server?.stop()
    await db.drop()
  }
}

/** Seeds the bench site as the owner (no row-level security): one visitor, the conversations, their messages. */
async function seed(dbName, siteId, messages) {
  const started = performance.now()
  const long = Math.round(messages * 0.4)
  const rest = messages - long
  const conversations = 1 + Math.ceil(rest / 100)
  await withDatabase(dbName, async (c) => {
    const { rows } = await c.query(
      `INSERT INTO mod_chat_visitors (site_id, name, email) VALUES ($1, 'Bulk Visitor', 'bulk@example.com') RETURNING id, (SELECT agency_id FROM sites WHERE id = $1) AS agency`,
      [siteId],
    )
    await c.query(
      `INSERT INTO mod_chat_conversations (site_id, agency_id, visitor_id, status, tags, created_at, last_activity_at, last_seq, last_public_seq)
       SELECT $1, $2, $3, 'resolved', '{bulk}', timestamptz '2026-01-01' + g * interval '1 minute', timestamptz '2026-02-01' + g * interval '1 minute', n, n
       FROM generate_series(1, $4::int) g,
            LATERAL (SELECT CASE WHEN g = 1 THEN $5::int ELSE least(100, $6::int - (g - 2) * 100) END AS n) x`,
      [siteId, rows[0].agency, rows[0].id, conversations, long, rest],
    )
    await c.query(
      `INSERT INTO mod_chat_messages (site_id, conversation_id, seq, sender_type, sender_name, content, created_at)
       SELECT c.site_id, c.id, g, CASE WHEN g % 2 = 0 THEN 'agent' ELSE 'visitor' END, 'Sender ' || (g % 7), $2 || g, c.created_at + g * interval '1 second'
       FROM mod_chat_conversations c, generate_series(1, c.last_seq) g
       WHERE c.site_id = $1`,
      [siteId, TEXT],
    )
    await c.query('ANALYZE')
  })
  return (performance.now() - started) / 1000
}

/** Reads the body to the end, counting CSV records (line breaks outside quotes) without keeping it. */
async function countRecords(body) {
  const decoder = new TextDecoder()
  let records = 0
  let bytes = 0
  let quoted = false
  for await (const chunk of body) {
    bytes += chunk.byteLength
    const text = decoder.decode(chunk, { stream: true })
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      if (ch === 34) quoted = !quoted
      else if (ch === 10 && !quoted) records++
    }
  }
  return { records, bytes }
}

// ---------------------------------------------------------------- in the server process (invoke)

let sampling

/** Starts sampling this process's memory (runs in the server, which has --expose-gc). */
export function startSampling() {
  for (let i = 0; i < 3; i++) globalThis.gc?.()
  const before = process.memoryUsage()
  const s = { before, peakHeap: before.heapUsed, peakRss: before.rss, live: 0 }
  const sample = () => {
    const m = process.memoryUsage()
    s.peakHeap = Math.max(s.peakHeap, m.heapUsed)
    s.peakRss = Math.max(s.peakRss, m.rss)
  }
  s.timers = [
    setInterval(sample, 5),
    setInterval(() => {
      globalThis.gc?.()
      s.live = Math.max(s.live, process.memoryUsage().heapUsed - before.heapUsed)
    }, 200),
  ]
  sampling = s
  return null
}

/** Stops sampling and returns the growth figures, in bytes. */
export function stopSampling() {
  const s = sampling
  for (const t of s.timers) clearInterval(t)
  sampling = undefined
  return {
    liveHeapGrowth: s.live,
    peakHeapGrowth: s.peakHeap - s.before.heapUsed,
    peakRssGrowth: s.peakRss - s.before.rss,
    rssBefore: s.before.rss,
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run()
  console.log(JSON.stringify(result.rows[0], null, 2))
  if (!result.ok) process.exitCode = 1
}
