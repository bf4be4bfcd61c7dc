import type { Ack, ErrorBody, SendMessage } from '@live-chat/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveChatError } from './errors.js'
import { Outbox, type OutboxOptions } from './outbox.js'
import { MemoryStorage } from './storage.js'

interface Call {
  payload: SendMessage
  at: number
  resolve: (ack: Ack<string>) => void
  reject: (error: unknown) => void
}

/** A transport that records every call and lets the test answer each one. */
function fakeTransport() {
  const calls: Call[] = []
  const transport = (payload: SendMessage): Promise<Ack<string>> =>
    new Promise((resolve, reject) => calls.push({ payload, at: Date.now(), resolve, reject }))
  return { calls, transport }
}

const ok = (data: string): Ack<string> => ({ ok: true, data })
const fail = (code: ErrorBody['code'], retryable?: boolean): Ack<string> => ({
  ok: false,
  error: { code, message: code, ...(retryable === undefined ? {} : { retryable }) },
})

function makeOutbox(options: Partial<OutboxOptions<SendMessage, string>> = {}) {
  const fake = fakeTransport()
  let n = 0
  const outbox = new Outbox<SendMessage, string>({ transport: fake.transport, generateId: () => `client-${++n}`, ...options })
  return { outbox, calls: fake.calls }
}

/** Lets pending promise callbacks run (and timers due now fire). */
const tick = () => vi.advanceTimersByTimeAsync(0)

