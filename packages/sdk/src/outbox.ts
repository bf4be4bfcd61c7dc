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

interface QueuedEntry<P, R> extends OutboxEntry<P> {
  attempts: number
  /** Absent for entries restored from storage: nobody awaits them. */
  deferred?: { resolve: (result: R) => void; reject: (error: LiveChatError) => void }
}

/**
 * An ordered queue of idempotent sends: never lost, never doubled.
 *
 * - Each entry gets its `clientId` when {@link send} is called; every retry reuses it (the server
 *   answers a resend with the message it already stored).
 * - Entries go out in order, one in flight at a time, only while connected.
 * - A disconnect leaves the in-flight entry queued; it is sent again on the next connect.
 * - An ack timeout or a retryable error retries the same entry after a backoff (1 s doubling to
 *   30 s by default; reset by a success and by a reconnect), or after the error's `retryAfter`
 *   (a rate limit) if that is longer. A reconnect retries at once.
 * - A non-retryable error rejects that send's promise, drops the entry and goes on with the next.
 * - A late success for an attempt given up on still counts (the entry resolves once).
 */
export class Outbox<P extends { clientId: string }, R> {
  /** `pending`, `sent` and `failed` events. */
  readonly events = new Emitter<OutboxEvents<P, R>>()

  readonly #options: OutboxOptions<P, R>
  #queue: QueuedEntry<P, R>[] = []
  #connected = false
  /** The attempt waiting for its ack, with its timeout. */
  #inFlight: { timer: ReturnType<typeof setTimeout> } | null = null
  /** Retries since the last success or (re)connect: the backoff doubles with each. */
  #retries = 0
  #backoffTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: OutboxOptions<P, R>) {
    this.#options = options
    const persist = options.persist
    try {
      for (const { clientId, payload, createdAt } of JSON.parse(persist?.storage.get(persist.key) ?? '[]') as Partial<OutboxEntry<{ clientId?: unknown }>>[]) {
        // Only well-formed entries: an id, and a payload that carries the same id.
        if (typeof clientId !== 'string' || payload?.clientId !== clientId) continue
        this.#queue.push({ clientId, payload: payload as P, createdAt: typeof createdAt === 'string' ? createdAt : new Date().toISOString(), attempts: 0 })
      }
    } catch {
      // A damaged copy is not worth failing over.
    }
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
  send(input: Omit<P, 'clientId'>, clientId: string = (this.#options.generateId ?? uuid)()): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const payload = { ...input, clientId } as unknown as P
      this.#queue.push({ clientId, payload, createdAt: new Date().toISOString(), attempts: 0, deferred: { resolve, reject } })
      this.#changed()
      this.#flush()
    })
  }

  /** Tells the outbox whether the transport can carry sends now. Connecting flushes the queue. */
  setConnected(connected: boolean): void {
    if (connected !== this.#connected) {
      this.#connected = connected
      this.#resetBackoff()
      // Disconnected: the in-flight ack (if any) will not come on this connection; a late
      // success is still accepted.
      if (!connected) this.#dropInFlight()
    }
    this.#flush()
  }

  /**
   * Drops every queued entry (and the stored copy). Their promises reject with `error`
   * (default: `aborted`).
   */
  clear(error: LiveChatError = new LiveChatError('aborted', 'The outbox was cleared')): void {
    const dropped = this.#queue
    this.#queue = []
    this.#resetBackoff()
    this.#dropInFlight()
    this.#changed(!dropped[0])
    for (const entry of dropped) entry.deferred?.reject(error)
  }

  #flush(): void {
    const entry = this.#queue[0]
    if (!entry || !this.#connected || this.#inFlight || this.#backoffTimer) return
    entry.attempts++
    // No ack in time: retried like a retryable error (whatever isRetryable says).
    const attempt = { timer: setTimeout(() => this.#onResult(entry, attempt, null), this.#options.ackTimeoutMs ?? 10_000) }
    this.#inFlight = attempt
    // A transport that throws counts as one that rejects.
    new Promise<Ack<R>>((resolve) => resolve(this.#options.transport(entry.payload))).then(
      (ack) => this.#onResult(entry, attempt, ack.ok ? undefined : LiveChatError.fromBody(ack.error), ack.ok ? ack.data : undefined),
      (error: unknown) => this.#onResult(entry, attempt, LiveChatError.from(error)),
    )
  }

  /** An attempt's outcome: success (with `data`), an `error`, or `null` for no ack in time. */
  #onResult(entry: QueuedEntry<P, R>, attempt: object, error: LiveChatError | null | undefined, data?: R): void {
    const current = this.#inFlight === attempt
    if (current) this.#dropInFlight()
    const index = this.#queue.indexOf(entry)
    if (index < 0) {
      // Already settled (by an earlier attempt's late success, or cleared).
      if (current) this.#flush()
      return
    }
    if (error === undefined) this.#resetBackoff()
    // A failure of an attempt we already gave up on says nothing new.
    else if (!current) return
    else if (!error || (this.#options.isRetryable?.(error) ?? error.retryable)) return this.#retryLater(error?.retryAfter)
    this.#queue.splice(index, 1)
    this.#changed()
    const { deferred } = entry
    if (error) {
      deferred?.reject(error)
      this.events.emit('failed', { entry: snapshot(entry), error, orphan: !deferred })
    } else {
      deferred?.resolve(data as R)
      this.events.emit('sent', { entry: snapshot(entry), result: data as R })
    }
    this.#flush()
  }

  /** Retries after the backoff, or after `retryAfter` seconds (a rate limit's) if that is longer. */
  #retryLater(retryAfter?: number): void {
    if (!this.#connected) return
    const { initialBackoffMs = 1_000, maxBackoffMs = 30_000 } = this.#options
    const backoff = Math.min(initialBackoffMs * 2 ** this.#retries++, maxBackoffMs)
    this.#backoffTimer = setTimeout(
      () => {
        this.#backoffTimer = undefined
        this.#flush()
      },
      Math.max(backoff, (retryAfter ?? 0) * 1_000),
    )
  }

  #resetBackoff(): void {
    clearTimeout(this.#backoffTimer)
    this.#backoffTimer = undefined
    this.#retries = 0
  }

  #dropInFlight(): void {
    clearTimeout(this.#inFlight?.timer)
    this.#inFlight = null
  }

  /** Saves the queue (or removes the stored copy when empty) and, unless `quiet`, emits `pending`. */
  #changed(quiet?: boolean): void {
    const persist = this.#options.persist
    if (persist) {
      if (this.#queue[0]) persist.storage.set(persist.key, JSON.stringify(this.entries()))
      else persist.storage.remove(persist.key)
    }
    if (!quiet) this.events.emit('pending', { pending: this.#queue.length })
  }
}

/** An entry as the app sees it: without the promise that awaits it. */
function snapshot<P, R>({ deferred: _, ...entry }: QueuedEntry<P, R>): OutboxEntry<P> {
  return entry
}
