// A generated, seeded data set for the analytics tests, and the answers computed from it
// independently of the server: plain JS over the generated rows, with local days, hours and
// weekdays from Intl.DateTimeFormat (the server uses SQL and AT TIME ZONE).
import crypto from 'node:crypto'
import fc from 'fast-check'
import type pg from 'pg'
import type { AgentAnalytics, AnalyticsDay, AnalyticsReport, CsatStats, DurationStats } from '@live-chat/protocol'

const MIN = 60_000
const HOUR = 60 * MIN
/** The sites' missedAfterMinutes (the default). */
const MISSED_AFTER = 10 * MIN

export interface SiteSpec {
  name: string
  timezone: string
  /** The data's span (UTC instants). */
  from: number
  to: number
  /** Instants next to which many conversations start: local midnights, DST changes. */
  special: number[]
}

/** Three zones: a DST end with a repeated hour, a DST start with a skipped hour, a half-hour offset. */
export const SITES: SiteSpec[] = [
  {
    name: 'New York',
    timezone: 'America/New_York',
    from: Date.parse('2026-10-22T00:00:00Z'),
    to: Date.parse('2026-11-10T00:00:00Z'),
    special: [
      Date.parse('2026-10-31T04:00:00Z'), // Oct 31 00:00 EDT
      Date.parse('2026-11-01T04:00:00Z'), // Nov 1 00:00 EDT (a day of 25 hours)
      Date.parse('2026-11-01T05:30:00Z'), // 01:30 EDT, the first time
      Date.parse('2026-11-01T06:30:00Z'), // 01:30 EST, the second time
      Date.parse('2026-11-02T05:00:00Z'), // Nov 2 00:00 EST
    ],
  },
  {
    name: 'Auckland',
    timezone: 'Pacific/Auckland',
    from: Date.parse('2026-09-17T00:00:00Z'),
    to: Date.parse('2026-10-06T00:00:00Z'),
    special: [
      Date.parse('2026-09-25T12:00:00Z'), // Sep 26 00:00 NZST
      Date.parse('2026-09-26T12:00:00Z'), // Sep 27 00:00 NZST (a day of 23 hours)
      Date.parse('2026-09-26T14:00:00Z'), // 02:00 NZST becomes 03:00 NZDT: 02:xx does not exist
      Date.parse('2026-09-27T11:00:00Z'), // Sep 28 00:00 NZDT
    ],
  },
  {
    name: 'Kolkata',
    timezone: 'Asia/Kolkata',
    from: Date.parse('2026-10-08T00:00:00Z'),
    to: Date.parse('2026-10-22T00:00:00Z'),
    special: [Date.parse('2026-10-14T18:30:00Z'), Date.parse('2026-10-15T18:30:00Z')], // local midnights (+05:30)
  },
]

export interface GenMessage {
  senderType: 'visitor' | 'agent' | 'system'
  senderId: string | null
  private: boolean
  at: number
  /** For system lines: the agent the conversation is assigned to from then on (undefined: no change). */
  assigns?: string
  resolves?: boolean
}

export interface GenConversation {
  id: string
  siteId: string
  visitorId: string
  createdAt: number
  offline: boolean
  messages: GenMessage[]
  resolvedAt: number | null
  closedAt: number | null
  missedAt: number | null
  rating: number | null
  /** The step it is first stored in (1, 2 or 3). */
  step: 1 | 2 | 3
  /** Step 1 stores only what happened before this instant; the rest comes in step 2. */
  cut: number | null
}

/** The conversation as stored at a step: what happened before `upTo`. */
export interface Snapshot {
  id: string
  siteId: string
  visitorId: string
  createdAt: number
  offline: boolean
  messages: (GenMessage & { seq: number })[]
  assignedAgentId: string | null
  firstMessageAt: number | null
  firstResponseAt: number | null
  resolvedAt: number | null
  closedAt: number | null
  missedAt: number | null
  rating: number | null
  status: 'pending' | 'active' | 'resolved' | 'closed'
}

const percent = fc.integer({ min: 0, max: 99 })

