// The bulk export is streamed: 100,000 messages go out through real HTTP while the server's
// heap stays small, and a client that goes away stops the reading. (bench/export.mjs measures
// the same in a separate server process and records the figures.)
//
// What is bounded is the live heap: sampled right after a forced full GC, every 200 ms while
// the export runs (V8 collects lazily, so the heap without a GC also holds garbage that a GC
// would free: that figure, and RSS, are logged, not asserted).
//
// Why 64 MB tells streaming from building: each seeded message carries ~380 characters of text,
// so the CSV is ~53 MB. An implementation that loads the rows first holds 100k row objects
// (~1 KB each with their strings: ~100 MB) and, if it also builds the file, the ~53 MB string
// (twice that while it is encoded) on top; streaming in batches of 1,000 holds ~1 MB of rows
// plus the socket's buffers (measured: ~6 MB).
import v8 from 'node:v8'
import vm from 'node:vm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { startServer, type AgentFixture, type SiteFixture, type TestServer } from '../helpers.js'

const MESSAGES = 100_000
/** One conversation longer than many batches, the rest 100 messages each. */
const LONG = 40_000
const CONVERSATIONS = 1 + (MESSAGES - LONG) / 100
const HEAP_BOUND = 64 * 1024 * 1024
const TEXT = 'Lorem ipsum dolor sit amet, "consectetur" adipiscing elit; sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. '.repeat(3) + 'n°'

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let site: SiteFixture
let agent: AgentFixture
/** Site-scoped transactions run for the bulk site (each export batch is one). */
let reads = 0

// On a database of its own: the 100,000 rows are no other test file's business (every server's
// analytics job would aggregate them), and this server's periodic jobs are off (not its subject).
beforeAll(async () => {
  database = await createTestDatabase('live_chat_export')
  const real = await openDatabase({ url: database.url, migrate: false, poolSize: 5 })
  // The real database, counting the transactions run for the bulk site.
  const db: Database = {
    ...real,
    inSite: (siteId, fn) => {
      if (siteId === site?.id) reads++
      return real.inSite(siteId, fn)
    },
  }
  s = await startServer({ db, analytics: { intervalMs: 0, missedSweepMs: 0 } })
  site = await s.fx.site()
  agent = await s.fx.agent(site.id)
  // Seeded as the owner (no row-level security, no transaction time limit), in three statements.
  const owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
  try {
    // Statistics from before the bulk rows, as a site that has just imported its history has
    // them (autovacuum analyses later): the export must not depend on the planner knowing.
    await owner.query('ANALYZE mod_chat_conversations, mod_chat_messages, mod_chat_visitors')
    const visitor = await owner.query<{ id: string }>(`INSERT INTO mod_chat_visitors (site_id, name, email) VALUES ($1, 'Bulk Visitor', 'bulk@example.com') RETURNING id`, [site.id])
    await owner.query(
      `INSERT INTO mod_chat_conversations (site_id, agency_id, visitor_id, status, tags, created_at, last_activity_at, last_seq, last_public_seq)
       SELECT $1, $2, $3, 'resolved', '{bulk}', timestamptz '2026-01-01' + g * interval '1 minute', timestamptz '2026-02-01' + g * interval '1 minute', n, n
       FROM generate_series(1, $4::int) g, LATERAL (SELECT CASE WHEN g = 1 THEN $5::int ELSE 100 END AS n) x`,
      [site.id, site.agencyId, visitor.rows[0]!.id, CONVERSATIONS, LONG],
    )
    await owner.query(
      `INSERT INTO mod_chat_messages (site_id, conversation_id, seq, sender_type, sender_name, content, created_at)
       SELECT c.site_id, c.id, g, CASE WHEN g % 2 = 0 THEN 'agent' ELSE 'visitor' END, 'Sender ' || (g % 7), $2 || g, c.created_at + g * interval '1 second'
       FROM mod_chat_conversations c, generate_series(1, c.last_seq) g
       WHERE c.site_id = $1`,
      [site.id, TEXT],
    )
  } finally {
    await owner.end()
  }
}, 300_000)
afterAll(async () => {
  await s?.close()
  await database?.drop()
})

