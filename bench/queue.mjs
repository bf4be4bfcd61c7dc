// Queue: how close the wait estimate visitors see is to the wait they really have.
//
// Generates two days of a busy site (BENCH_QUEUE_SEED, 1): visitors arrive by a daily curve
// (quiet at night, peaks late morning and afternoon, about 1,000 chats a day), agents work
// shifts (1 at night, up to 7 in the afternoon overlap, 2 to 4 chats at once each), chats take
// a log-normal handling time (median 6 min) and now and then one is left open for hours, and a
// waiting visitor gives up after a while (exponential patience, mean 15 min). Routing is the
// server's: the least busy available agent with a free slot takes the oldest waiting chat.
// The first day only builds the history; on the second, each visitor who has to wait is shown
// the estimate the server would show, made by the server's own functions
// (packages/server/dist/queue/estimate.js) from the same inputs (the last 200 handling times
// of the last 7 days, the available agents' slots and their chats now), and it is compared with
// the time until an agent took the chat. Visitors who gave up have no actual wait and are left
// out (counted). Prints the median and p90 absolute error, at joining and at every position
// update, and the same for a naive estimate: the median wait of the last 200 who waited, whatever their position.
import { estimateWait, handlingTime, HISTORY_DAYS, HISTORY_SAMPLES } from '../packages/server/dist/queue/estimate.js'
import { envNumber, quantile, round, verdict } from './lib/stats.mjs'

export const name = 'queue'

/** Goals: the estimate's median absolute error at joining, and its p90 (seconds). */
const GOAL_MEDIAN_S = 120
const GOAL_P90_S = 480

const DAY = 86_400

/** mulberry32: a small seeded generator, so every run replays the same day. */
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Arrivals per minute at second `t` of a day: a night floor and two daytime peaks. */
const bump = (h, at, width, height) => height * Math.exp(-((h - at) ** 2) / (2 * width ** 2))
const arrivalRate = (t) => {
  const h = (t % DAY) / 3600
  return 0.08 + bump(h, 11, 2.2, 1.2) + bump(h, 15.5, 2.5, 1.05) + bump(h, 20, 1.5, 0.45)
}

/** Shifts: [start hour, end hour, chats at once]. */
const SHIFTS = [
  [0, 8, 3],
  [7, 15, 3], [7, 15, 3], [8, 16, 2], [9, 17, 4],
  [12, 20, 3], [13, 21, 2], [14, 22, 3],
  [16, 24, 3], [18, 24, 2],
]

