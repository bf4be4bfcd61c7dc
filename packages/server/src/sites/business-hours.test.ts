import { describe, expect, it } from 'vitest'
import { addBusinessMinutes, openByClock, wallClock, withinBusinessHours, type OpeningHours } from './business-hours.js'

const at = (iso: string) => new Date(iso)
const nineToFive = (...days: string[]): OpeningHours => Object.fromEntries(days.map((d) => [d, [{ start: '09:00', end: '17:00' }]]))
const WEEKDAYS = nineToFive('mon', 'tue', 'wed', 'thu', 'fri')

describe('withinBusinessHours', () => {
  // 2026-11-23 is a Monday; 2026-11-28 a Saturday.
  it('on a weekday, is open from the start minute and closed from the end minute', () => {
    expect(withinBusinessHours(WEEKDAYS, 'UTC', at('2026-11-23T08:59:59Z'))).toBe(false)
    expect(withinBusinessHours(WEEKDAYS, 'UTC', at('2026-11-23T09:00:00Z'))).toBe(true)
    expect(withinBusinessHours(WEEKDAYS, 'UTC', at('2026-11-23T16:59:59Z'))).toBe(true)
    expect(withinBusinessHours(WEEKDAYS, 'UTC', at('2026-11-23T17:00:00Z'))).toBe(false)
  })

  it('on a day without ranges, is closed all day', () => {
    expect(withinBusinessHours(WEEKDAYS, 'UTC', at('2026-11-28T12:00:00Z'))).toBe(false)
    expect(withinBusinessHours({}, 'UTC', at('2026-11-23T12:00:00Z'))).toBe(false)
  })

  it('uses the weekday of the site’s time zone, not of UTC', () => {
    // Monday 23:30 UTC is already Tuesday 08:30 in Tokyo and still Monday 18:30 in New York.
    const mondayOnly = nineToFive('mon')
    expect(withinBusinessHours(nineToFive('tue'), 'Asia/Tokyo', at('2026-11-23T23:30:00Z'))).toBe(false)
    expect(withinBusinessHours(nineToFive('tue'), 'Asia/Tokyo', at('2026-11-24T00:30:00Z'))).toBe(true) // Tue 09:30
    expect(withinBusinessHours(mondayOnly, 'America/New_York', at('2026-11-24T01:30:00Z'))).toBe(false) // Mon 20:30
    expect(withinBusinessHours(mondayOnly, 'America/New_York', at('2026-11-23T14:30:00Z'))).toBe(true) // Mon 09:30
  })

  it('with several ranges in a day, is closed in the gap between them', () => {
    const split: OpeningHours = { mon: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }] }
    expect(withinBusinessHours(split, 'UTC', at('2026-11-23T11:59:00Z'))).toBe(true)
    expect(withinBusinessHours(split, 'UTC', at('2026-11-23T12:30:00Z'))).toBe(false)
    expect(withinBusinessHours(split, 'UTC', at('2026-11-23T13:00:00Z'))).toBe(true)
  })

  it('with an end of 24:00, stays open until midnight', () => {
    const late: OpeningHours = { mon: [{ start: '18:00', end: '24:00' }] }
    expect(withinBusinessHours(late, 'UTC', at('2026-11-23T23:59:00Z'))).toBe(true)
    expect(withinBusinessHours(late, 'UTC', at('2026-11-24T00:00:00Z'))).toBe(false)
  })

  it('with a range past midnight, is open until its end on the next day, which belongs to the day it started', () => {
    const friNight: OpeningHours = { fri: [{ start: '22:00', end: '02:00' }] }
    // 2026-11-27 is a Friday.
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-27T21:59:00Z'))).toBe(false)
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-27T23:00:00Z'))).toBe(true)
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-28T01:59:00Z'))).toBe(true) // Saturday morning
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-28T02:00:00Z'))).toBe(false)
    // Saturday night has no range of its own.
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-28T23:00:00Z'))).toBe(false)
    expect(withinBusinessHours(friNight, 'UTC', at('2026-11-29T01:00:00Z'))).toBe(false)
  })

  it('on a holiday, is closed all day, and so is the part of the day before’s overnight range that falls on it', () => {
    const everyDay: OpeningHours = { ...nineToFive('fri', 'sat'), fri: [{ start: '20:00', end: '03:00' }] }
    // Christmas 2026 is a Friday.
    expect(withinBusinessHours(everyDay, 'UTC', at('2026-12-25T21:00:00Z'), ['2026-12-25'])).toBe(false)
    expect(withinBusinessHours(everyDay, 'UTC', at('2026-12-26T01:00:00Z'), ['2026-12-25'])).toBe(false) // the holiday's own night
    expect(withinBusinessHours(everyDay, 'UTC', at('2026-12-26T10:00:00Z'), ['2026-12-25'])).toBe(true) // Saturday is a normal day
    expect(withinBusinessHours(everyDay, 'UTC', at('2026-12-26T01:00:00Z'), ['2026-12-26'])).toBe(false) // Friday's night on a Saturday holiday
    expect(withinBusinessHours(everyDay, 'UTC', at('2026-12-26T01:00:00Z'))).toBe(true)
  })

  it('reads holidays as dates of the site’s time zone', () => {
    // 2026-12-24 23:30 UTC is already 2026-12-25 08:30 in Tokyo.
    const hours = nineToFive('thu', 'fri')
    expect(withinBusinessHours(hours, 'Asia/Tokyo', at('2026-12-25T00:30:00Z'), ['2026-12-25'])).toBe(false)
    expect(withinBusinessHours(hours, 'UTC', at('2026-12-24T10:00:00Z'), ['2026-12-25'])).toBe(true)
  })

  describe('on the days clocks change', () => {
    const daily = nineToFive('fri', 'sat', 'sun', 'mon')

    it('in Europe/Berlin (CET → CEST on 2026-03-29, back on 2026-10-25), keeps 09:00 on the wall clock', () => {
      // 07:30 UTC is 08:30 on Saturday (UTC+1) but 09:30 on Sunday (UTC+2).
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-03-28T07:30:00Z'))).toBe(false)
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-03-29T07:30:00Z'))).toBe(true)
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-03-29T15:00:00Z'))).toBe(false) // 17:00 CEST
      // Back to UTC+1: 07:00 UTC is 09:00 on Saturday (CEST) but 08:00 on Sunday (CET).
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-10-24T07:00:00Z'))).toBe(true)
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-10-25T07:00:00Z'))).toBe(false)
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-10-25T07:59:00Z'))).toBe(false) // 08:59 CET
      expect(withinBusinessHours(daily, 'Europe/Berlin', at('2026-10-25T08:00:00Z'))).toBe(true) // 09:00 CET
    })

    it('in Europe/Berlin, a range starting in the skipped hour opens at 03:00 wall clock', () => {
      const night: OpeningHours = { sun: [{ start: '02:30', end: '06:00' }] }
      expect(withinBusinessHours(night, 'Europe/Berlin', at('2026-03-29T00:59:00Z'))).toBe(false) // 01:59 CET
      expect(withinBusinessHours(night, 'Europe/Berlin', at('2026-03-29T01:00:00Z'))).toBe(true) // 03:00 CEST
    })

    it('in America/New_York (EST → EDT on 2026-03-08, back on 2026-11-01), keeps 09:00 on the wall clock', () => {
      expect(withinBusinessHours(daily, 'America/New_York', at('2026-03-07T14:30:00Z'))).toBe(true) // Sat 09:30 EST
      expect(withinBusinessHours(daily, 'America/New_York', at('2026-03-08T13:30:00Z'))).toBe(true) // Sun 09:30 EDT
      expect(withinBusinessHours(daily, 'America/New_York', at('2026-03-08T12:30:00Z'))).toBe(false) // Sun 08:30 EDT
      expect(withinBusinessHours(daily, 'America/New_York', at('2026-11-01T13:30:00Z'))).toBe(false) // Sun 08:30 EST
      expect(withinBusinessHours(daily, 'America/New_York', at('2026-11-01T14:00:00Z'))).toBe(true) // Sun 09:00 EST
    })

    it('in America/New_York, the repeated hour 01:00–02:00 on 2026-11-01 is inside a range twice', () => {
      const early: OpeningHours = { sun: [{ start: '01:00', end: '02:00' }] }
      expect(withinBusinessHours(early, 'America/New_York', at('2026-11-01T05:30:00Z'))).toBe(true) // 01:30 EDT
      expect(withinBusinessHours(early, 'America/New_York', at('2026-11-01T06:30:00Z'))).toBe(true) // 01:30 EST
      expect(withinBusinessHours(early, 'America/New_York', at('2026-11-01T07:00:00Z'))).toBe(false) // 02:00 EST
    })
  })

  it('with an unknown time zone, counts as UTC', () => {
    expect(wallClock(at('2026-11-23T09:15:00Z'), 'Mars/Olympus_Mons')).toEqual({ date: '2026-11-23', weekday: 1, minute: 9 * 60 + 15 })
    expect(withinBusinessHours(WEEKDAYS, 'Mars/Olympus_Mons', at('2026-11-23T09:15:00Z'))).toBe(true)
    expect(withinBusinessHours(WEEKDAYS, 'not a zone', at('2026-11-23T08:15:00Z'))).toBe(false)
  })

  it('skips malformed ranges of an old or hand-edited row instead of failing', () => {
    const junk = { mon: [{ start: '9am', end: '5pm' }, null, { start: '09:00' }, { start: '10:00', end: '10:00' }, { start: '12:00', end: '13:00' }], tue: 'all day' }
    expect(withinBusinessHours(junk as unknown as OpeningHours, 'UTC', at('2026-11-23T10:30:00Z'))).toBe(false)
    expect(withinBusinessHours(junk as unknown as OpeningHours, 'UTC', at('2026-11-23T12:30:00Z'))).toBe(true)
    expect(withinBusinessHours(junk as unknown as OpeningHours, 'UTC', at('2026-11-24T12:30:00Z'))).toBe(false)
  })
})

