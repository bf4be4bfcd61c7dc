import type { Ack } from '@live-chat/protocol'
import { Emitter } from './emitter.js'
import { LiveChatError } from './errors.js'
import type { TokenStorage } from './storage.js'
import { uuid } from './uuid.js'

/** Sends one payload and resolves with the server's ack. May also reject (treated as `unavailable`). */
export type OutboxTransport<P, R> = (payload: P) => Promise<Ack<R>>

/** One queued send. */
export interface OutboxEntry<P> {
  /** The idempotency key, fixed when the send was asked for and reused on every attempt. */
  readonly clientId: string
  /** What is sent (includes `clientId`). */
  readonly payload: P
  /** When the send was asked for (ISO 8601). */
  readonly createdAt: string
  /** How many times it was handed to the transport so far. */
  readonly attempts: number
}

/** Events of an {@link Outbox}. */
export interface OutboxEvents<P, R> {
  /** The number of queued entries changed. */
  pending: { pending: number }
  /** An entry was acknowledged by the server and left the queue. */
  sent: { entry: OutboxEntry<P>; result: R }
  /**
   * An entry failed for good (a non-retryable error) and left the queue. `orphan` is true when no
   * promise reports it (an entry restored from storage after a reload).
   */
  failed: { entry: OutboxEntry<P>; error: LiveChatError; orphan: boolean }
}

/** Options for {@link Outbox}. */
export interface OutboxOptions<P, R> {
  transport: OutboxTransport<P, R>
  /** How long to wait for an ack before trying again; default 10 000 ms. */
  ackTimeoutMs?: number
  /** First retry delay after a retryable error or a timeout; default 1 000 ms. */
  initialBackoffMs?: number
  /** Largest retry delay (the delay doubles up to it); default 30 000 ms. */
  maxBackoffMs?: number
  /** Which errors are retried; default: `error.retryable`. Others fail the entry. */
  isRetryable?: (error: LiveChatError) => boolean
  /** Keep queued entries in this storage under `key`, so they survive a reload. */
  persist?: { storage: TokenStorage; key: string }
  /** Makes client ids; default a random UUID. */
  generateId?: () => string
}

interface QueuedEntry<P, R> {
  clientId: string
  payload: P
  createdAt: string
  attempts: number
  /** Absent for entries restored from storage: nobody awaits them. */
  deferred?: { resolve: (result: R) => void; reject: (error: LiveChatError) => void }
}

type Result<R> = { ok: true; data: R } | { ok: false; error: LiveChatError }

/**
 * An ordered queue of idempotent sends: never lost, never doubled.
 *
 * - Each entry gets its `clientId` when {@link send} is called; every retry reuses it (the server
 *   answers a resend with the message it already stored).
 * - Entries go out in order, one in flight at a time, only while connected.
 * - A disconnect leaves the in-flight entry queued; it is sent again on the next connect.
 * - An ack timeout or a retryable error retries the same entry after a backoff (1 s doubling to
 *   30 s by default; reset by a success and by a reconnect). A reconnect retries at once.
 * - A non-retryable error rejects that send's promise, drops the entry and goes on with the next.
 * - A late success for an attempt given up on still counts (the entry resolves once).
 */
export class Outbox<P extends { clientId: string }, R> {
  /** `pending`, `sent` and `failed` events. */
  readonly events = new Emitter<OutboxEvents<P, R>>()

  readonly #transport: OutboxTransport<P, R>
  readonly #ackTimeoutMs: number
  readonly #initialBackoffMs: number
  readonly #maxBackoffMs: number
  readonly #isRetryable: (error: LiveChatError) => boolean
  readonly #persist: { storage: TokenStorage; key: string } | undefined
  readonly #generateId: () => string