export function simulate(seed = 1, days = 2) {
  const random = rng(seed)
  const exp = (mean) => -Math.log(1 - random()) * mean
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const handling = () => (random() < 0.03 ? 2 * 3600 + exp(3600) : 360 * Math.exp(0.7 * normal()))

  // The events: arrivals (thinned Poisson), shift starts and ends, chat ends, give-ups.
  const events = []
  const push = (e) => {
    let lo = 0
    let hi = events.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (events[mid].t <= e.t) lo = mid + 1
      else hi = mid
    }
    events.splice(lo, 0, e)
  }
  const peak = 2.6 / 60
  for (let t = exp(1 / peak); t < days * DAY; t += exp(1 / peak)) if (random() < arrivalRate(t) / 60 / peak) push({ t, kind: 'arrive' })
  const agents = []
  for (let d = 0; d < days; d++) {
    for (const [start, end, slots] of SHIFTS) {
      const agent = { id: agents.length, slots, busy: 0, on: false, lastAssigned: -1 }
      agents.push(agent)
      push({ t: d * DAY + start * 3600, kind: 'on', agent })
      push({ t: d * DAY + end * 3600, kind: 'off', agent })
    }
  }

  const queue = []
  /** Handling times as the server finds them: [end time, seconds], in order of ending. */
  const history = []
  const samples = (now) => {
    const out = []
    for (let i = history.length - 1; i >= 0 && out.length < HISTORY_SAMPLES; i--) {
      if (history[i][0] < now - HISTORY_DAYS * DAY) break
      out.push(history[i][1])
    }
    return out
  }
  const capacity = () => {
    let slots = 0
    let busy = 0
    for (const a of agents) if (a.on) ((slots += a.slots), (busy += a.busy))
    return { slots, busy }
  }
  /** The waits of the visitors who had to wait, for the naive estimate. */
  const waits = []
  const chats = []
  const measureFrom = (days - 1) * DAY

  /** The server's estimate for everyone waiting, as the queue service pushes it on each change. */
  const announce = (now) => {
    if (queue.length === 0) return
    const h = handlingTime(samples(now))
    const cap = capacity()
    const recentWaits = waits.slice(-HISTORY_SAMPLES)
    queue.forEach((chat, i) => {
      const estimate = estimateWait(i + 1, cap, h)
      if (chat.joinEstimate === undefined) {
        chat.joinEstimate = estimate
        chat.naive = recentWaits.length > 0 ? quantile(recentWaits, 0.5) : null
      }
      chat.updates.push([now, estimate])
    })
  }
  const route = (now) => {
    while (queue.length > 0) {
      let best = null
      for (const a of agents) if (a.on && a.busy < a.slots && (!best || a.busy < best.busy || (a.busy === best.busy && a.lastAssigned < best.lastAssigned))) best = a
      if (!best) break
      const chat = queue.shift()
      best.busy++
      best.lastAssigned = now
      chat.assignedAt = now
      if (now > chat.t) waits.push(now - chat.t)
      const took = handling()
      push({ t: now + took, kind: 'end', agent: best, took })
    }
  }

  while (events.length > 0) {
    const e = events.shift()
    const now = e.t
    if (e.kind === 'arrive') {
      const chat = { t: now, updates: [], assignedAt: undefined, gaveUp: false }
      if (now >= measureFrom) chats.push(chat)
      queue.push(chat)
      route(now)
      if (chat.assignedAt === undefined) push({ t: now + exp(900), kind: 'give-up', chat })
    } else if (e.kind === 'give-up') {
      const i = queue.indexOf(e.chat)
      if (i < 0) continue
      queue.splice(i, 1)
      e.chat.gaveUp = true
    } else if (e.kind === 'end') {
      e.agent.busy--
      history.push([now, e.took])
      route(now)
    } else {
      e.agent.on = e.kind === 'on'
      route(now)
    }
    announce(now)
  }
  return chats
}

export async function run() {
  const seed = envNumber('BENCH_QUEUE_SEED', 1)
  const chats = simulate(seed)
  const waited = chats.filter((c) => c.joinEstimate !== undefined)
  const served = waited.filter((c) => c.assignedAt !== undefined)
  const known = served.filter((c) => c.joinEstimate !== null)
  const joinErr = known.map((c) => Math.abs(c.joinEstimate - (c.assignedAt - c.t)))
  const naiveErr = served.filter((c) => c.naive !== null).map((c) => Math.abs(c.naive - (c.assignedAt - c.t)))
  const updateErr = served.flatMap((c) => c.updates.filter(([, e]) => e !== null).map(([at, e]) => Math.abs(e - (c.assignedAt - at))))
  const actual = served.map((c) => c.assignedAt - c.t)
  const row = (label, errs) => ({ label, count: errs.length, medianErrorS: round(quantile(errs, 0.5), 0), p90ErrorS: round(quantile(errs, 0.9), 0) })
  const rows = [row('estimate at joining', joinErr), row('estimate at every update', updateErr), row('naive (median recent wait)', naiveErr)]
  const ok = rows[0].medianErrorS <= GOAL_MEDIAN_S && rows[0].p90ErrorS <= GOAL_P90_S
  console.log(`one day: ${chats.length} chats, ${waited.length} had to wait (actual wait median ${round(quantile(actual, 0.5), 0)} s, p90 ${round(quantile(actual, 0.9), 0)} s), ${waited.length - served.length} gave up, ${served.length - known.length} had no estimate`)
  console.table(rows.map((r) => ({ estimate: r.label, waits: r.count, 'median |error| s': r.medianErrorS, 'p90 |error| s': r.p90ErrorS })))
  console.log(`goal: median |error| ≤ ${GOAL_MEDIAN_S} s and p90 ≤ ${GOAL_P90_S} s at joining: ${verdict(ok)}`)
  return {
    name,
    ok,
    chats: chats.length,
    waited: waited.length,
    gaveUp: waited.length - served.length,
    actualWaitMedianS: round(quantile(actual, 0.5), 0),
    actualWaitP90S: round(quantile(actual, 0.9), 0),
    rows,
  }
}
