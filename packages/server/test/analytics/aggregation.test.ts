// The analytics on a generated data set whose answers the test computes itself. A seeded data
// set (dataset.ts: three sites in New York, Auckland and Kolkata, around a DST end with its
// repeated hour, a DST start with its skipped hour, and a half-hour offset, with many
// conversations a moment before or after local midnight) is written straight into the database
// in three steps. After each, the REST report (through the SDK) must equal what plain JS computes
// from the generated rows with Intl time zones: every count, the duration statistics, CSAT,
// busiest hours, each day and each agent. Between the steps the job is shown to be incremental
// (only the days a change touched are recomputed) and, with a second process, to run on one node
// at a time.
//
// On a database of its own: the job's watermark and lock are global, and this test decides when
// the job runs (the server's timers are off; reports run it on demand).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import type { AgentAnalytics, AnalyticsReport } from '@live-chat/protocol'
import { CSV_COLUMNS } from '../../src/analytics/service.js'
import { openDatabase } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../global-setup.js'
import { eventually, startServer, type TestServer } from '../helpers.js'
import { root } from '../processes.js'
import { expectedReport, generate, local, rounded, SITES, stateAfter, store, touchedDays, type GenConversation, type SiteSpec, type Snapshot } from './dataset.js'

const here = path.dirname(fileURLToPath(import.meta.url))

interface SiteCtx {
  spec: SiteSpec
  siteId: string
  agencyId: string
  admin: AgentClient
  adminToken: string
  /** A member who is not an admin. */
  agentToken: string
  agents: { id: string; name: string }[]
  /** The whole data span with two empty days either side, and the DST (or a midnight) day alone. */
  wide: { from: string; to: string }
  day: { from: string; to: string }
}

const SEED = 20261101
const PER_SITE = 130

let database: Awaited<ReturnType<typeof createTestDatabase>>
let s: TestServer
let owner: pg.Client
let sites: SiteCtx[]
let data: GenConversation[]

const shift = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
const byId = (a: AgentAnalytics, b: AgentAnalytics) => a.agentId.localeCompare(b.agentId)

beforeAll(async () => {
  database = await createTestDatabase('live_chat_analytics')
  s = await startServer({ db: await openDatabase({ url: database.url, migrate: false, poolSize: 5 }), analytics: { missedSweepMs: 0, intervalMs: 0 } })
  owner = new pg.Client({ connectionString: database.url })
  await owner.connect()
  sites = []
  for (const [i, spec] of SITES.entries()) {
    const site = await s.fx.site({ widget: { timezone: spec.timezone } })
    const admin = await s.fx.agent(site.id, { role: 'admin', name: `${spec.name} admin` })
    const one = await s.fx.agent(site.id, { name: `${spec.name} agent one` })
    const two = await s.fx.agent(site.id, { name: `${spec.name} agent two` })
    const client = new AgentClient({ url: s.url, token: admin.token })
    client.useSite(site.id)
    const first = local(spec.from, spec.timezone).date
    const last = local(spec.to, spec.timezone).date
    sites.push({
      spec,
      siteId: site.id,
      agencyId: site.agencyId,
      admin: client,
      adminToken: admin.token,
      agentToken: one.token,
      agents: [admin, one, two].map((a) => ({ id: a.id, name: a.name })),
      wide: { from: shift(first, -2), to: shift(last, 3) },
      day: { from: ['2026-11-01', '2026-09-27', '2026-10-15'][i]!, to: ['2026-11-01', '2026-09-27', '2026-10-15'][i]! },
    })
  }
  const visitors = sites.map((site) =>
    Array.from({ length: 25 }, () => crypto.randomUUID()).map((id) => ({ id, siteId: site.siteId })),
  )
  for (const v of visitors.flat()) await owner.query('INSERT INTO mod_chat_visitors (id, site_id, name) VALUES ($1, $2, $3)', [v.id, v.siteId, `Visitor ${v.id.slice(0, 4)}`])
  data = generate(
    sites.map((site, i) => ({ siteId: site.siteId, agents: site.agents.map((a) => a.id), visitors: visitors[i]!.map((v) => v.id) })),
    PER_SITE,
    SEED,
  )
}, 120_000)

afterAll(async () => {
  await owner?.end()
  await s?.close()
  await database?.drop()
})

const agencyOf = (siteId: string) => sites.find((x) => x.siteId === siteId)!.agencyId