  #queue: QueuedEntry<P, R>[] = []
  #connected = false
  #inFlight: { entry: QueuedEntry<P, R>; attempt: number; timer: ReturnType<typeof setTimeout> } | null = null
  #attempts = 0
  #backoffMs: number
  #backoffTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: OutboxOptions<P, R>) {
    this.#transport = options.transport
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 10_000
    this.#initialBackoffMs = options.initialBackoffMs ?? 1_000
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000
    this.#isRetryable = options.isRetryable ?? ((error) => error.retryable)
    this.#persist = options.persist
    this.#generateId = options.generateId ?? uuid
    this.#backoffMs = this.#initialBackoffMs
    this.#restore()
  }

  /** How many entries wait to be acknowledged (including the one in flight). */
  get pending(): number {
    return this.#queue.length
  }

  /** Whether the outbox may send (set with {@link setConnected}). */
  get connected(): boolean {
    return this.#connected
  }

  /** A snapshot of the queued entries, oldest first. */
  entries(): OutboxEntry<P>[] {
    return this.#queue.map(snapshot)
  }

  /**
   * Queues a send. The client id is made now and kept for every retry.
   * @param input    The payload without its `clientId`.
   * @param clientId Use this id instead of a new one (e.g. to resend something the app kept).
   * @returns The server's answer once acknowledged; rejects with a LiveChatError on a
   *          non-retryable error, or `aborted` when {@link clear} drops it.
   */
  send(input: Omit<P, 'clientId'>, clientId: string = this.#generateId()): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const payload = { ...input, clientId } as unknown as P
      this.#queue.push({ clientId, payload, createdAt: new Date().toISOString(), attempts: 0, deferred: { resolve, reject } })
      this.#changed()
      this.#flush()
    })
  }

  /** Tells the outbox whether the transport can carry sends now. Connecting flushes the queue. */
  setConnected(connected: boolean): void {
    if (connected === this.#connected) {
      if (connected) this.#flush()
      return
    }
    this.#connected = connected
    this.#cancelBackoff()
    this.#backoffMs = this.#initialBackoffMs
    if (connected) {
      this.#flush()
    } else if (this.#inFlight) {
      // Its ack (if any) will not come on this connection; a late success is still accepted.
      clearTimeout(this.#inFlight.timer)
      this.#inFlight = null
    }
  }

  /**
   * Drops every queued entry (and the stored copy). Their promises reject with `error`
   * (default: `aborted`).
   */
  clear(error: LiveChatError = new LiveChatError('aborted', 'The outbox was cleared')): void {
    const dropped = this.#queue
    this.#queue = []
    this.#cancelBackoff()
    if (this.#inFlight) clearTimeout(this.#inFlight.timer)
    this.#inFlight = null
    if (dropped.length > 0) this.#changed()
    else this.#persist?.storage.remove(this.#persist.key)
    for (const entry of dropped) entry.deferred?.reject(error)
  }

  #flush(): void {
    if (!this.#connected || this.#inFlight || this.#backoffTimer !== undefined) return
    const entry = this.#queue[0]
    if (!entry) return
    const attempt = ++this.#attempts
    entry.attempts++
    const timer = setTimeout(() => this.#onTimeout(attempt), this.#ackTimeoutMs)
    this.#inFlight = { entry, attempt, timer }
    let sent: Promise<Ack<R>>
    try {
      sent = Promise.resolve(this.#transport(entry.payload))
    } catch (error) {
      sent = Promise.reject(error)
    }
    sent.then(
      (ack) =>
        this.#onResult(entry, attempt, ack.ok ? { ok: true, data: ack.data } : { ok: false, error: LiveChatError.fromBody(ack.error) }),
      (error: unknown) => this.#onResult(entry, attempt, { ok: false, error: LiveChatError.from(error) }),
    )
  }

  #onResult(entry: QueuedEntry<P, R>, attempt: number, result: Result<R>): void {
    const current = this.#inFlight?.attempt === attempt
    if (current && this.#inFlight) {
      clearTimeout(this.#inFlight.timer)
      this.#inFlight = null
    }
    const index = this.#queue.indexOf(entry)
    if (index === -1) {
      // Already settled (by an earlier attempt's late success, or cleared).
      if (current) this.#flush()
      return
    }
    if (result.ok) {
      this.#queue.splice(index, 1)
      this.#cancelBackoff()
      this.#backoffMs = this.#initialBackoffMs
      this.#changed()
      entry.deferred?.resolve(result.data)
      this.events.emit('sent', { entry: snapshot(entry), result: result.data })
      this.#flush()
      return
    }
    // A failure of an attempt we already gave up on says nothing new.
    if (!current) return
    if (this.#isRetryable(result.error)) {
      this.#retryLater()
      return
    }
    this.#queue.splice(index, 1)
    this.#changed()
    entry.deferred?.reject(result.error)
    this.events.emit('failed', { entry: snapshot(entry), error: result.error, orphan: entry.deferred === undefined })
    this.#flush()
  }

  #onTimeout(attempt: number): void {
    if (this.#inFlight?.attempt !== attempt) return
    this.#inFlight = null
    this.#retryLater()
  }

  #retryLater(): void {
    if (!this.#connected) return
    const delay = this.#backoffMs
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#maxBackoffMs)
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined
      this.#flush()
    }, delay)
  }

  #cancelBackoff(): void {
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer)
    this.#backoffTimer = undefined
  }

  #changed(): void {
    this.#save()
    this.events.emit('pending', { pending: this.#queue.length })
  }

  #save(): void {
    if (!this.#persist) return
    const { storage, key } = this.#persist
    if (this.#queue.length === 0) {
      storage.remove(key)
      return
    }
    const stored: StoredEntry[] = this.#queue.map((e) => ({ clientId: e.clientId, payload: e.payload, createdAt: e.createdAt }))
    storage.set(key, JSON.stringify(stored))
  }

  #restore(): void {
    if (!this.#persist) return
    const raw = this.#persist.storage.get(this.#persist.key)
    if (raw === null) return
    try {
      const parsed: unknown = JSON.parse(raw)
      if (!Array.isArray(parsed)) return
      for (const item of parsed as Partial<StoredEntry>[]) {
        const payload = item.payload as { clientId?: unknown } | undefined
        if (typeof item.clientId !== 'string' || typeof payload !== 'object' || payload === null) continue
        if (payload.clientId !== item.clientId) continue
        this.#queue.push({
          clientId: item.clientId,
          payload: payload as unknown as P,
          createdAt: typeof item.createdAt === 'string' ? item.createdAt : new Date().toISOString(),
          attempts: 0,
        })
      }
    } catch {
      // A damaged copy is not worth failing over.
    }
  }
}

interface StoredEntry {
  clientId: string
  payload: unknown
  createdAt: string
}

function snapshot<P>(entry: { clientId: string; payload: P; createdAt: string; attempts: number }): OutboxEntry<P> {
  return { clientId: entry.clientId, payload: entry.payload, createdAt: entry.createdAt, attempts: entry.attempts }
}