const plan = (site: SiteSpec) =>
  fc.record({
    start: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: (site.to - site.from) / 1000 }).map((s) => site.from + s * 1000) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...site.special), fc.integer({ min: -150_000, max: 150_000 })).map(([t, d]) => t + d) },
    ),
    startMs: fc.integer({ min: 0, max: 999 }),
    offline: percent.map((p) => p < 12),
    firstDelayMs: fc.integer({ min: 0, max: 2_000 }),
    answered: percent.map((p) => p < 80),
    assignedUnanswered: fc.boolean(),
    firstResponseS: fc.oneof(fc.integer({ min: 3, max: 400 }), fc.integer({ min: 400, max: 4 * 3600 })),
    responder: fc.integer({ min: 0, max: 2 }),
    transfer: percent.map((p) => p < 15),
    transferTo: fc.integer({ min: 0, max: 2 }),
    gapsS: fc.array(fc.integer({ min: 5, max: 3 * 3600 }), { minLength: 0, maxLength: 7 }),
    note: percent.map((p) => p < 30),
    resolve: percent.map((p) => p < 65),
    resolveS: fc.oneof(fc.integer({ min: 20, max: 3600 }), fc.integer({ min: 3600, max: 3 * 86_400 })),
    closed: fc.boolean(),
    rated: percent.map((p) => p < 55),
    rating: fc.integer({ min: 1, max: 5 }),
    step: percent.map((p): { step: 1 | 2 | 3; split: boolean } => (p < 55 ? { step: 1, split: false } : p < 75 ? { step: 1, split: true } : p < 92 ? { step: 2, split: false } : { step: 3, split: false })),
    cutAt: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  })

/**
 * `perSite` conversations per site, from a fixed seed. `sites[i]` pairs SITES[i] with its
 * database ids; `agents` are the site's three agents (any of them answers, is assigned, rated).
 */
export function generate(sites: { siteId: string; agents: string[]; visitors: string[] }[], perSite: number, seed: number): GenConversation[] {
  const out: GenConversation[] = []
  sites.forEach((ids, i) => {
    const spec = SITES[i]!
    const plans = fc.sample(plan(spec), { seed: seed + i, numRuns: perSite })
    plans.forEach((p, k) => {
      const createdAt = p.start + p.startMs
      const fm = createdAt + p.firstDelayMs
      const messages: GenMessage[] = [{ senderType: 'visitor', senderId: null, private: false, at: fm }]
      let t = fm
      let assigned: string | null = null
      let firstReply: number | null = null
      if (p.answered) {
        const responder = ids.agents[p.responder]!
        assigned = responder
        messages.push({ senderType: 'system', senderId: null, private: false, at: fm + 1_000, assigns: responder })
        t = fm + p.firstResponseS * 1000
        firstReply = t
        messages.push({ senderType: 'agent', senderId: responder, private: false, at: t })
        if (p.note) messages.push({ senderType: 'agent', senderId: responder, private: true, at: t + 1_500 })
        if (p.transfer) {
          assigned = ids.agents[p.transferTo]!
          t += 60_000
          messages.push({ senderType: 'system', senderId: null, private: false, at: t, assigns: assigned })
        }
        p.gapsS.forEach((gap, j) => {
          t += gap * 1000
          messages.push(j % 2 === 0 ? { senderType: 'visitor', senderId: null, private: false, at: t } : { senderType: 'agent', senderId: assigned, private: false, at: t })
        })
      } else if (p.assignedUnanswered && !p.offline) {
        assigned = ids.agents[p.responder]!
        messages.push({ senderType: 'system', senderId: null, private: false, at: fm + 1_000, assigns: assigned })
        for (const gap of p.gapsS.slice(0, 2)) {
          t += gap * 1000
          messages.push({ senderType: 'visitor', senderId: null, private: false, at: t })
        }
      }
      const last = Math.max(...messages.map((m) => m.at))
      const resolvedAt = p.resolve ? last + p.resolveS * 1000 : null
      if (resolvedAt !== null) messages.push({ senderType: 'system', senderId: null, private: false, at: resolvedAt, resolves: true })
      // Missed as the sweep would have it: a live conversation unanswered (and open) at its deadline.
      const deadline = fm + MISSED_AFTER
      const missed = !p.offline && (firstReply === null || firstReply > deadline) && (resolvedAt === null || resolvedAt > deadline)
      messages.sort((a, b) => a.at - b.at)
      const split = p.step.split && messages.length > 1
      out.push({
        id: crypto.randomUUID(),
        siteId: ids.siteId,
        visitorId: ids.visitors[k % ids.visitors.length]!,
        createdAt,
        offline: p.offline,
        messages,
        resolvedAt,
        closedAt: resolvedAt !== null && p.closed ? resolvedAt + HOUR : null,
        missedAt: missed ? deadline + 5_000 : null,
        rating: resolvedAt !== null && p.rated ? p.rating : null,
        step: p.step.step,
        cut: split ? messages[Math.max(1, Math.floor(p.cutAt * messages.length))]!.at : null,
      })
    })
  })
  return out
}

