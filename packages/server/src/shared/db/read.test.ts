// The reads' timestamptz parser (read.ts `timestamptz`): the same instant as node-postgres's own
// (postgres-date) for every shape Postgres prints, by position where it can, by postgres-date where not.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { timestamptz } from './read.js'

const postgresDate = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (v: string) => Date | number
const same = (v: string) => {
  const ours = timestamptz(v)
  const theirs = postgresDate(v)
  return ours instanceof Date && theirs instanceof Date ? [ours.getTime(), theirs.getTime()] : [ours, theirs]
}

describe('timestamptz', () => {
  it('reads what Postgres prints as postgres-date does: fractions, offsets, and the shapes it leaves to postgres-date', () => {
    const printed = [
      '2026-12-07 23:56:20+00',
      '2026-12-07 23:56:20.009+00',
      '2026-12-07 23:56:20.5+00',
      '2026-12-07 23:56:20.12+00',
      '2026-12-07 23:56:20.123456+00',
      '2026-12-07 23:56:20.999999-08',
      '2026-12-07 23:56:20+05:30',
      '2026-02-28 23:30:00.25-09:30',
      '2024-02-29 00:00:00+14',
      '1970-01-01 00:00:00+00',
      '0100-01-01 00:00:00+00',
      // postgres-date's alone: a year before 100 (Date.UTC would make it 19xx), BC, five digits, an offset with seconds, infinity
      '0099-06-15 12:00:00+00',
      '0001-01-01 00:00:00+00 BC',
      '12026-12-07 23:56:20+00',
      '1900-01-01 00:00:00+00:09:21',
      'infinity',
      '-infinity',
    ]
    for (const v of printed) {
      const [ours, theirs] = same(v)
      expect(ours, v).toEqual(theirs)
    }
    expect(timestamptz('2026-12-07 23:56:20.123456+00')).toEqual(new Date('2026-12-07T23:56:20.123Z'))
    expect(timestamptz('2026-12-07 23:56:20+05:30')).toEqual(new Date('2026-12-07T18:26:20Z'))
  })

  it('gives a shape it does not know to postgres-date, whatever that makes of it', () => {
    for (const v of ['2026-12-07 23:56:20.+00', '2026-12-07 23:56:20+0', '2026-12-07 23:56:20 +00', '2026-1x-07 23:56:20+00', '2026-12-07 23:56:20.1234567+00']) {
      const [ours, theirs] = same(v)
      expect(Number.isNaN(ours) ? NaN : ours, v).toEqual(Number.isNaN(theirs) ? NaN : theirs)
    }
  })
})
