// Prometheus metrics. Each app instance has its own Registry (tests run several apps in one
// process, and a shared registry would mix their counts); the default process metrics (CPU,
// memory, event loop, GC) describe the process, not an app, so they are collected once per
// process into a registry of their own and served alongside.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Database } from '../shared/db/index.js'

export type NamespaceName = 'visitor' | 'agent'

export interface QueueLengths {
  waitingConversations: number
  webhookDeliveries: number
  emailJobs: number
  /** Events in the outbox, not yet dispatched (a growing number: no process is dispatching). */
  events: number
}

export interface MetricsOptions {
  /** Sockets connected to this process, per namespace (read at scrape time). */
  connections: () => Record<NamespaceName, number>
  /** Queue lengths over every site (read at scrape time). */
  queueLengths: () => Promise<QueueLengths>
  /** How long a scrape waits for the queue lengths before leaving them out (default 1000 ms). */
  queueTimeoutMs?: number
}

let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export class Metrics {
  readonly registry = new Registry()
  readonly contentType = this.registry.contentType
  private readonly stored: Counter<'sender'>
  private readonly sendSeconds: Histogram<'namespace' | 'outcome'>

  constructor(opts: MetricsOptions) {
    const registers = [this.registry]
    const timeoutMs = opts.queueTimeoutMs ?? 1000
    new Gauge({
      name: 'livechat_socket_connections',
      help: 'Sockets connected to this process, by namespace.',
      labelNames: ['namespace'],
      registers,
      collect() {
        for (const [namespace, n] of Object.entries(opts.connections())) this.set({ namespace }, n)
      },
    })
    this.stored = new Counter({
      name: 'livechat_messages_stored_total',
      help: 'Messages this process stored (committed), by sender type; a resend of a stored message does not count.',
      labelNames: ['sender'],
      registers,
    })
    this.sendSeconds = new Histogram({
      name: 'livechat_message_send_seconds',
      help: 'From a message:send command arriving to its ack (the message stored and announced), by namespace and outcome (ok, error).',
      labelNames: ['namespace', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    // One query per scrape, shared by the two metrics below (the registry collects them at once).
    let scrape: Promise<QueueLengths | null> | undefined
    const lengths = () =>
      (scrape ??= withTimeout(opts.queueLengths(), timeoutMs)
        .catch(() => {
          failures.inc()
          return null
        })
        .finally(() => (scrape = undefined)))
    const failures = new Counter({
      name: 'livechat_queue_length_failures_total',
      help: 'Scrapes that left the queue lengths out because the database did not answer in time.',
      registers,
      async collect() {
        await lengths()
      },
    })
    new Gauge({
      name: 'livechat_queue_length',
      help: 'Queue lengths over every site: waiting_conversations (waiting in the queue: unassigned and not yet answered), webhook_deliveries (pending), email_jobs (pending emails: batched replies and offline-message notices), events (in the outbox, not yet dispatched).',
      labelNames: ['queue'],
      registers,
      async collect() {
        const q = await lengths()
        // Absent rather than stale: a scrape must not report old lengths as current.
        if (!q) return this.reset()
        this.set({ queue: 'waiting_conversations' }, q.waitingConversations)
        this.set({ queue: 'webhook_deliveries' }, q.webhookDeliveries)
        this.set({ queue: 'email_jobs' }, q.emailJobs)
        this.set({ queue: 'events' }, q.events)
      },
    })
  }

  messageStored(sender: string, n = 1): void {
    if (n > 0) this.stored.inc({ sender }, n)
  }

  messageSent(namespace: NamespaceName, ok: boolean, seconds: number): void {
    this.sendSeconds.observe({ namespace, outcome: ok ? 'ok' : 'error' }, seconds)
  }

  /** The exposition text: the process's default metrics, then this app's. */
  async text(): Promise<string> {
    const [proc, app] = await Promise.all([processMetrics().metrics(), this.registry.metrics()])
    return `${proc.trimEnd()}\n\n${app}`
  }
}

/**
 * Counts the queues with one query through a SECURITY DEFINER function (the rows are behind
 * row-level security), with a statement timeout so a slow database does not pile up scrapes.
 */
export async function queueLengths(db: Database, timeoutMs: number): Promise<QueueLengths> {
  const [, rows] = await db.prisma.$transaction([
    db.prisma.$executeRawUnsafe(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`),
    db.prisma.$queryRaw<{ waiting_conversations: bigint; webhook_deliveries: bigint; email_jobs: bigint; events: bigint }[]>`
      SELECT waiting_conversations, webhook_deliveries, email_jobs, events FROM mod_chat_queue_lengths()`,
  ])
  const r = rows[0]
  return {
    waitingConversations: Number(r?.waiting_conversations ?? 0),
    webhookDeliveries: Number(r?.webhook_deliveries ?? 0),
    emailJobs: Number(r?.email_jobs ?? 0),
    events: Number(r?.events ?? 0),
  }
}

/** Rejects when `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}
