// A site's analytics over a range of local days, read from the day rows (aggregate.ts) only.
//
// Durations are exact over any range: the day rows keep every duration, and the statistics are
// taken over all of them at once (never averages of daily averages). Percentiles interpolate
// linearly between the closest ranks (PostgreSQL's percentile_cont, Excel's PERCENTILE.INC,
// numpy's default): for the sorted durations x[0..n-1], rank r = p·(n−1) and the value is
// x[⌊r⌋] + (r − ⌊r⌋)·(x[⌈r⌉] − x[⌊r⌋]). So the median (p = 0.5) is the middle value, or the mean
// of the two middle ones; p90 is p = 0.9. Means are not rounded.
import { slaReport } from '../sla/report.js'
import type { AgentAnalytics, AnalyticsDay, AnalyticsReport, CsatStats, DurationStats } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import { agentName, agentWithUser } from '../shared/map.js'

interface StatsRow {
  count: number
  mean: number | null
  median: number | null
  p90: number | null
}

interface DayRow extends StatsRow {
  date: string
  conversations: number
  offline: number
  resolved: number
  missed: number
  visitor: number
  agent: number
  ratings: number[]
  hours: number[]
}

// (columns of one statistics row over the durations `x`)
const STATS = Prisma.raw(`count(x)::int AS count, avg(x)::float8 AS mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY x) AS p90`)

const stats = (r: StatsRow | undefined): DurationStats =>
  r && r.count > 0 ? { count: r.count, mean: r.mean, median: r.median, p90: r.p90 } : { count: 0, mean: null, median: null, p90: null }

function csat(ratings: readonly number[]): CsatStats {
  const distribution = [0, 1, 2, 3, 4].map((i) => ratings[i] ?? 0) as CsatStats['distribution']
  const count = distribution.reduce((a, b) => a + b, 0)
  const sum = distribution.reduce((a, n, i) => a + n * (i + 1), 0)
  return { count, mean: count > 0 ? sum / count : null, distribution }
}

/** 0 = Monday … 6 = Sunday, of a calendar date (the same in every zone). */
const weekday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7

