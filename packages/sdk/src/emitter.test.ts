import { describe, expect, it, vi } from 'vitest'
import { Emitter } from './emitter.js'

type Events = { message: { text: string }; ready: void; count: number }

describe('Emitter', () => {
  it('calls listeners in the order they were added, with the payload', () => {
    const events = new Emitter<Events>()
    const seen: string[] = []
    events.on('message', (m) => seen.push(`1:${m.text}`))
    events.on('message', (m) => seen.push(`2:${m.text}`))
    events.emit('message', { text: 'hi' })
    expect(seen).toEqual(['1:hi', '2:hi'])
  })

  it('emits payload-less events without an argument', () => {
    const events = new Emitter<Events>()
    const ready = vi.fn()
    events.on('ready', ready)
    events.emit('ready')
    expect(ready).toHaveBeenCalledOnce()
  })

  it('on() returns a function that removes the listener', () => {
    const events = new Emitter<Events>()
    const fn = vi.fn()
    const stop = events.on('count', fn)
    events.emit('count', 1)
    stop()
    events.emit('count', 2)
    expect(fn.mock.calls).toEqual([[1]])
    expect(events.listenerCount('count')).toBe(0)
  })

  it('off() removes a listener and leaves the others', () => {
    const events = new Emitter<Events>()
    const a = vi.fn()
    const b = vi.fn()
    events.on('count', a)
    events.on('count', b)
    events.off('count', a)
    events.emit('count', 1)
    expect(a).not.toHaveBeenCalled()
    expect(b).toHaveBeenCalledWith(1)
  })

  it('once() fires a single time, and can be removed with off() before it fires', () => {
    const events = new Emitter<Events>()
    const fn = vi.fn()
    events.once('count', fn)
    events.emit('count', 1)
    events.emit('count', 2)
    expect(fn.mock.calls).toEqual([[1]])

    const never = vi.fn()
    events.once('count', never)
    events.off('count', never)
    events.emit('count', 3)
    expect(never).not.toHaveBeenCalled()
  })

  it('when a listener throws, the other listeners still run and the error is reported', () => {
    const report = vi.fn()
    const events = new Emitter<Events>(report)
    const after = vi.fn()
    const boom = new Error('boom')
    events.on('count', () => {
      throw boom
    })
    events.on('count', after)
    expect(() => events.emit('count', 1)).not.toThrow()
    expect(after).toHaveBeenCalledWith(1)
    expect(report).toHaveBeenCalledWith(boom, 'count')
  })

  it('reports rejected promises returned by async listeners', async () => {
    const report = vi.fn()
    const events = new Emitter<Events>(report)
    const boom = new Error('later')
    events.on('count', async () => {
      throw boom
    })
    events.emit('count', 1)
    await vi.waitFor(() => expect(report).toHaveBeenCalledWith(boom, 'count'))
  })

  it('by default reports listener errors with console.error', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const events = new Emitter<Events>()
    events.on('ready', () => {
      throw new Error('x')
    })
    events.emit('ready')
    expect(spy).toHaveBeenCalledOnce()
    spy.mockRestore()
  })

  it('a listener removing itself while emitting does not skip the next one', () => {
    const events = new Emitter<Events>()
    const second = vi.fn()
    const stop = events.on('count', () => stop())
    events.on('count', second)
    events.emit('count', 1)
    expect(second).toHaveBeenCalledOnce()
  })
})