describe('openByClock', () => {
  const settings = (enabled: boolean) => ({ businessHoursEnabled: enabled, businessHours: WEEKDAYS, timezone: 'UTC', holidays: ['2026-11-26'] })

  it('when business hours are off, is always open', () => {
    expect(openByClock(settings(false), at('2026-11-28T03:00:00Z'))).toBe(true)
    expect(openByClock(null, at('2026-11-28T03:00:00Z'))).toBe(true)
  })

  it('when they are on, follows the hours and the holidays', () => {
    expect(openByClock(settings(true), at('2026-11-23T10:00:00Z'))).toBe(true)
    expect(openByClock(settings(true), at('2026-11-28T10:00:00Z'))).toBe(false)
    expect(openByClock(settings(true), at('2026-11-26T10:00:00Z'))).toBe(false) // a Thursday holiday
    expect(openByClock({ ...settings(true), businessHours: null, holidays: null }, at('2026-11-23T10:00:00Z'))).toBe(false)
  })
})

describe('addBusinessMinutes (SLA due times)', () => {
  const hours = (businessHours: OpeningHours, timezone = 'UTC', holidays: string[] = []) => ({ businessHoursEnabled: true, businessHours, timezone, holidays })
  const due = (settings: Parameters<typeof addBusinessMinutes>[0], start: string, minutes: number) => addBusinessMinutes(settings, at(start), minutes)?.toISOString() ?? null

  it('counts every minute when business hours are off', () => {
    expect(due(null, '2026-11-28T12:00:00.000Z', 90)).toBe('2026-11-28T13:30:00.000Z')
    expect(due({ ...hours(WEEKDAYS), businessHoursEnabled: false }, '2026-11-28T12:00:00.000Z', 30)).toBe('2026-11-28T12:30:00.000Z')
  })

  it('counts open minutes only: within a day, across the night and across the weekend', () => {
    expect(due(hours(WEEKDAYS), '2026-11-23T10:00:00.000Z', 30)).toBe('2026-11-23T10:30:00.000Z')
    expect(due(hours(WEEKDAYS), '2026-11-23T16:50:00.000Z', 30)).toBe('2026-11-24T09:20:00.000Z')
    // Friday 16:50 + 30 business minutes: Monday 09:20.
    expect(due(hours(WEEKDAYS), '2026-11-27T16:50:00.000Z', 30)).toBe('2026-11-30T09:20:00.000Z')
    // Started on Saturday: the clock starts Monday 09:00.
    expect(due(hours(WEEKDAYS), '2026-11-28T12:00:00.000Z', 60)).toBe('2026-11-30T10:00:00.000Z')
    // Two whole business days (16 hours) from Monday 09:00.
    expect(due(hours(WEEKDAYS), '2026-11-23T09:00:00.000Z', 16 * 60)).toBe('2026-11-24T17:00:00.000Z')
    // Seconds are kept.
    expect(due(hours(WEEKDAYS), '2026-11-23T10:00:30.500Z', 1)).toBe('2026-11-23T10:01:30.500Z')
  })

  it('skips holidays, and counts overnight ranges on both days', () => {
    expect(due(hours(WEEKDAYS, 'UTC', ['2026-11-24']), '2026-11-23T16:50:00.000Z', 30)).toBe('2026-11-25T09:20:00.000Z')
    const night = hours({ fri: [{ start: '22:00', end: '02:00' }] })
    expect(due(night, '2026-11-27T23:30:00.000Z', 60)).toBe('2026-11-28T00:30:00.000Z')
    expect(due(night, '2026-11-28T01:30:00.000Z', 60)).toBe('2026-12-04T22:30:00.000Z')
  })

  it('works on the wall clock of the site, daylight saving included', () => {
    // New York, 9 to 5: Monday 2026-11-23 16:30 local (21:30Z) + 60 minutes = Tuesday 09:30 local (14:30Z).
    expect(due(hours(WEEKDAYS, 'America/New_York'), '2026-11-23T21:30:00.000Z', 60)).toBe('2026-11-24T14:30:00.000Z')
    // Across the change to winter time (Sunday 2026-11-01): Friday 16:30 EDT (20:30Z) + 60 = Monday 09:30 EST (14:30Z).
    expect(due(hours(WEEKDAYS, 'America/New_York'), '2026-10-30T20:30:00.000Z', 60)).toBe('2026-11-02T14:30:00.000Z')
  })

  it('is never due when the site never opens', () => {
    expect(due(hours({}), '2026-11-23T10:00:00.000Z', 5)).toBeNull()
  })
})