/** What is stored of the conversation once everything before `upTo` happened. */
export function snapshot(c: GenConversation, upTo: number): Snapshot {
  const messages = c.messages.filter((m) => m.at < upTo).map((m, i) => ({ ...m, seq: i + 1 }))
  const before = (t: number | null) => (t !== null && t < upTo ? t : null)
  let assignedAgentId: string | null = null
  for (const m of messages) if (m.assigns) assignedAgentId = m.assigns
  const resolvedAt = before(c.resolvedAt)
  const closedAt = before(c.closedAt)
  return {
    id: c.id,
    siteId: c.siteId,
    visitorId: c.visitorId,
    createdAt: c.createdAt,
    offline: c.offline,
    messages,
    assignedAgentId,
    firstMessageAt: messages.find((m) => m.senderType !== 'system' && !m.private)?.at ?? null,
    firstResponseAt: messages.find((m) => m.senderType === 'agent' && !m.private)?.at ?? null,
    resolvedAt,
    closedAt,
    missedAt: before(c.missedAt),
    rating: resolvedAt !== null ? c.rating : null,
    status: closedAt !== null ? 'closed' : resolvedAt !== null ? 'resolved' : assignedAgentId ? 'active' : 'pending',
  }
}

/** The data set as stored after `step`. */
export function stateAfter(all: GenConversation[], step: 1 | 2 | 3): Snapshot[] {
  return all.filter((c) => c.step <= step).map((c) => snapshot(c, step === 1 && c.cut !== null ? c.cut : Infinity))
}

// ------------------------------------------------------------------ storing (as the owner: no RLS)

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

async function insertMany(client: pg.Client, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const values = chunk.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ')
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat())
  }
}

function messageRow(s: Snapshot, m: Snapshot['messages'][number]): unknown[] {
  const type = m.senderType === 'system' ? 'system' : 'text'
  const metadata = m.assigns ? { event: 'assigned', agentId: m.assigns } : m.resolves ? { event: 'resolved' } : {}
  return [s.siteId, s.id, m.seq, m.senderType, m.senderId, type, m.senderType === 'system' ? null : `message ${m.seq}`, m.private, JSON.stringify(metadata), iso(m.at)]
}
const MESSAGE_COLUMNS = ['site_id', 'conversation_id', 'seq', 'sender_type', 'sender_id', 'message_type', 'content', 'is_private', 'metadata', 'created_at']

function stateColumns(s: Snapshot): Record<string, unknown> {
  const lastSeq = s.messages.length
  const lastPublic = Math.max(0, ...s.messages.filter((m) => !m.private).map((m) => m.seq))
  const lastAt = Math.max(...s.messages.map((m) => m.at))
  return {
    is_offline: s.offline,
    assigned_agent_id: s.assignedAgentId,
    status: s.status,
    rating: s.rating,
    last_seq: lastSeq,
    last_public_seq: lastPublic,
    first_message_at: iso(s.firstMessageAt),
    last_message_at: iso(lastAt),
    last_activity_at: iso(lastAt),
    first_response_at: iso(s.firstResponseAt),
    resolved_at: iso(s.resolvedAt),
    closed_at: iso(s.closedAt),
    missed_at: iso(s.missedAt),
  }
}

