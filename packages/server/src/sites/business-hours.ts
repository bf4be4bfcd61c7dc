// Business hours: whether a site is open at a given moment, on the wall clock of its own time
// zone. Pure functions; the time zone arithmetic (daylight saving included) is Intl's.
//
// The rules, as the settings schema documents them:
// - `hours` maps a weekday (mon … sun) to opening ranges { start: "09:00", end: "17:00" }; start
//   is included, end is not; end may be "24:00". A day without ranges is closed.
// - A range whose end is before its start runs past midnight and belongs to the day it starts
//   on: Friday { start: "22:00", end: "02:00" } is open Friday 22:00–24:00 and Saturday 00:00–02:00.
// - `holidays` are dates (YYYY-MM-DD) in the site's time zone, closed all day: no range of that
//   date applies, nor the part of the day before's overnight range that falls on it.
// - On the days clocks change, the wall clock decides: a range starting in the skipped hour opens
//   at the first minute after it; the repeated hour is inside or outside twice.
// - An unknown time zone counts as UTC (the settings schema accepts only valid ones; this keeps
//   an old or hand-edited row from closing a site for good).

export interface OpeningRange {
  start: string
  end: string
}

export type OpeningHours = Record<string, readonly OpeningRange[] | undefined>

/** What decides whether a site is open by the clock (the widget settings' fields). */
export interface BusinessHoursSettings {
  businessHoursEnabled: boolean
  businessHours: unknown
  timezone: string
  holidays: readonly string[] | null
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const DAY_MINUTES = 24 * 60

/** Whether the site is open by the clock: always, unless business hours are enabled. */
export function openByClock(settings: BusinessHoursSettings | null, now: Date = new Date()): boolean {
  if (!settings?.businessHoursEnabled) return true
  const hours = typeof settings.businessHours === 'object' && settings.businessHours !== null ? (settings.businessHours as OpeningHours) : {}
  return withinBusinessHours(hours, settings.timezone, now, settings.holidays ?? [])
}

/** Whether `now` falls in one of the opening ranges, in `timezone` (UTC when unknown). */
export function withinBusinessHours(hours: OpeningHours, timezone: string, now: Date, holidays: readonly string[] = []): boolean {
  const t = wallClock(now, timezone)
  if (holidays.includes(t.date)) return false
  const today = WEEKDAYS[t.weekday]!
  const yesterday = WEEKDAYS[(t.weekday + 6) % 7]!
  for (const r of ranges(hours[today])) {
    if (r.start < r.end ? t.minute >= r.start && t.minute < r.end : t.minute >= r.start) return true
  }
  if (holidays.includes(dayBefore(t.date))) return false
  // The after-midnight part of yesterday's overnight ranges.
  return ranges(hours[yesterday]).some((r) => r.end < r.start && t.minute < r.end)
}

interface WallClock {
  /** YYYY-MM-DD */
  date: string
  /** 0 = Sunday */
  weekday: number
  /** Minutes since local midnight. */
  minute: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone)
  if (f) return f
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
  } catch {
    f = formatter('UTC') // an unknown time zone (RangeError)
  }
  if (formatters.size > 1_000) formatters.clear()
  formatters.set(timezone, f)
  return f
}

/** The date, weekday and minute of the day that a wall clock in `timezone` shows at `now`. */
export function wallClock(now: Date, timezone: string): WallClock {
  const parts: Record<string, string> = {}
  for (const p of formatter(timezone).formatToParts(now)) parts[p.type] = p.value
  const weekday = WEEKDAYS.findIndex((d) => d === parts['weekday']?.slice(0, 3).toLowerCase())
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday,
    minute: (Number(parts['hour']) % 24) * 60 + Number(parts['minute']),
  }
}

/** The valid ranges of a day in minutes; malformed ones (an old or hand-edited row) are skipped. */
function ranges(day: readonly OpeningRange[] | undefined): { start: number; end: number }[] {
  if (!Array.isArray(day)) return []
  const out: { start: number; end: number }[] = []
  for (const r of day as unknown[]) {
    const start = minutes((r as OpeningRange | null)?.start)
    const end = minutes((r as OpeningRange | null)?.end)
    if (start !== null && end !== null && start !== end && start < DAY_MINUTES) out.push({ start, end })
  }
  return out
}

function minutes(hhmm: unknown): number | null {
  const m = typeof hhmm === 'string' ? /^(\d{2}):(\d{2})$/.exec(hhmm) : null
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return null
  return h * 60 + min
}

function dayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d! - 1)).toISOString().slice(0, 10)
}

/**
 * The moment `minutes` of business time after `start`, by the same rules as withinBusinessHours:
 * only open minutes count (holidays and closed days are skipped, overnight ranges included). Around
 * the clock when business hours are not enabled. Null when the site never opens in the year ahead
 * (no ranges, or every day a holiday): such a target is never due.
 */
export function addBusinessMinutes(settings: BusinessHoursSettings | null, start: Date, minutes: number): Date | null {
  if (!settings?.businessHoursEnabled) return new Date(start.getTime() + minutes * 60_000)
  const hours = typeof settings.businessHours === 'object' && settings.businessHours !== null ? (settings.businessHours as OpeningHours) : {}
  const holidays = settings.holidays ?? []
  const first = wallClock(start, settings.timezone)
  // The start's seconds: a wall clock shows whole minutes.
  const seconds = (start.getTime() % 60_000) / 60_000
  let date = first.date
  let weekday = first.weekday
  let from = first.minute + seconds
  let left = minutes
  for (let day = 0; day < 370; day++) {
    for (const [a, b] of openIntervals(hours, holidays, date, weekday)) {
      const s = Math.max(a, from)
      if (s >= b) continue
      if (b - s >= left) return localTime(date, s + left, settings.timezone)
      left -= b - s
    }
    date = dayAfter(date)
    weekday = (weekday + 1) % 7
    from = 0
  }
  return null
}

/** The open minutes of a local date: [start, end) pairs in order, within 0..1440. */
function openIntervals(hours: OpeningHours, holidays: readonly string[], date: string, weekday: number): [number, number][] {
  if (holidays.includes(date)) return []
  const out: [number, number][] = []
  if (!holidays.includes(dayBefore(date))) {
    for (const r of ranges(hours[WEEKDAYS[(weekday + 6) % 7]!])) if (r.end < r.start) out.push([0, r.end])
  }
  for (const r of ranges(hours[WEEKDAYS[weekday]!])) out.push([r.start, r.end < r.start ? DAY_MINUTES : r.end])
  return out.sort((x, y) => x[0] - y[0])
}

/** The instant a wall clock in `timezone` shows `minute` (may be fractional) of local `date`. */
function localTime(date: string, minute: number, timezone: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const asUtc = Date.UTC(y!, m! - 1, d!) + minute * 60_000
  // The zone's offset at a first guess, then again at the result (a daylight-saving change between).
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timezone)
    const [wy, wm, wd] = w.date.split('-').map(Number)
    return Date.UTC(wy!, wm! - 1, wd!) + w.minute * 60_000 - Math.floor(t / 60_000) * 60_000
  }
  let t = asUtc - offsetAt(asUtc)
  const again = offsetAt(t)
  if (asUtc - again !== t) t = asUtc - again
  return new Date(t)
}

function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d! + 1)).toISOString().slice(0, 10)
}
