// Sends queued webhook deliveries. One worker per process; several processes share the queue:
// each claims due rows with SELECT … FOR UPDATE SKIP LOCKED and leases them (pushes
// next_attempt_at past the send timeout) in one short transaction, then sends outside any
// transaction (no connection is held while a receiver is slow) and records the outcome. So no
// two processes send the same row at once; a process that dies mid-send leaves its rows to be
// sent again when the lease ends (at least once, as receivers must expect anyway).
import crypto from 'node:crypto'
import type { Database } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'
import { Periodic } from '../shared/periodic.js'

export interface WebhookWorkerOptions {
  /** How often to look for due deliveries without a kick (default 1000 ms). */
  pollMs?: number
  /** The first retry waits this long, each next one twice as long (default 2000 ms). */
  backoffBaseMs?: number
  /** The longest wait between tries (default 1 hour). */
  backoffMaxMs?: number
  /** Tries before a delivery is marked failed (default 8). */
  maxAttempts?: number
  /** How long a receiver may take to answer (default 10 s). */
  timeoutMs?: number
}

const BATCH = 20
const SITES_PER_TICK = 50
const MAX_ERROR = 500

interface Claimed {
  id: string
  site_id: string
  event: string
  body: string
  attempts: number
  url: string
  secret: string
  active: boolean
}

/** The signature header's value: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export class WebhookWorker {
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly maxAttempts: number
  private readonly timeoutMs: number
  private readonly loop: Periodic

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    opts: WebhookWorkerOptions = {},
  ) {
    this.backoffBaseMs = opts.backoffBaseMs ?? 2000
    this.backoffMaxMs = opts.backoffMaxMs ?? 3_600_000
    this.maxAttempts = opts.maxAttempts ?? 8
    this.timeoutMs = opts.timeoutMs ?? 10_000
    this.loop = new Periodic('webhook worker tick', opts.pollMs ?? 1000, () => this.tick(), log, { runAtStart: true })
  }

  start(): void {
    this.loop.start()
  }

  /** Stops polling and waits for the deliveries in flight to finish. */
  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** Looks now (something was just queued). */
  kick(): void {
    this.loop.kick()
  }

  /** One pass: sends what is due on every site. */
  async tick(): Promise<void> {
    const sites = await this.db.prisma.$queryRaw<{ site: string }[]>`SELECT mod_chat_webhook_due_sites(${SITES_PER_TICK}::int) AS site`
    for (const { site } of sites) {
      if (this.loop.isStopped) return
      const claimed = await this.claim(site)
      await Promise.all(claimed.map((d) => this.deliver(d)))
    }
  }

  private claim(siteId: string): Promise<Claimed[]> {
    const leaseMs = this.timeoutMs + 30_000
    return this.db.inSite(
      siteId,
      (tx) => tx.$queryRaw<Claimed[]>`
        WITH due AS (
          SELECT id FROM mod_chat_webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE mod_chat_webhook_deliveries d
        SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM due, mod_chat_webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
        RETURNING d.id, d.site_id, d.event, d.payload::text AS body, d.attempts, w.url, w.secret, w.active`,
    )
  }

  private async deliver(d: Claimed): Promise<void> {
    if (!d.active && d.event !== 'ping') {
      await this.record(d, { ok: false, status: null, error: 'the webhook is disabled', final: true })
      return
    }
    const timestamp = Math.floor(Date.now() / 1000)
    let outcome: { ok: boolean; status: number | null; error: string | null }
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'LiveChat-Webhooks/1',
          'x-live-chat-event': d.event,
          'x-live-chat-delivery': d.id,
          'x-live-chat-timestamp': String(timestamp),
          'x-live-chat-signature': sign(d.secret, timestamp, d.body),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      await res.body?.cancel().catch(() => undefined)
      const ok = res.status >= 200 && res.status < 300
      outcome = { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } }
      const reason = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message)
      outcome = { ok: false, status: null, error: reason }
    }
    // (the URL is logged, the secret and the body never)
    if (!outcome.ok) this.log.info({ delivery: d.id, url: d.url, error: outcome.error, attempt: d.attempts + 1 }, 'webhook delivery failed')
    await this.record(d, { ...outcome, final: false })
  }

  private async record(d: Claimed, o: { ok: boolean; status: number | null; error: string | null; final: boolean }): Promise<void> {
    const attempts = d.attempts + 1
    const failed = !o.ok && (o.final || attempts >= this.maxAttempts)
    const status = o.ok ? 'delivered' : failed ? 'failed' : 'pending'
    const waitMs = Math.min(this.backoffBaseMs * 2 ** (attempts - 1), this.backoffMaxMs)
    const error = o.error?.slice(0, MAX_ERROR) ?? null
    await this.db.inSite(
      d.site_id,
      (tx) => tx.$executeRaw`
        UPDATE mod_chat_webhook_deliveries
        SET status = ${status}, attempts = ${attempts}, last_status = ${o.status}::int, last_error = ${error},
            delivered_at = CASE WHEN ${o.ok} THEN now() ELSE NULL END,
            next_attempt_at = CASE WHEN ${status} = 'pending' THEN now() + make_interval(secs => ${waitMs / 1000}::float8) ELSE next_attempt_at END
        WHERE id = ${d.id}::uuid`,
    )
  }
}
