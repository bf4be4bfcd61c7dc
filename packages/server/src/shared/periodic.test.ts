// The timer loop shared by the analytics jobs and the webhook worker: runs never overlap, a kick
// during a run brings the next one forward, stop() waits for the run in progress.
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.js'
import { Periodic } from './periodic.js'

const log = createLogger('silent')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Waits (at most 5 s, for a loaded machine) until `events` holds `n`. */
async function until(events: string[], n: number): Promise<void> {
  for (const end = Date.now() + 5000; events.length < n && Date.now() < end; ) await sleep(5)
}

/** A job that records when it starts and ends, and takes `ms`. */
function recorder(ms: number) {
  const events: string[] = []
  let active = 0
  let overlapped = false
  const job = async () => {
    active++
    overlapped ||= active > 1
    events.push('start')
    await sleep(ms)
    events.push('end')
    active--
  }
  return { events, job, overlapped: () => overlapped }
}

describe('Periodic', () => {
  it('runs every ms, never overlapping, and stop() waits for the run in progress', async () => {
    const r = recorder(30)
    const p = new Periodic('test job', 10, r.job, log)
    p.start()
    await sleep(5)
    expect(r.events).toEqual([])
    await until(r.events, 5)
    await p.stop()
    expect(r.events.length).toBeGreaterThanOrEqual(6)
    expect(r.events.at(-1)).toBe('end')
    expect(r.overlapped()).toBe(false)
    const n = r.events.length
    await sleep(50)
    expect(r.events.length).toBe(n)
  })

  it('with runAtStart runs at once; a kick during a run runs it again right after; ms 0 runs only when kicked', async () => {
    const r = recorder(20)
    const p = new Periodic('test job', 0, r.job, log, { runAtStart: true })
    p.start()
    await sleep(5)
    expect(r.events).toEqual(['start'])
    p.kick()
    p.kick()
    await until(r.events, 4)
    expect(r.events).toEqual(['start', 'end', 'start', 'end'])
    await sleep(40)
    expect(r.events).toHaveLength(4)
    p.kick()
    await sleep(5)
    expect(r.events).toHaveLength(5)
    await p.stop()
    p.kick()
    await sleep(30)
    expect(r.events).toEqual(['start', 'end', 'start', 'end', 'start', 'end'])
    expect(r.overlapped()).toBe(false)
  })

  it('keeps going after a failed run', async () => {
    let runs = 0
    const p = new Periodic('failing job', 5, async () => {
      runs++
      throw new Error('boom')
    }, log)
    p.start()
    for (const end = Date.now() + 5000; runs < 3 && Date.now() < end; ) await sleep(5)
    await p.stop()
    expect(runs).toBeGreaterThanOrEqual(3)
  })
})
