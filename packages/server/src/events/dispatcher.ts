// The dispatcher: hands the outbox's events (mod_chat_events, see outbox.ts) to every consumer:
// webhooks (one delivery per subscribed webhook, sent by webhooks/worker.ts) and the reply email
// (one batched email job per conversation, sent by email/service.ts). Each site's events are
// taken in one transaction that claims them (FOR UPDATE SKIP LOCKED, so processes never take the
// same event), lets every consumer write what it needs, and deletes them: either all of that
// commits or none of it, so each consumer gets each event exactly once, whatever process dies
// when. What the consumers then do outside the database (a POST, an email) is at least once:
// a webhook delivery carries the event's id for receivers to drop repeats.
//
// One dispatcher per process, every process on the same outbox. It runs when a transaction that
// wrote events commits (their NOTIFY reaches every process), every `pollMs` besides (what a
// lost notification left), and at start (what a crashed process left). Sites are served oldest
// event first, and a site's events in the order they were written.
import type { Message, SystemEvent, WebhookEvent, WebhookEventData } from '@live-chat/protocol'
import type { Database, Tx } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'
import { toMessage } from '../shared/map.js'
import { Periodic } from '../shared/periodic.js'
import { EVENTS_CHANNEL } from './outbox.js'

/** An event with its body, as consumers get it. */
export interface DomainEvent<E extends WebhookEvent = WebhookEvent> {
  id: string
  type: E
  siteId: string
  conversationId: string | null
  createdAt: Date
  data: WebhookEventData[E]
}

export type AnyDomainEvent = { [E in WebhookEvent]: DomainEvent<E> }[WebhookEvent]

/** Something that acts on events: writes what it needs in the dispatch's transaction, then acts after the commit. */
export interface EventConsumer {
  readonly name: string
  /** In the site's dispatch transaction; returns whether after() has anything to do. */
  take(tx: Tx, siteId: string, events: readonly AnyDomainEvent[]): Promise<boolean>
  /** After the transaction committed (wake a worker). */
  after?(): void
}

export interface DispatcherOptions {
  /** How often to look without a notice (default 1000 ms; 0: only on notices and kicks). */
  pollMs?: number
  /** False: this process dispatches nothing (it leaves the outbox to the others; default true). */
  enabled?: boolean
}

/** Events taken per site per transaction, and sites per pass. */
const EVENTS_PER_TAKE = 200
const SITES_PER_PASS = 50

interface EventRow {
  id: string
  type: WebhookEvent
  conversation_id: string | null
  message_id: string | null
  data: unknown
  created_at: Date
}

export class EventDispatcher {
  private readonly loop: Periodic
  private readonly enabled: boolean
  private unlisten: (() => Promise<void>) | undefined

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly consumers: readonly EventConsumer[],
    opts: DispatcherOptions = {},
  ) {
    this.loop = new Periodic('event dispatch', opts.pollMs ?? 1000, () => this.dispatch(), log, { runAtStart: true })
    this.enabled = opts.enabled ?? true
  }

  async start(): Promise<void> {
    if (!this.enabled) return
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, () => this.loop.kick(), () => this.loop.kick())
    this.loop.start()
  }

  async stop(): Promise<void> {
    await this.unlisten?.()
    this.unlisten = undefined
    await this.loop.stop()
  }

  kick(): void {
    this.loop.kick()
  }

  /** Hands every waiting event to the consumers; returns how many. */
  async dispatch(): Promise<number> {
    let handled = 0
    for (;;) {
      const sites = await this.db.prisma.$queryRaw<{ site: string }[]>`SELECT mod_chat_event_due_sites(${SITES_PER_PASS}::int) AS site`
      if (sites.length === 0) return handled
      let progress = 0
      for (const { site } of sites) {
        try {
          progress += await this.dispatchSite(site)
        } catch (e) {
          this.log.warn({ err: e, siteId: site }, 'dispatching events failed; will retry')
        }
      }
      handled += progress
      // Nothing taken: the rest is another process's (locked) or failing; the next pass retries.
      if (progress === 0) return handled
    }
  }

  private async dispatchSite(siteId: string): Promise<number> {
    const wake = new Set<EventConsumer>()
    const n = await this.db.inSite(siteId, async (tx) => {
      const rows = await tx.$queryRaw<EventRow[]>`
        SELECT id, type, conversation_id, message_id, data, created_at FROM mod_chat_events
        WHERE site_id = ${siteId}::uuid ORDER BY seq LIMIT ${EVENTS_PER_TAKE}::int FOR UPDATE SKIP LOCKED`
      if (rows.length === 0) return 0
      const events = await bodies(tx, siteId, rows)
      for (const c of this.consumers) if (await c.take(tx, siteId, events)) wake.add(c)
      await tx.$executeRaw`DELETE FROM mod_chat_events WHERE id = ANY (${rows.map((r) => r.id)}::uuid[])`
      return rows.length
    })
    for (const c of wake) c.after?.()
    return n
  }
}

/**
 * Each event with its body: a message's events are built from the stored message (the one place a
 * message becomes JSON is toMessage); the others carry the snapshot their change wrote. An event
 * whose message is gone (its conversation was deleted) is dropped.
 */
async function bodies(tx: Tx, siteId: string, rows: EventRow[]): Promise<AnyDomainEvent[]> {
  const ids = rows.flatMap((r) => (r.message_id ? [r.message_id] : []))
  const messages = ids.length > 0 ? await tx.message.findMany({ where: { id: { in: ids } } }) : []
  const byId = new Map(messages.map((m) => [m.id, toMessage(m)]))
  return rows.flatMap((r) => {
    const base = { id: r.id, siteId, conversationId: r.conversation_id, createdAt: new Date(r.created_at) }
    if (!r.message_id) return [{ ...base, type: r.type, data: r.data } as AnyDomainEvent]
    const message = byId.get(r.message_id)
    const data = message ? messageEventData(r.type, message) : null
    return data ? [{ ...base, type: r.type, data } as AnyDomainEvent] : []
  })
}

/**
 * The body of the event a message stands for. Its type was picked by the message writer
 * (mod_chat_message_event): message.created, or the conversation event of a system line.
 */
export function messageEventData(type: WebhookEvent, message: Message): WebhookEventData[WebhookEvent] | null {
  const sys = message.system as SystemEvent | null
  switch (type) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
      return { message }
    case 'conversation.assigned':
      if (sys?.event === 'assigned') return { conversationId: message.conversationId, agentId: sys.agentId, agentName: sys.agentName, by: sys.by }
      if (sys?.event === 'transferred') return { conversationId: message.conversationId, agentId: sys.toAgentId, agentName: sys.agentName, fromAgentId: sys.fromAgentId }
      return null
    case 'conversation.resolved':
      return sys?.event === 'resolved' ? { conversationId: message.conversationId, agentId: sys.agentId } : null
    default:
      return null
  }
}
