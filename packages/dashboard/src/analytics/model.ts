// The analytics page's rules as plain functions: date ranges in the site's time zone, durations
// and figures in words, the heat grid's levels and the charts' text summaries. The elements only
// render what these say.
import type { AnalyticsReport, CsatStats } from '@live-chat/sdk'
import { dayIn } from '../shared/util.js'

/** The preset ranges, in days ending today (in the site's time zone). */
export const PRESETS = [7, 30, 90] as const
export type Preset = (typeof PRESETS)[number]

/** The longest range the server reports on (AnalyticsQuery). */
export const MAX_DAYS = 367

/** Weekdays in the report's order (`busiestHours[0]` is Monday). */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const

export interface DateRange {
  /** YYYY-MM-DD, inclusive. */
  from: string
  /** YYYY-MM-DD, inclusive. */
  to: string
}

/** `day` moved by `n` calendar days (calendar arithmetic: no time zone, no DST). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** Days from `from` to `to`, both counted. */
export function dayCount(range: DateRange): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1
}

/** The last `days` days, today included, in the site's time zone. */
export function presetRange(days: number, timeZone: string, now: Date = new Date()): DateRange {
  const to = dayIn(now, timeZone)
  return { from: addDays(to, -(days - 1)), to }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** Why a custom range cannot be asked for, or '' when it can. */
export function rangeProblem(range: DateRange): string {
  if (!ISO_DAY.test(range.from) || !ISO_DAY.test(range.to)) return 'Pick both dates.'
  if (range.from > range.to) return '“From” must be on or before “To”.'
  if (dayCount(range) > MAX_DAYS) return 'Pick at most a year.'
  return ''
}

/**
 * A duration in seconds for people: `45s`, `1m 20s`, `2h 5m`, `3d 4h` (two units at most; the
 * smaller one left out when it is 0); `—` when there is none.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ]
  const i = units.findIndex(([size]) => s >= size)
  if (i < 0) return '0s'
  const [size, unit] = units[i]!
  const big = Math.floor(s / size)
  const next = units[i + 1]
  const small = next ? Math.floor((s - big * size) / next[0]) : 0
  return small && next ? `${big}${unit} ${small}${next[1]}` : `${big}${unit}`
}

const numberFormat = new Intl.NumberFormat()
const meanFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })

/** A count with the locale's digit grouping. */
/** "92%" (met / settled); "—" when nothing was settled. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`
}

export function formatCount(n: number): string {
  return numberFormat.format(n)
}

/** A CSAT mean (1..5) with one decimal, `—` when there are no ratings. */
export function formatMean(mean: number | null | undefined): string {
  return mean === null || mean === undefined ? '—' : meanFormat.format(mean)
}

/** `Nov 12` for a report day (a calendar date: formatted in UTC so no zone moves it). */
export function dayLabel(day: string, opts: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' }): string {
  return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`))
}

/** `Nov 1, 2026 – Nov 30, 2026`. */
export function rangeLabel(range: DateRange): string {
  const long: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' }
  return range.from === range.to ? dayLabel(range.from, long) : `${dayLabel(range.from, long)} – ${dayLabel(range.to, long)}`
}

/** Nothing happened in the report's range. */
export function isEmpty(r: AnalyticsReport): boolean {
  return r.conversations === 0 && r.messages.total === 0
}

/** The heat grid's colour levels: 0 for none, 1..4 by share of the busiest hour. */
export const HEAT_LEVELS = 4

/** The colour level of a weekday × hour cell. */
export function heatLevel(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0
  return Math.max(1, Math.ceil((value / max) * HEAT_LEVELS))
}

/** The busiest weekday and hour, or null when nothing started in the range. */
export function busiest(grid: number[][]): { weekday: string; hour: number; count: number } | null {
  let best: { weekday: string; hour: number; count: number } | null = null
  grid.forEach((row, d) =>
    row.forEach((count, hour) => {
      if (count > 0 && (!best || count > best.count)) best = { weekday: WEEKDAYS[d]!, hour, count }
    }),
  )
  return best
}

/** `14:00–14:59`. */
export function hourSpan(hour: number): string {
  const h = String(hour).padStart(2, '0')
  return `${h}:00–${h}:59`
}

/** What the conversations-per-day chart shows, in one sentence (its accessible name). */
export function daysSummary(r: AnalyticsReport): string {
  const top = r.days.reduce<AnalyticsReport['days'][number] | null>((best, d) => (d.conversations > (best?.conversations ?? 0) ? d : best), null)
  const most = top ? `, most on ${dayLabel(top.date)} (${formatCount(top.conversations)})` : ''
  return (
    `Conversations per day, ${rangeLabel(r)}: ${formatCount(r.conversations)} in total${most}; ` +
    `${formatCount(r.missed)} missed, ${formatCount(r.offline)} offline messages.`
  )
}

/** `1 star`, `2 stars`. */
export function stars(n: number): string {
  return `${n} ${n === 1 ? 'star' : 'stars'}`
}

/** What the CSAT chart shows, in one sentence (its accessible name). */
export function csatSummary(c: CsatStats): string {
  if (c.count === 0) return 'Customer satisfaction: no ratings in this period.'
  const parts = c.distribution.map((n, i) => `${stars(i + 1)}: ${formatCount(n)}`).join(', ')
  return `Customer satisfaction: ${formatCount(c.count)} ${c.count === 1 ? 'rating' : 'ratings'}, mean ${formatMean(c.mean)} of 5 (${parts}).`
}

/** The CSV file's name for a range. */
export function csvName(prefix: string, range: DateRange): string {
  return `${prefix}-${range.from}-to-${range.to}.csv`
}
