import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Drain } from './drain.js'

/** A socket as the gate sees one: an emitter of 'disconnect'. */
const socket = () => new EventEmitter()

describe('the drain of socket commands (Drain.commands)', () => {
  it('counts a command until it is acked, and waits for it', async () => {
    const drain = new Drain()
    const gate = drain.commands('visitor')
    const s = socket()
    const replies: unknown[] = []
    const ack = gate.enter(s, 'message:send', (r) => replies.push(r))!
    expect([drain.inFlight, drain.working, s.listenerCount('disconnect')]).toEqual([1, 1, 1])
    let drained: boolean | undefined
    const waiting = drain.drain(5_000).then((ok) => (drained = ok))
    await new Promise((r) => setTimeout(r, 20))
    expect(drained).toBeUndefined()
    ack({ ok: true })
    expect(await waiting).toBe(true)
    expect(replies).toEqual([{ ok: true }])
    expect([drain.inFlight, drain.working, s.listenerCount('disconnect')]).toEqual([0, 0, 0])
  })

  it('does not wait for the commands of a socket that is gone (one listener for them all), but still counts them as working until they answer', async () => {
    const drain = new Drain()
    const s = socket()
    const ack = drain.commands('agent').enter(s, 'conversation:assign', () => undefined)!
    const other = drain.commands('agent').enter(s, 'typing:set', () => undefined)!
    expect([drain.inFlight, s.listenerCount('disconnect')]).toEqual([2, 1])
    s.emit('disconnect')
    expect([drain.inFlight, drain.working, s.listenerCount('disconnect')]).toEqual([0, 2, 0])
    other({ ok: true })
    expect(await drain.drain(1_000)).toBe(true)
    ack({ ok: true })
    expect([drain.inFlight, drain.working]).toEqual([0, 0])
  })

  it('refuses a new command while draining, with a retryable error, and does not let it start', async () => {
    const drain = new Drain()
    await drain.drain(10)
    const replies: unknown[] = []
    expect(drain.commands('visitor').enter(socket(), 'message:send', (r) => replies.push(r))).toBeUndefined()
    expect(replies).toEqual([{ ok: false, error: { code: 'unavailable', message: 'the server is shutting down; retry', retryable: true } }])
    expect(drain.inFlight).toBe(0)
  })
})