/**
 * Stores the new conversations of a step, and (step 2) the rest of those cut in step 1: their
 * new messages and their new state. `updatedAt` is the SQL for updated_at (what the app would
 * stamp: the time of the write).
 */
export async function store(client: pg.Client, all: GenConversation[], step: 1 | 2 | 3, agencyOf: (siteId: string) => string, updatedAt: string): Promise<void> {
  const fresh = all.filter((c) => c.step === step).map((c) => snapshot(c, step === 1 && c.cut !== null ? c.cut : Infinity))
  if (fresh.length > 0) {
    const cols = Object.keys(stateColumns(fresh[0]!))
    const rows = fresh.map((s) => [s.id, s.siteId, agencyOf(s.siteId), s.visitorId, iso(s.createdAt), ...Object.values(stateColumns(s))])
    // updated_at is not a parameter: it is the database's clock, like the app's writes.
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200)
      const width = 5 + cols.length
      const values = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')}, ${updatedAt})`).join(', ')
      await client.query(
        `INSERT INTO mod_chat_conversations (id, site_id, agency_id, visitor_id, created_at, ${cols.join(', ')}, updated_at) VALUES ${values}`,
        chunk.flat(),
      )
    }
    await insertMany(client, 'mod_chat_messages', MESSAGE_COLUMNS, fresh.flatMap((s) => s.messages.map((m) => messageRow(s, m))))
  }
  if (step !== 2) return
  for (const c of all.filter((x) => x.step === 1 && x.cut !== null)) {
    const s = snapshot(c, Infinity)
    const added = s.messages.filter((m) => m.at >= c.cut!)
    await insertMany(client, 'mod_chat_messages', MESSAGE_COLUMNS, added.map((m) => messageRow(s, m)))
    const state = stateColumns(s)
    const sets = Object.keys(state).map((k, i) => `${k} = $${i + 2}`)
    await client.query(`UPDATE mod_chat_conversations SET ${sets.join(', ')}, updated_at = ${updatedAt} WHERE id = $1`, [c.id, ...Object.values(state)])
  }
}

// ------------------------------------------------------------------ the answers, in plain JS

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const formats = new Map<string, Intl.DateTimeFormat>()

/** The local date (YYYY-MM-DD), hour and weekday (0 = Monday) of an instant in `timeZone`. */
export function local(t: number, timeZone: string): { date: string; hour: number; weekday: number; time: string } {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' })
    formats.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]))
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), weekday: WEEKDAYS.indexOf(p.weekday!), time: `${p.hour}:${p.minute}` }
}

/** Linear interpolation between closest ranks (R-7), on sorted values. */
function percentile(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!)
}

function durations(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0, mean: null, median: null, p90: null }
  const sorted = [...values].sort((a, b) => a - b)
  return { count: sorted.length, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) }
}

function csatOf(ratings: number[]): CsatStats {
  const distribution: CsatStats['distribution'] = [0, 0, 0, 0, 0]
  for (const r of ratings) distribution[r - 1]!++
  return { count: ratings.length, mean: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null, distribution }
}

const seconds = (from: number, to: number) => Math.max(0, Math.floor((to - from) / 1000))
const frOf = (s: Snapshot) => (!s.offline && s.firstMessageAt !== null && s.firstResponseAt !== null ? seconds(s.firstMessageAt, s.firstResponseAt) : null)
const resOf = (s: Snapshot) => (!s.offline && s.resolvedAt !== null ? seconds(s.createdAt, s.resolvedAt) : null)