/** Counts CSV records in a stream without keeping it: line breaks outside quotes. */
function recordCounter() {
  let records = 0
  let quoted = false
  return {
    add(chunk: string) {
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk.charCodeAt(i)
        if (ch === 34 /* " */) quoted = !quoted
        else if (ch === 10 /* \n */ && !quoted) records++
      }
    },
    get records() {
      return records
    },
  }
}

describe('bulk export in bounded memory', () => {
  it(`streams ${MESSAGES.toLocaleString('en')} messages with the live heap growing less than 64 MB`, async () => {
    for (let i = 0; i < 3; i++) gc()
    const before = process.memoryUsage()
    let peakHeap = before.heapUsed
    let peakRss = before.rss
    const sample = () => {
      const m = process.memoryUsage()
      peakHeap = Math.max(peakHeap, m.heapUsed)
      peakRss = Math.max(peakRss, m.rss)
    }
    const timer = setInterval(sample, 5)
    let live = 0
    const gcTimer = setInterval(() => {
      gc()
      live = Math.max(live, process.memoryUsage().heapUsed - before.heapUsed)
    }, 200)
    const started = performance.now()
    const res = await fetch(`${s.url}/api/sites/${site.id}/exports/conversations.csv?tag=bulk`, { headers: { authorization: `Bearer ${agent.token}` } })
    expect(res.status).toBe(200)
    const counter = recordCounter()
    let bytes = 0
    const decoder = new TextDecoder()
    const reader = res.body!.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      bytes += r.value.byteLength
      counter.add(decoder.decode(r.value, { stream: true }))
      sample()
    }
    clearInterval(timer)
    clearInterval(gcTimer)
    const seconds = (performance.now() - started) / 1000
    const figures = {
      rows: counter.records - 1,
      megabytes: +(bytes / 2 ** 20).toFixed(1),
      seconds: +seconds.toFixed(2),
      liveHeapGrowthMB: +(live / 2 ** 20).toFixed(1),
      peakHeapGrowthMB: +((peakHeap - before.heapUsed) / 2 ** 20).toFixed(1),
      peakRssGrowthMB: +((peakRss - before.rss) / 2 ** 20).toFixed(1),
    }
    console.log(`export of ${MESSAGES} messages: ${JSON.stringify(figures)}`)
    expect(counter.records).toBe(MESSAGES + 1) // and the header
    expect(bytes).toBeGreaterThan(40 * 2 ** 20) // the file is big enough for the bound to mean something
    expect(live).toBeLessThan(HEAP_BOUND)
  }, 180_000)

  it('a client that goes away stops the reading', async () => {
    const batches = Math.ceil(MESSAGES / 1_000)
    const abort = new AbortController()
    const readsBefore = reads
    const res = await fetch(`${s.url}/api/sites/${site.id}/exports/conversations.csv?tag=bulk`, {
      headers: { authorization: `Bearer ${agent.token}` },
      signal: abort.signal,
    })
    const reader = res.body!.getReader()
    let bytes = 0
    while (bytes < 1_000_000) bytes += (await reader.read()).value!.byteLength
    abort.abort()
    // Wait until no read happened for a while (the server has stopped, or is stuck).
    let last = -1
    while (last !== reads) {
      last = reads
      await new Promise((r) => setTimeout(r, 1_000))
    }
    // ~1 MB was read; backpressure kept the server a few batches ahead, and the close ended it.
    expect(reads - readsBefore).toBeLessThan(batches / 2)
    // And the server still answers.
    const again = await fetch(`${s.url}/api/sites/${site.id}/conversations?limit=1`, { headers: { authorization: `Bearer ${agent.token}` } })
    expect(again.status).toBe(200)
  }, 60_000)
})
