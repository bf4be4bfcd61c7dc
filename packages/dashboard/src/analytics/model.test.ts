import { assert } from '../../../../test/browser/helpers.js'
import { addDays, busiest, csatSummary, dayCount, formatDuration, heatLevel, presetRange, rangeProblem } from './model.js'

describe('formatDuration', () => {
  it('says a duration in at most two units, leaving out a smaller unit of 0', () => {
    const cases: [number | null, string][] = [
      [null, '—'],
      [0, '0s'],
      [0.4, '0s'],
      [45, '45s'],
      [59.6, '1m'],
      [80, '1m 20s'],
      [120, '2m'],
      [3_600, '1h'],
      [7_500, '2h 5m'],
      [7_530, '2h 5m'],
      [93_784, '1d 2h'],
    ]
    for (const [seconds, words] of cases) assert(formatDuration(seconds) === words, `${seconds}s → ${formatDuration(seconds)}, expected ${words}`)
  })
})

describe('presetRange', () => {
  it('ends today in the site’s time zone, on either side of the date line', () => {
    const now = new Date('2026-11-30T23:30:00Z')
    const tokyo = presetRange(30, 'Asia/Tokyo', now)
    assert(tokyo.to === '2026-12-01' && tokyo.from === '2026-11-02', `Tokyo: ${JSON.stringify(tokyo)}`)
    const la = presetRange(7, 'America/Los_Angeles', now)
    assert(la.to === '2026-11-30' && la.from === '2026-11-24', `Los Angeles: ${JSON.stringify(la)}`)
  })

  it('counts calendar days across a DST change (a 23-hour day is one day)', () => {
    // Europe/Paris moves to summer time on 2026-03-29 at 01:00 UTC.
    const range = presetRange(7, 'Europe/Paris', new Date('2026-03-29T22:30:00Z'))
    assert(range.from === '2026-03-24' && range.to === '2026-03-30', `range: ${JSON.stringify(range)}`)
    assert(dayCount({ from: '2026-03-28', to: '2026-03-30' }) === 3, 'three days over the change')
    assert(addDays('2026-10-24', 2) === '2026-10-26', 'and over the change back')
  })
})

describe('rangeProblem', () => {
  it('refuses a reversed range, a missing date and more than the server reports on', () => {
    assert(rangeProblem({ from: '2026-11-02', to: '2026-11-01' }).includes('before'), 'reversed')
    assert(rangeProblem({ from: '', to: '2026-11-01' }) !== '', 'missing')
    assert(rangeProblem({ from: '2025-11-01', to: '2026-11-03' }) !== '', 'more than 366 days apart')
    assert(rangeProblem({ from: '2025-11-01', to: '2026-11-02' }) === '', '366 days apart is fine (the server’s limit)')
    assert(rangeProblem({ from: '2026-11-01', to: '2026-11-01' }) === '', 'one day')
  })
})

describe('heat grid', () => {
  it('gives no colour to empty hours, the darkest to the busiest, and names the busiest hour', () => {
    assert(heatLevel(0, 10) === 0 && heatLevel(1, 10) === 1 && heatLevel(10, 10) === 4 && heatLevel(6, 10) === 3, 'levels')
    const grid = Array.from({ length: 7 }, () => Array<number>(24).fill(0))
    grid[1]![14] = 5
    grid[4]![9] = 2
    const top = busiest(grid)
    assert(top?.weekday === 'Tuesday' && top.hour === 14 && top.count === 5, `busiest: ${JSON.stringify(top)}`)
    assert(busiest(Array.from({ length: 7 }, () => Array<number>(24).fill(0))) === null, 'none when empty')
  })
})

describe('csatSummary', () => {
  it('says how many ratings, their mean and each score', () => {
    const s = csatSummary({ count: 3, mean: 4, distribution: [0, 0, 1, 1, 1] })
    assert(/3 ratings/.test(s) && /mean 4[.,]0 of 5/.test(s) && /1 star: 0/.test(s) && /5 stars: 1/.test(s), s)
    assert(/no ratings/.test(csatSummary({ count: 0, mean: null, distribution: [0, 0, 0, 0, 0] })), 'empty')
  })
})