const msg = (text: string) => ({ conversationId: 'c1', text })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Outbox', () => {
  it('when connected, sends entries in order, one in flight at a time', async () => {
    const { outbox, calls } = makeOutbox()
    outbox.setConnected(true)
    const results = [outbox.send(msg('a')), outbox.send(msg('b')), outbox.send(msg('c'))]
    await tick()
    expect(calls.map((c) => c.payload.text)).toEqual(['a'])

    calls[0]!.resolve(ok('A'))
    await tick()
    expect(calls.map((c) => c.payload.text)).toEqual(['a', 'b'])

    calls[1]!.resolve(ok('B'))
    await tick()
    calls[2]!.resolve(ok('C'))
    await expect(Promise.all(results)).resolves.toEqual(['A', 'B', 'C'])
    expect(calls.map((c) => c.payload.clientId)).toEqual(['client-1', 'client-2', 'client-3'])
    expect(outbox.pending).toBe(0)
  })

  it('makes the clientId when send is called, before anything goes out', () => {
    const { outbox } = makeOutbox()
    void outbox.send(msg('a'))
    expect(outbox.entries()).toEqual([expect.objectContaining({ clientId: 'client-1', payload: { ...msg('a'), clientId: 'client-1' } })])
  })

  it('after an ack timeout, resends the same entry with the same clientId', async () => {
    const { outbox, calls } = makeOutbox({ ackTimeoutMs: 10_000 })
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    await tick()
    expect(calls).toHaveLength(1)

    await vi.advanceTimersByTimeAsync(10_000) // no ack: timeout
    expect(calls).toHaveLength(1) // waits the first backoff (1 s) before trying again
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toHaveLength(2)
    expect(calls[1]!.payload).toEqual(calls[0]!.payload)
    expect(calls[1]!.payload.clientId).toBe('client-1')

    calls[1]!.resolve(ok('stored'))
    await expect(sent).resolves.toBe('stored')
    expect(outbox.pending).toBe(0)
  })

  it('when an attempt it gave up on succeeds late, resolves the entry once and moves on', async () => {
    const { outbox, calls } = makeOutbox({ ackTimeoutMs: 1_000 })
    outbox.setConnected(true)
    const first = outbox.send(msg('a'))
    const second = outbox.send(msg('b'))
    await vi.advanceTimersByTimeAsync(1_000) // timeout of attempt 1
    await vi.advanceTimersByTimeAsync(1_000) // backoff, attempt 2 of "a"
    expect(calls.map((c) => c.payload.text)).toEqual(['a', 'a'])

    calls[0]!.resolve(ok('A')) // the late ack of attempt 1
    await tick()
    await expect(first).resolves.toBe('A')
    calls[1]!.resolve(ok('A again')) // the server answers the resend with the stored message
    await tick()
    expect(calls.map((c) => c.payload.text)).toEqual(['a', 'a', 'b'])
    calls[2]!.resolve(ok('B'))
    await expect(second).resolves.toBe('B')
    await expect(first).resolves.toBe('A')
  })

  it('a non-retryable error rejects only that entry and the next ones still go out', async () => {
    const { outbox, calls } = makeOutbox()
    const failed = vi.fn()
    outbox.events.on('failed', failed)
    outbox.setConnected(true)
    const a = outbox.send(msg('a'))
    const b = outbox.send(msg('b'))
    b.catch(() => undefined) // rejects before the test awaits it
    const c = outbox.send(msg('c'))
    await tick()
    calls[0]!.resolve(ok('A'))
    await tick()
    calls[1]!.resolve(fail('invalid_state'))
    await tick()
    calls[2]!.resolve(ok('C'))

    await expect(a).resolves.toBe('A')
    await expect(b).rejects.toMatchObject({ name: 'LiveChatError', code: 'invalid_state', retryable: false })
    await expect(c).resolves.toBe('C')
    expect(calls.map((x) => x.payload.text)).toEqual(['a', 'b', 'c'])
    expect(failed).toHaveBeenCalledOnce()
    expect(failed.mock.calls[0]![0]).toMatchObject({ orphan: false, entry: { clientId: 'client-2' } })
  })

  it('sends nothing while disconnected, then each entry exactly once after connecting', async () => {
    const { outbox, calls } = makeOutbox()
    const sends = [outbox.send(msg('a')), outbox.send(msg('b')), outbox.send(msg('c'))]
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls).toHaveLength(0)
    expect(outbox.pending).toBe(3)

    outbox.setConnected(true)
    for (let i = 0; i < 3; i++) {
      await tick()
      calls[i]!.resolve(ok(calls[i]!.payload.text!.toUpperCase()))
    }
    await expect(Promise.all(sends)).resolves.toEqual(['A', 'B', 'C'])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls.map((c) => c.payload.clientId)).toEqual(['client-1', 'client-2', 'client-3'])
  })

  it('a disconnect while in flight leaves the entry queued; the next connect resends it with the same clientId', async () => {
    const { outbox, calls } = makeOutbox()
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    void outbox.send(msg('b'))
    await tick()
    outbox.setConnected(false)
    calls[0]!.reject(new Error('socket has been disconnected'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls).toHaveLength(1)
    expect(outbox.pending).toBe(2)

    outbox.setConnected(true)
    await tick()
    expect(calls).toHaveLength(2)
    expect(calls[1]!.payload.clientId).toBe('client-1')
    calls[1]!.resolve(ok('A'))
    await expect(sent).resolves.toBe('A')
  })

  it('backs off on retryable errors (1 s doubling to 30 s) and a reconnect resets the delay', async () => {
    const { outbox, calls } = makeOutbox()
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    await tick()
    expect(calls).toHaveLength(1)
    // Every attempt fails with a retryable error at once; the next one comes exactly one delay later.
    const delays = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
    for (const [i, delay] of delays.entries()) {
      calls[i]!.resolve(fail('unavailable', true))
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(calls).toHaveLength(i + 1)
      await vi.advanceTimersByTimeAsync(1)
      expect(calls).toHaveLength(i + 2)
    }
    expect(calls.every((c) => c.payload.clientId === 'client-1')).toBe(true)
    expect(outbox.pending).toBe(1)

    // Disconnect and reconnect: the next try is immediate, and the next backoff is 1 s again.
    outbox.setConnected(false)
    outbox.setConnected(true)
    await tick()
    expect(calls).toHaveLength(9)
    calls[8]!.resolve(fail('unavailable', true))
    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toHaveLength(9)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toHaveLength(10)
    calls[9]!.resolve(ok('A'))
    await expect(sent).resolves.toBe('A')
  })

  it('after rate_limited, waits retryAfter seconds when that is longer than the backoff', async () => {
    const { outbox, calls } = makeOutbox()
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    await tick()
    calls[0]!.resolve({ ok: false, error: { code: 'rate_limited', message: 'slow down', retryable: true, retryAfter: 7 } })
    await vi.advanceTimersByTimeAsync(6_999)
    expect(calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toHaveLength(2)
    expect(calls[1]!.payload.clientId).toBe('client-1')
    calls[1]!.resolve(ok('A'))
    await expect(sent).resolves.toBe('A')
  })

  it('treats a transport that throws or rejects as retryable', async () => {
    let n = 0
    const transport = vi.fn(async (): Promise<Ack<string>> => {
      n++
      if (n === 1) throw new Error('boom')
      return ok('A')
    })
    const outbox = new Outbox<SendMessage, string>({ transport })
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(sent).resolves.toBe('A')
    expect(transport).toHaveBeenCalledTimes(2)
  })

  it('reports the pending count whenever it changes', async () => {
    const { outbox, calls } = makeOutbox()
    const counts: number[] = []
    outbox.events.on('pending', ({ pending }) => counts.push(pending))
    void outbox.send(msg('a'))
    void outbox.send(msg('b'))
    outbox.setConnected(true)
    await tick()
    calls[0]!.resolve(ok('A'))
    await tick()
    calls[1]!.resolve(ok('B'))
    await tick()
    expect(counts).toEqual([1, 2, 1, 0])
  })

  it('clear() rejects every queued send with "aborted" and stops sending', async () => {
    const { outbox, calls } = makeOutbox()
    outbox.setConnected(true)
    const a = outbox.send(msg('a'))
    const b = outbox.send(msg('b'))
    a.catch(() => undefined)
    b.catch(() => undefined)
    await tick()
    outbox.clear()
    await expect(a).rejects.toMatchObject({ code: 'aborted' })
    await expect(b).rejects.toMatchObject({ code: 'aborted' })
    calls[0]!.resolve(ok('A')) // a late ack changes nothing
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls).toHaveLength(1)
    expect(outbox.pending).toBe(0)
  })

  it('with persist, keeps queued entries in storage and a new outbox sends them (emitting "sent")', async () => {
    const storage = new MemoryStorage()
    const persist = { storage, key: 'outbox:site' }
    const first = makeOutbox({ persist })
    void first.outbox.send(msg('a')).catch(() => undefined)
    void first.outbox.send(msg('b')).catch(() => undefined)
    expect(JSON.parse(storage.get('outbox:site')!)).toHaveLength(2)

    // "Reload": a new outbox over the same storage.
    const second = makeOutbox({ persist })
    expect(second.outbox.pending).toBe(2)
    const sent = vi.fn()
    second.outbox.events.on('sent', sent)
    second.outbox.setConnected(true)
    await tick()
    expect(second.calls[0]!.payload).toEqual({ ...msg('a'), clientId: 'client-1' })
    second.calls[0]!.resolve(ok('A'))
    await tick()
    second.calls[1]!.resolve(ok('B'))
    await tick()
    expect(sent.mock.calls.map((c) => c[0].result)).toEqual(['A', 'B'])
    expect(storage.get('outbox:site')).toBeNull()
  })

  it('without sends, writes nothing to storage', () => {
    const storage = new MemoryStorage()
    const set = vi.spyOn(storage, 'set')
    const { outbox } = makeOutbox({ persist: { storage, key: 'outbox:site' } })
    outbox.setConnected(true)
    outbox.setConnected(false)
    expect(set).not.toHaveBeenCalled()
  })

  it('uses isRetryable to decide what is retried', async () => {
    const { outbox, calls } = makeOutbox({ isRetryable: (e: LiveChatError) => e.code === 'internal' })
    outbox.setConnected(true)
    const sent = outbox.send(msg('a'))
    sent.catch(() => undefined)
    await tick()
    calls[0]!.resolve(fail('internal'))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toHaveLength(2)
    calls[1]!.resolve(fail('unavailable', true))
    await expect(sent).rejects.toMatchObject({ code: 'unavailable' })
  })
})