/** The report over `range` must be what the test computes from `state`. */
async function check(state: Snapshot[], site: SiteCtx, range: { from: string; to: string }, timezone = site.spec.timezone): Promise<AnalyticsReport> {
  const got = await site.admin.analytics.report(range)
  const want = expectedReport(state, site.siteId, timezone, site.agents, range.from, range.to)
  const { updatedAt, ...rest } = got
  expect(Date.parse(updatedAt)).not.toBeNaN()
  expect(rounded({ ...rest, agents: [...rest.agents].sort(byId) })).toEqual(rounded(want))
  return got
}

async function checkAll(state: Snapshot[]): Promise<void> {
  for (const site of sites) for (const range of [site.wide, site.day]) await check(state, site, range)
}

const watermark = async () => (await owner.query<{ through: Date | null }>('SELECT through FROM mod_chat_analytics_watermark')).rows[0]!.through

/** The local days with something to count: a conversation started or a public message sent. */
function activeDays(state: Snapshot[], site: SiteCtx): string[] {
  const tz = site.spec.timezone
  const days = new Set<string>()
  for (const c of state.filter((x) => x.siteId === site.siteId)) {
    days.add(local(c.createdAt, tz).date)
    for (const m of c.messages) if (m.senderType !== 'system' && !m.private) days.add(local(m.at, tz).date)
  }
  return [...days].sort()
}

/** Runs the job once in another process (run-aggregation.ts) and returns what it printed. */
function otherNode(): Promise<{ ran: boolean; sites: number; days: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(here, 'run-aggregation.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { ran: boolean; sites: number; days: number }) : reject(new Error(`exit ${code}: ${err}`))))
  })
}