/** Every date from `from` to `to` (inclusive), by calendar arithmetic. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = []
  const d = new Date(`${from}T12:00:00Z`)
  while (d.toISOString().slice(0, 10) <= to) {
    out.push(d.toISOString().slice(0, 10))
    d.setUTCDate(d.getUTCDate() + 1)
  }
  return out
}

export type ExpectedReport = Omit<AnalyticsReport, 'updatedAt'>

/** The report the server should give for the site over `from`..`to`, from the stored state. */
export function expectedReport(state: Snapshot[], siteId: string, timezone: string, agents: { id: string; name: string }[], from: string, to: string): ExpectedReport {
  const inRange = (t: number) => {
    const d = local(t, timezone).date
    return d >= from && d <= to
  }
  const site = state.filter((s) => s.siteId === siteId)
  const convs = site.filter((s) => inRange(s.createdAt))
  const counted = (m: GenMessage) => (m.senderType === 'visitor' || m.senderType === 'agent') && !m.private
  const messages = site.flatMap((s) => s.messages).filter((m) => counted(m) && inRange(m.at))
  const busiestHours = Array.from({ length: 7 }, () => new Array<number>(24).fill(0))
  for (const c of convs) {
    const l = local(c.createdAt, timezone)
    busiestHours[l.weekday]![l.hour]!++
  }
  const days: AnalyticsDay[] = datesBetween(from, to).map((date) => {
    const cs = convs.filter((c) => local(c.createdAt, timezone).date === date)
    const ratings = cs.flatMap((c) => (c.rating !== null ? [c.rating] : []))
    const { count, mean } = csatOf(ratings)
    return {
      date,
      conversations: cs.length,
      messages: messages.filter((m) => local(m.at, timezone).date === date).length,
      resolved: cs.filter((c) => c.resolvedAt !== null).length,
      missed: cs.filter((c) => c.missedAt !== null).length,
      offline: cs.filter((c) => c.offline).length,
      firstResponse: durations(cs.flatMap((c) => frOf(c) ?? [])),
      csat: { count, mean },
    }
  })
  const agentRows: AgentAnalytics[] = agents.map(({ id, name }) => {
    const handled = convs.filter((c) => c.assignedAgentId === id)
    const ratings = handled.flatMap((c) => (c.rating !== null ? [c.rating] : []))
    const { count, mean } = csatOf(ratings)
    const firstReplies = convs.filter((c) => c.messages.find((m) => m.senderType === 'agent' && !m.private)?.senderId === id)
    return {
      agentId: id,
      name,
      handled: handled.length,
      messages: messages.filter((m) => m.senderType === 'agent' && m.senderId === id).length,
      firstResponse: durations(firstReplies.flatMap((c) => frOf(c) ?? [])),
      csat: { count, mean },
    }
  })
  const visitor = messages.filter((m) => m.senderType === 'visitor').length
  return {
    siteId,
    timezone,
    from,
    to,
    conversations: convs.length,
    messages: { total: messages.length, visitor, agent: messages.length - visitor },
    resolved: convs.filter((c) => c.resolvedAt !== null).length,
    missed: convs.filter((c) => c.missedAt !== null).length,
    offline: convs.filter((c) => c.offline).length,
    firstResponse: durations(convs.flatMap((c) => frOf(c) ?? [])),
    resolution: durations(convs.flatMap((c) => resOf(c) ?? [])),
    csat: csatOf(convs.flatMap((c) => (c.rating !== null ? [c.rating] : []))),
    busiestHours,
    days,
    agents: agentRows.sort((a, b) => a.agentId.localeCompare(b.agentId)),
    // The dataset's sites have no SLA policies: no clocks.
    sla: { met: 0, breached: 0, rate: null, byKind: { first_response: { met: 0, breached: 0 }, next_response: { met: 0, breached: 0 }, resolution: { met: 0, breached: 0 } }, agents: [], teams: [] },
  }
}

/** The local days whose figures a change to these conversations touches: their start days and their messages' days. */
export function touchedDays(convs: Snapshot[], timezone: string): string[] {
  const days = new Set<string>()
  for (const c of convs) {
    days.add(local(c.createdAt, timezone).date)
    for (const m of c.messages) days.add(local(m.at, timezone).date)
  }
  return [...days].sort()
}

/** Rounds every number to 6 decimals (the server's doubles come from SQL, the test's from JS). */
export function rounded<T>(v: T): T {
  return JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x)) as T
}