/** Every date from `from` to `to`, inclusive. */
function dates(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/** The report (everything but `updatedAt`), in the transaction of the site. */
export async function buildReport(tx: Tx, siteId: string, from: string, to: string): Promise<Omit<AnalyticsReport, 'updatedAt'>> {
  const [zoneRow] = await tx.$queryRaw<{ zone: string }[]>`
    SELECT mod_chat_time_zone(coalesce(
      (SELECT timezone FROM mod_chat_analytics_sites WHERE site_id = ${siteId}::uuid),
      (SELECT timezone FROM mod_chat_widget_settings WHERE site_id = ${siteId}::uuid),
      'UTC')) AS zone`
  const inRange = Prisma.sql`a.site_id = ${siteId}::uuid AND a.date BETWEEN ${from}::date AND ${to}::date`
  const rows = await tx.$queryRaw<DayRow[]>`
    SELECT a.date::text AS date, a.total_conversations AS conversations, a.conversations_offline AS offline,
           a.conversations_resolved AS resolved, a.conversations_missed AS missed,
           a.messages_visitor AS visitor, a.messages_agent AS agent, a.ratings, a.hours, fr.*
    FROM mod_chat_analytics a
    CROSS JOIN LATERAL (SELECT ${STATS} FROM unnest(a.first_response_seconds) x) fr
    WHERE ${inRange}
    ORDER BY a.date`
  const overall = await tx.$queryRaw<(StatsRow & { kind: 'fr' | 'res' })[]>`
    SELECT 'fr' AS kind, ${STATS} FROM mod_chat_analytics a, unnest(a.first_response_seconds) x WHERE ${inRange}
    UNION ALL
    SELECT 'res', ${STATS} FROM mod_chat_analytics a, unnest(a.resolution_seconds) x WHERE ${inRange}`
  const perAgent = await tx.$queryRaw<{ agent_id: string; handled: number; messages: number; rating_sum: number; rating_count: number }[]>`
    SELECT e.key AS agent_id, sum((e.value->>'handled')::int)::int AS handled, sum((e.value->>'messages')::int)::int AS messages,
           sum((e.value->>'ratingSum')::int)::int AS rating_sum, sum((e.value->>'ratingCount')::int)::int AS rating_count
    FROM mod_chat_analytics a, jsonb_each(a.agents) e
    WHERE ${inRange}
    GROUP BY e.key`
  const agentFr = await tx.$queryRaw<(StatsRow & { agent_id: string })[]>`
    SELECT e.key AS agent_id, ${STATS}
    FROM mod_chat_analytics a, jsonb_each(a.agents) e, LATERAL (SELECT t::int AS x FROM jsonb_array_elements_text(e.value->'firstResponse') t) d
    WHERE ${inRange}
    GROUP BY e.key`
  const members = await tx.agent.findMany({ where: { siteId }, ...agentWithUser })

  const byDate = new Map(rows.map((r) => [r.date, r]))
  const busiestHours = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  const ratings = [0, 0, 0, 0, 0]
  const totals = { conversations: 0, visitor: 0, agent: 0, resolved: 0, missed: 0, offline: 0 }
  const days: AnalyticsDay[] = dates(from, to).map((date) => {
    const r = byDate.get(date)
    if (!r) {
      return { date, conversations: 0, messages: 0, resolved: 0, missed: 0, offline: 0, firstResponse: stats(undefined), csat: { count: 0, mean: null } }
    }
    const w = busiestHours[weekday(date)]!
    r.hours.forEach((n, h) => (w[h]! += n))
    r.ratings.forEach((n, i) => (ratings[i]! += n))
    for (const k of ['conversations', 'visitor', 'agent', 'resolved', 'missed', 'offline'] as const) totals[k] += r[k]
    const day = csat(r.ratings)
    return {
      date,
      conversations: r.conversations,
      messages: r.visitor + r.agent,
      resolved: r.resolved,
      missed: r.missed,
      offline: r.offline,
      firstResponse: stats(r),
      csat: { count: day.count, mean: day.mean },
    }
  })

  const names = new Map(members.map((a) => [a.id, agentName(a)]))
  const frOf = new Map(agentFr.map((r) => [r.agent_id, r]))
  const figures = new Map(perAgent.map((r) => [r.agent_id, r]))
  // Every member of the site (with zeros when idle), and anyone in the data who no longer is.
  const ids = new Set([...members.map((a) => a.id), ...figures.keys()])
  const agents: AgentAnalytics[] = [...ids].map((agentId) => {
    const f = figures.get(agentId)
    const ratingCount = f?.rating_count ?? 0
    return {
      agentId,
      name: names.get(agentId) ?? 'Former agent',
      handled: f?.handled ?? 0,
      messages: f?.messages ?? 0,
      firstResponse: stats(frOf.get(agentId)),
      csat: { count: ratingCount, mean: ratingCount > 0 ? f!.rating_sum / ratingCount : null },
    }
  })
  agents.sort((a, b) => b.handled - a.handled || b.messages - a.messages || a.name.localeCompare(b.name) || a.agentId.localeCompare(b.agentId))

  return {
    siteId,
    timezone: zoneRow!.zone,
    from,
    to,
    conversations: totals.conversations,
    messages: { total: totals.visitor + totals.agent, visitor: totals.visitor, agent: totals.agent },
    resolved: totals.resolved,
    missed: totals.missed,
    offline: totals.offline,
    firstResponse: stats(overall.find((r) => r.kind === 'fr')),
    resolution: stats(overall.find((r) => r.kind === 'res')),
    csat: csat(ratings),
    busiestHours,
    days,
    agents,
    sla: await slaReport(tx, siteId, zoneRow!.zone, from, to, names),
  }
}
