// Analytics: the missed-conversation sweep, the SLA clocks' job, the daily aggregates job, and the admins' reports.
import type { AnalyticsDay, AnalyticsQuery, AnalyticsReport, DurationStats } from '@live-chat/protocol'
import { stringify } from 'csv-stringify/sync'
import type { PresenceService } from '../presence/service.js'
import type { AgentActor, Context } from '../shared/context.js'
import { requireAdmin } from '../sites/service.js'
import { Aggregator, watermark, type AggregatorOptions } from './aggregate.js'
import { MissedSweep } from './missed.js'
import { Periodic } from '../shared/periodic.js'
import { buildReport } from './report.js'
import { DEFAULT_SLA_SWEEP_MS, SlaJob } from '../sla/job.js'

export interface AnalyticsOptions extends AggregatorOptions {
  /** How often each process marks missed conversations (MISSED_SWEEP_MS; default 30 s; 0 = never). */
  missedSweepMs?: number
  /** How often each process settles SLA clocks (SLA_SWEEP_MS; default 15 s; 0 = never). */
  slaSweepMs?: number
  /** How often the daily aggregates are brought up to date (ANALYTICS_INTERVAL_MS; default 60 s; 0 = only before reports). */
  intervalMs?: number
}

export const DEFAULT_MISSED_SWEEP_MS = 30_000
export const DEFAULT_ANALYTICS_INTERVAL_MS = 60_000

export class AnalyticsService {
  readonly missed: MissedSweep
  /** SLA clocks' due times and breaches. */
  readonly sla: SlaJob
  readonly aggregator: Aggregator
  private readonly timers: Periodic[]
  private refreshing: Promise<void> | undefined

  constructor(
    private readonly ctx: Context,
    presence: PresenceService,
    opts: AnalyticsOptions = {},
  ) {
    this.missed = new MissedSweep(ctx, presence)
    this.sla = new SlaJob(ctx, presence)
    this.aggregator = new Aggregator(ctx.db, ctx.log, opts)
    this.timers = [
      new Periodic('missed sweep', opts.missedSweepMs ?? DEFAULT_MISSED_SWEEP_MS, () => this.missed.sweep(), ctx.log),
      new Periodic('SLA clocks', opts.slaSweepMs ?? DEFAULT_SLA_SWEEP_MS, () => this.sla.run(), ctx.log),
      new Periodic('analytics aggregation', opts.intervalMs ?? DEFAULT_ANALYTICS_INTERVAL_MS, () => this.aggregator.run(), ctx.log),
    ]
  }

  start(): void {
    for (const t of this.timers) t.start()
  }

  async stop(): Promise<void> {
    await Promise.all(this.timers.map((t) => t.stop()))
    await this.refreshing
  }

  /**
   * Brings the aggregates up to date before a report. When another node is running the job, the
   * report is served from what is there (its `updatedAt` says how fresh); requests arriving here
   * meanwhile share one run. A failure is logged, and the report is served all the same.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.aggregator
      .run({ waitIfNeverRan: true })
      .then(() => undefined)
      .catch((e: unknown) => this.ctx.log.warn({ err: e }, 'analytics refresh failed; serving the aggregates as they are'))
      .finally(() => {
        this.refreshing = undefined
      })
    return this.refreshing
  }

  /** The site's figures over local days `from`..`to` (admins only). */
  async report(actor: AgentActor, query: AnalyticsQuery): Promise<AnalyticsReport> {
    requireAdmin(actor)
    await this.refresh()
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const report = await buildReport(tx, actor.siteId, query.from, query.to)
      // (null only while the very first run elsewhere has not finished yet)
      const through = await watermark(tx)
      return { ...report, updatedAt: (through ?? new Date(0)).toISOString() }
    })
  }

  /** The report as CSV: one row per day, then a totals row (admins only). */
  async csv(actor: AgentActor, query: AnalyticsQuery): Promise<{ filename: string; body: string }> {
    const r = await this.report(actor, query)
    const total: AnalyticsDay = {
      date: 'total',
      conversations: r.conversations,
      messages: r.messages.total,
      resolved: r.resolved,
      missed: r.missed,
      offline: r.offline,
      firstResponse: r.firstResponse,
      csat: { count: r.csat.count, mean: r.csat.mean },
    }
    const body = stringify([...r.days, total].map(csvRow), { header: true, columns: CSV_COLUMNS, bom: false })
    return { filename: `analytics-${r.from}-to-${r.to}.csv`, body }
  }
}

/** Seconds with one decimal, a CSAT mean with two; empty when there is nothing to measure. */
const round = (v: number | null, digits: number) => (v === null ? '' : String(Number(v.toFixed(digits))))
const seconds = (s: DurationStats) => [s.count, round(s.mean, 1), round(s.median, 1), round(s.p90, 1)]

export const CSV_COLUMNS = [
  'date',
  'conversations',
  'messages',
  'resolved',
  'missed',
  'offline',
  'first_response_count',
  'first_response_mean_s',
  'first_response_median_s',
  'first_response_p90_s',
  'csat_count',
  'csat_mean',
]

function csvRow(d: AnalyticsDay): (string | number)[] {
  return [d.date, d.conversations, d.messages, d.resolved, d.missed, d.offline, ...seconds(d.firstResponse), d.csat.count, round(d.csat.mean, 2)]
}