describe('analytics on a generated data set', () => {
  it('the data set covers what it must: local midnights, the repeated and the skipped hour, every kind of conversation', () => {
    // The generator's landmarks are what their comments say (read with Intl).
    expect(local(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York').time).toBe('01:30')
    expect(local(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York').time).toBe('01:30')
    expect(local(Date.parse('2026-09-26T13:59:00Z'), 'Pacific/Auckland').time).toBe('01:59')
    expect(local(Date.parse('2026-09-26T14:00:00Z'), 'Pacific/Auckland').time).toBe('03:00')
    for (const spec of SITES) for (const t of spec.special.filter((x) => local(x, spec.timezone).time === '00:00')) expect(local(t - 1000, spec.timezone).date).not.toBe(local(t, spec.timezone).date)

    const all = stateAfter(data, 3)
    const nearMidnight = all.filter((c) => {
      const tz = sites.find((x) => x.siteId === c.siteId)!.spec.timezone
      return local(c.createdAt - 150_000, tz).date !== local(c.createdAt + 150_000, tz).date
    })
    const repeatedHour = all.filter((c) => c.createdAt >= Date.parse('2026-11-01T05:00:00Z') && c.createdAt < Date.parse('2026-11-01T07:00:00Z'))
    const aroundSkip = all.filter((c) => Math.abs(c.createdAt - Date.parse('2026-09-26T14:00:00Z')) < 150_000)
    const crossesMidnight = all.filter((c) => {
      const tz = sites.find((x) => x.siteId === c.siteId)!.spec.timezone
      return c.messages.some((m) => local(m.at, tz).date !== local(c.createdAt, tz).date)
    })
    expect(all.length).toBe(3 * PER_SITE)
    expect(nearMidnight.length).toBeGreaterThan(30)
    expect(repeatedHour.length).toBeGreaterThan(5)
    expect(aroundSkip.length).toBeGreaterThan(3)
    expect(crossesMidnight.length).toBeGreaterThan(30)
    expect(all.filter((c) => c.offline).length).toBeGreaterThan(10)
    expect(all.filter((c) => c.missedAt !== null).length).toBeGreaterThan(20)
    expect(all.filter((c) => c.rating !== null).length).toBeGreaterThan(50)
    expect(data.filter((c) => c.step === 1 && c.cut !== null).length).toBeGreaterThan(20)
    expect(data.filter((c) => c.step === 3).length).toBeGreaterThan(5)
  })

  it('step 1: the first run reads everything, and every figure matches the independent answers', async () => {
    // Written an hour ago: the first run takes everything (it has no watermark yet).
    await store(owner, data, 1, agencyOf, `now() - interval '1 hour'`)
    expect(await watermark()).toBeNull()
    await checkAll(stateAfter(data, 1))
    expect(await watermark()).not.toBeNull()
  })

  it('step 2: new conversations and later messages of old ones; the next run recomputes only the days they touch', async () => {
    const through1 = (await watermark())!
    await store(owner, data, 2, agencyOf, 'now()')
    expect(await s.services.analytics.aggregator.run()).toMatchObject({ ran: true })
    const through2 = (await watermark())!
    expect(through2.getTime()).toBeGreaterThan(through1.getTime())

    const state = stateAfter(data, 2)
    const changed = data.filter((c) => c.step === 2 || (c.step === 1 && c.cut !== null)).map((c) => state.find((x) => x.id === c.id)!)
    const rows = (await owner.query<{ site_id: string; date: string; updated_at: Date }>('SELECT site_id, date::text AS date, updated_at FROM mod_chat_analytics')).rows
    for (const site of sites) {
      const tz = site.spec.timezone
      const active = activeDays(state, site)
      const touched = touchedDays(changed.filter((c) => c.siteId === site.siteId), tz).filter((d) => active.includes(d))
      const mine = rows.filter((r) => r.site_id === site.siteId)
      // A row for every day with activity, none for the others.
      expect(mine.map((r) => r.date).sort()).toEqual(active)
      expect(mine.filter((r) => r.updated_at.getTime() === through2.getTime()).map((r) => r.date).sort()).toEqual(touched)
      // The others keep the time of the first run (the reports of step 1 ran the job again, finding nothing).
      const kept = new Set(mine.filter((r) => r.updated_at.getTime() !== through2.getTime()).map((r) => r.updated_at.getTime()))
      expect(kept.size).toBe(1)
      expect([...kept][0]).toBeLessThanOrEqual(through1.getTime())
      expect(touched.length).toBeLessThan(active.length)
    }
    await checkAll(state)
  })

  it('step 3: while one node runs the job another skips it and reports serve what is there; then the new rows are in', async () => {
    const through2 = (await watermark())!
    await store(owner, data, 3, agencyOf, 'now()')
    // Hold the watermark row: the other node's run takes the advisory lock, recomputes, then
    // waits here before it can commit.
    const locker = new pg.Client({ connectionString: database.url })
    await locker.connect()
    await locker.query('BEGIN')
    await locker.query('SELECT through FROM mod_chat_analytics_watermark WHERE id = 1 FOR UPDATE')
    const first = otherNode()
    try {
      await eventually(
        async () => {
          const { rows } = await owner.query<{ advisory: number; waiting: number }>(`
            SELECT (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND granted
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS advisory,
                   (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                      AND query LIKE '%mod_chat_analytics_watermark%') AS waiting`)
          return rows[0]!.advisory === 1 && rows[0]!.waiting === 1
        },
        30_000,
        'the other node holding the lock',
      )
      // A third node, and this server's report, find the job running: they skip it.
      expect(await otherNode()).toEqual({ ran: false, sites: 0, days: 0 })
      const during = await check(stateAfter(data, 2), sites[0]!, sites[0]!.wide)
      expect(during.updatedAt).toBe(through2.toISOString())
    } finally {
      await locker.query('COMMIT')
      await locker.end()
    }
    expect(await first).toMatchObject({ ran: true })
    expect((await watermark())!.getTime()).toBeGreaterThan(through2.getTime())
    await checkAll(stateAfter(data, 3))
  })

  it('the CSV has one row per day and a total row, matching the report', async () => {
    const site = sites[0]!
    const report = await site.admin.analytics.report(site.wide)
    const text = await (await site.admin.analytics.csv(site.wide)).text()
    const lines = text.trimEnd().split('\n').map((l) => l.split(','))
    expect(lines[0]).toEqual(CSV_COLUMNS)
    const cell = (v: number | null, digits: number) => (v === null ? '' : String(Number(v.toFixed(digits))))
    const row = (d: { date: string; conversations: number; messages: number; resolved: number; missed: number; offline: number; firstResponse: AnalyticsReport['firstResponse']; csat: { count: number; mean: number | null } }) => [
      d.date,
      String(d.conversations),
      String(d.messages),
      String(d.resolved),
      String(d.missed),
      String(d.offline),
      String(d.firstResponse.count),
      cell(d.firstResponse.mean, 1),
      cell(d.firstResponse.median, 1),
      cell(d.firstResponse.p90, 1),
      String(d.csat.count),
      cell(d.csat.mean, 2),
    ]
    const total = { ...report, date: 'total', messages: report.messages.total }
    expect(lines.slice(1)).toEqual([...report.days.map(row), row(total)])
    expect(lines).toHaveLength(report.days.length + 2)

    const res = await request(s.url).get(`/api/sites/${site.siteId}/analytics.csv`).query(site.day).set('Authorization', `Bearer ${site.adminToken}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(`attachment; filename=analytics-${site.day.from}-to-${site.day.to}.csv`)
  })

  it('a change of the site’s time zone recomputes its days in the new zone', async () => {
    const site = sites[2]!
    await site.admin.settings.update({ widget: { timezone: 'Asia/Tokyo' } })
    const state = stateAfter(data, 3)
    const report = await check(state, site, site.wide, 'Asia/Tokyo')
    expect(report.timezone).toBe('Asia/Tokyo')
    const rows = (await owner.query<{ date: string }>('SELECT date::text AS date FROM mod_chat_analytics WHERE site_id = $1 ORDER BY date', [site.siteId])).rows
    const tokyo = new Set<string>()
    for (const c of state.filter((x) => x.siteId === site.siteId)) {
      tokyo.add(local(c.createdAt, 'Asia/Tokyo').date)
      for (const m of c.messages) if (m.senderType !== 'system' && !m.private) tokyo.add(local(m.at, 'Asia/Tokyo').date)
    }
    expect(rows.map((r) => r.date)).toEqual([...tokyo].sort())
    await site.admin.settings.update({ widget: { timezone: site.spec.timezone } })
    await check(state, site, site.wide)
  })

  it('keeps sites apart, refuses bad ranges with 400, and non-admins with 403', async () => {
    const [ny, akl] = [sites[0]!, sites[1]!]
    // An empty site sees zeros and its own agents only.
    const empty = await s.fx.site()
    const emptyAdmin = await s.fx.agent(empty.id, { role: 'admin' })
    const client = new AgentClient({ url: s.url, token: emptyAdmin.token })
    client.useSite(empty.id)
    const report = await client.analytics.report(ny.wide)
    expect(report).toMatchObject({ conversations: 0, messages: { total: 0, visitor: 0, agent: 0 }, firstResponse: { count: 0, mean: null }, csat: { count: 0, mean: null } })
    expect(report.agents.map((a) => a.agentId)).toEqual([emptyAdmin.id])
    expect(report.days.every((d) => d.conversations === 0 && d.messages === 0)).toBe(true)
    expect(report.busiestHours.flat().every((n) => n === 0)).toBe(true)

    // Another site's admin token does not open this site.
    for (const path of ['analytics', 'analytics.csv']) {
      const res = await request(s.url).get(`/api/sites/${akl.siteId}/${path}`).query(akl.wide).set('Authorization', `Bearer ${ny.adminToken}`)
      expect(res.status).toBe(403)
      expect(res.body).toMatchObject({ error: { code: 'forbidden', message: expect.any(String) } })
    }

    const bad = [
      { from: '2026-11-05', to: '2026-11-01' },
      { from: '2025-01-01', to: '2026-02-05' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: 'yesterday', to: '2026-03-01' },
      { from: '2026-03-01' },
      {},
    ]
    for (const query of bad) {
      for (const path of ['analytics', 'analytics.csv']) {
        const res = await request(s.url).get(`/api/sites/${ny.siteId}/${path}`).query(query).set('Authorization', `Bearer ${ny.adminToken}`)
        expect({ query, path, status: res.status }).toEqual({ query, path, status: 400 })
        expect(res.body).toMatchObject({ error: { code: 'invalid_payload', message: expect.stringMatching(/^invalid query/), details: expect.any(Array) } })
      }
    }
    await expect(ny.admin.analytics.report({ from: '2026-11-05', to: '2026-11-01' })).rejects.toMatchObject({ code: 'invalid_payload' })

    for (const path of ['analytics', 'analytics.csv']) {
      const res = await request(s.url).get(`/api/sites/${ny.siteId}/${path}`).query(ny.wide).set('Authorization', `Bearer ${ny.agentToken}`)
      expect(res.status).toBe(403)
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } })
    }
    const agent = new AgentClient({ url: s.url, token: ny.agentToken })
    agent.useSite(ny.siteId)
    await expect(agent.analytics.report(ny.wide)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(agent.analytics.csv(ny.wide)).rejects.toMatchObject({ code: 'forbidden' })
  })
})
