// Group commit for the send hot path: the text messages that arrive in one turn of the event
// loop are appended in one statement (one round trip, one transaction) instead of one each.
// Each message still goes through mod_chat_append_message, in conversation-id order (so two
// batches lock conversations in the same order and cannot deadlock), and each caller gets its
// own row, or null when the general path must decide. A batch that fails as a whole (say, one
// resend hit the clientId's unique index) is retried one message at a time, so one bad message
// never fails the others; a database that is down fails them all, as retryable.
import type { Database } from '../shared/db/index.js'
import { isUniqueViolation } from '../shared/errors.js'

export interface AppendInput {
  siteId: string
  conversationId: string
  /** The visitor who must own the conversation (null for agents). */
  visitorId: string | null
  id: string
  clientId: string
  senderType: 'visitor' | 'agent'
  senderId: string
  senderName: string | null
  text: string | null
  isPrivate: boolean
  createdAt: Date
  /** The webhook body without seq and sender name (null for private notes). */
  payload: string | null
}

export interface AppendRow {
  seq: number
  sender_name: string | null
  visitor_id: string
  webhooks: number
}

interface Pending {
  input: AppendInput
  resolve(row: AppendRow | null): void
  reject(error: unknown): void
}

/** The most messages one statement appends. */
const MAX_BATCH = 256
/**
 * Statements in flight at once. While they run, new messages wait and go together in the next
 * one (group commit): under load batches grow by themselves; when idle a message goes at once.
 */
const MAX_IN_FLIGHT = 4

export class AppendBatcher {
  private queue: Pending[] = []
  private scheduled = false
  private inFlight = 0

  constructor(private readonly db: Database) {}

  /** Appends the message with the others of this turn; null when the general path must decide. */
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
    batch.sort((a, b) => (a.input.conversationId < b.input.conversationId ? -1 : a.input.conversationId > b.input.conversationId ? 1 : 0))
    try {
      const rows = await this.many(batch.map((p) => p.input))
      const byIndex = new Map(rows.map((r) => [r.n, r]))
      batch.forEach((p, i) => p.resolve(byIndex.get(i + 1) ?? null))
    } catch (e) {
      if (!isUniqueViolation(e)) {
        for (const p of batch) p.reject(e)
        return
      }
      // One of them is a resend: the rest still go in, one by one.
      await Promise.all(batch.map((p) => this.single(p)))
    }
  }

  private async single(p: Pending): Promise<void> {
    try {
      const [row] = await this.many([p.input])
      p.resolve(row ?? null)
    } catch (e) {
      if (isUniqueViolation(e)) p.resolve(null)
      else p.reject(e)
    }
  }

  private many(inputs: AppendInput[]): Promise<(AppendRow & { n: number })[]> {
    const col = <T>(f: (i: AppendInput) => T): T[] => inputs.map(f)
    return this.db.prisma.$queryRaw<(AppendRow & { n: number })[]>`
      SELECT i.n::integer AS n, r.seq, r.sender_name, r.visitor_id, r.webhooks
      FROM unnest(
        ${col((i) => i.siteId)}::uuid[], ${col((i) => i.conversationId)}::uuid[], ${col((i) => i.visitorId)}::uuid[],
        ${col((i) => i.id)}::uuid[], ${col((i) => i.clientId)}::text[], ${col((i) => i.senderType)}::text[],
        ${col((i) => i.senderId)}::uuid[], ${col((i) => i.senderName)}::text[], ${col((i) => i.text)}::text[],
        ${col((i) => i.isPrivate)}::boolean[], ${col((i) => i.createdAt.toISOString())}::timestamptz[], ${col((i) => i.payload)}::jsonb[]
      ) WITH ORDINALITY AS i(site, conv, visitor, id, client_id, sender_type, sender_id, sender_name, content, private, created_at, payload, n)
      CROSS JOIN LATERAL mod_chat_append_message(i.site, i.conv, i.visitor, i.id, i.client_id, i.sender_type, i.sender_id,
        i.sender_name, i.content, i.private, i.created_at, i.payload) r
      ORDER BY i.n`
  }
}
