// Group commit for the send hot path: the text messages that arrive while earlier ones are being
// stored go together in one statement (one round trip, one transaction) instead of one each.
// mod_chat_append_messages takes a batch as arrays and stores it set-based (with each message's
// event in the outbox), and each caller gets its own row, or null when the general path must decide.
//
// While MAX_IN_FLIGHT statements run, new messages wait and go together in the next one: under
// load batches grow by themselves (which is where the throughput comes from: a statement's fixed
// cost, and a busy conversation's one UPDATE, are shared by the whole batch); when idle a message
// goes at once. Two statements in flight may meet on a conversation (so may those of other
// processes): the second waits for the first's row lock. Both lock in the order of their plan
// (conversation ids, sorted), so they queue rather than deadlock; should two ever lock in
// opposite orders, Postgres fails one of them and its messages are stored one by one.
//
// A batch that fails as a whole (say, one resend hit the clientId's unique index) is retried one
// message at a time, so one bad message never fails the others; a database that is down fails
// them all, as retryable.
//
// A batch of one (every message while the server is not busy) is a batch all the same: the same
// statement, the one writer of messages (mod_chat_append_messages), on every path.
//
// The statements go through db.direct (node-postgres on Postgres, prepared once per connection),
// not the Prisma client, whose work per call cost more than the statement (see Direct).
import { DIRECT_POOL_SIZE, type Database } from '../shared/db/index.js'
import { isDeadlock, isUniqueViolation } from '../shared/errors.js'
import type { LiveColumns } from './store.js'

export interface AppendInput {
  siteId: string
  conversationId: string
  /** The visitor who must own the conversation (null for agents). */
  visitorId: string | null
  id: string
  clientId: string
  senderType: 'visitor' | 'agent' | 'bot'
  senderId: string
  senderName: string | null
  text: string | null
  isPrivate: boolean
  createdAt: Date
  /** The message's metadata as JSON (rich content), default '{}'. */
  metadata?: string
}

export interface AppendRow extends LiveColumns {
  seq: number
  sender_name: string | null
  visitor_id: string
  /** The message's event in the outbox, when one was written (see mod_chat_append_messages). */
  event_id: string | null
}

interface Pending {
  input: AppendInput
  resolve(row: AppendRow | null): void
  reject(error: unknown): void
}

/** The most messages one statement appends. */
const MAX_BATCH = 256
/**
 * Statements in flight at once, each on its own connection of the direct pool. Measured with the
 * throughput bench (25 conversations, both sides sending): 2 beat 1 (idle gaps between batches)
 * and 4 (smaller batches, each paying the statement's fixed cost).
 */
const MAX_IN_FLIGHT = DIRECT_POOL_SIZE

const APPEND = `SELECT * FROM mod_chat_append_messages($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
  $7::uuid[], $8::text[], $9::text[], $10::boolean[], $11::timestamptz[], $12::text[], $13::jsonb[], $14::jsonb[], true, $15::text[])`

export class AppendBatcher {
  private queue: Pending[] = []
  private scheduled = false
  private inFlight = 0

  /**
   * @param eventSenders The senders whose messages the server's own consumers want as events
   *   even when no webhook does (EmailService.eventSenders).
   */
  constructor(
    private readonly db: Database,
    private readonly eventSenders: readonly string[] = [],
  ) {}

  /** Appends the message with the others waiting; null when the general path must decide. */
  append(input: AppendInput): Promise<AppendRow | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.queue.splice(0, MAX_BATCH)
      this.inFlight++
      void this.run(batch).finally(() => {
        this.inFlight--
        this.flush()
      })
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.single(batch[0]!)
    try {
      const rows = await this.many(batch.map((p) => p.input))
      const byIndex = new Map(rows.map((r) => [r.n, r]))
      batch.forEach((p, i) => p.resolve(byIndex.get(i + 1) ?? null))
    } catch (e) {
      if (!isUniqueViolation(e) && !isDeadlock(e)) {
        for (const p of batch) p.reject(e)
        return
      }
      // One of them is a resend (or the batch met another process's on two conversations in
      // opposite orders): the rest still go in, one by one, in order; one lock each cannot deadlock.
      for (const p of batch) await this.single(p)
    }
  }

  private async single(p: Pending): Promise<void> {
    try {
      const [row] = await this.one(p.input)
      p.resolve(row ?? null)
    } catch (e) {
      if (isUniqueViolation(e)) p.resolve(null)
      else p.reject(e)
    }
  }

  /** The statement's arguments, less the event senders: each a column of the batch, or (one) a value. */
  private static readonly fields: ((i: AppendInput) => unknown)[] = [
    (i) => i.siteId,
    (i) => i.conversationId,
    (i) => i.visitorId,
    (i) => i.id,
    (i) => i.clientId,
    (i) => i.senderType,
    (i) => i.senderId,
    (i) => i.senderName,
    (i) => i.text,
    (i) => i.isPrivate,
    (i) => i.createdAt.toISOString(),
  ]

  private many(inputs: AppendInput[]): Promise<(AppendRow & { n: number })[]> {
    const args = AppendBatcher.fields.map((f) => inputs.map(f))
    const text = inputs.map(() => 'text')
    const metadata = inputs.map((i) => i.metadata ?? '{}')
    return this.db.direct.query<AppendRow & { n: number }>(APPEND, [...args, text, inputs.map(() => '[]'), metadata, this.eventSenders])
  }

  private one(input: AppendInput): Promise<(AppendRow & { n: number })[]> {
    return this.many([input])
  }
}
