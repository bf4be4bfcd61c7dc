// Sends queued webhook deliveries. One worker per process; several processes share the queue:
// each claims due rows with SELECT … FOR UPDATE SKIP LOCKED and leases them (pushes
// next_attempt_at past the send timeout) in one short transaction, then sends outside any
// transaction (no connection is held while a receiver is slow) and records the outcome. So no
// two processes send the same row at once; a process that dies mid-send leaves its rows to be
// sent again when the lease ends (at least once, as receivers must expect anyway).
//
// Fair to every tenant: a pass claims only as many deliveries as a site, and a webhook, have free
// slots (at most PER_SITE and PER_WEBHOOK in flight, TOTAL in all), starts them and returns
// without waiting for their answers; each answer frees its slot and asks for another pass. So a
// receiver that never answers holds its own slots, never another site's. And a circuit breaker
// per webhook: after `circuitThreshold` failed tries in a row (no answer, refused, 408, 429, 5xx)
// nothing is sent to it for a pause as long as it has been failing (at least `circuitPauseMs`, at
// most 10 minutes; its deliveries wait with their tries unspent); after the pause one delivery is
// tried (half-open): a failure pauses it again, a success closes the circuit.
//
// Each request is signed per Standard Webhooks (https://www.standardwebhooks.com) with the
// reference library; it goes only where WebhookTargets allows (targets.ts): literal addresses are
// checked before connecting, names by the sockets' own lookup. Redirects are not followed (a 3xx
// is a failed try), so a receiver cannot bounce a delivery to an internal address.
import http from 'node:http'
import https from 'node:https'
import { Webhook as Signer } from 'standardwebhooks'
import type { Database } from '../shared/db/index.js'
import type { Logger } from '../shared/logger.js'
import { Prisma } from '../generated/prisma/client.js'
import { InFlight } from '../shared/in-flight.js'
import { Periodic } from '../shared/periodic.js'
import { hostOf } from './service.js'
import { TargetRefused, WebhookTargets } from './targets.js'

export interface WebhookWorkerOptions {
  /** How often to look for due deliveries without a kick (default 1000 ms). */
  pollMs?: number
  /** The first retry waits this long, each next one twice as long (default 2000 ms). */
  backoffBaseMs?: number
  /** The longest wait between tries (default 1 hour). */
  backoffMaxMs?: number
  /** Tries before a delivery is marked failed (default 8). */
  maxAttempts?: number
  /** How long a receiver may take to answer (default 5 s). */
  timeoutMs?: number
  /** Failed tries in a row that open a webhook's circuit (default 5). */
  circuitThreshold?: number
  /** The shortest pause of an open circuit (default 30 s); a receiver failing for longer is paused as long as it has been failing, up to 10 minutes. */
  circuitPauseMs?: number
}

/** Adds `by` to `key`'s count, dropping it at zero. */
function count(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by
  if (n > 0) m.set(key, n)
  else m.delete(key)
}

/** Deliveries in flight at once, per site, per webhook, and in all (per process). */
export const PER_SITE = 8
export const PER_WEBHOOK = 4
export const TOTAL = 64
const SITES_PER_TICK = 50
const MAX_ERROR = 500
const MAX_PAUSE_MS = 600_000

interface Claimed {
  id: string
  /** The `webhook-id` header: the event's id (the same for every webhook and every try), or a ping's delivery id. */
  message_id: string
  site_id: string
  webhook_id: string
  event: string
  body: string
  attempts: number
  url: string
  secret: string
  /** The secret the last rotation replaced, while its grace period lasts. */
  previous_secret: string | null
  active: boolean
  /** Sent as its webhook's half-open trial. */
  trial: boolean
  /** Its webhook had failures or a pause when claimed (a success then resets them). */
  unhealthy: boolean
}

/**
 * The Standard Webhooks headers of one request: `webhook-id` (the event's id, the same on every
 * retry and redelivery: receivers dedupe by it), `webhook-timestamp` and `webhook-signature` with one `v1,<base64>` signature per
 * secret (the current one first), space-separated.
 */
export function signatureHeaders(id: string, timestamp: number, body: string, secrets: readonly string[]): Record<string, string> {
  const at = new Date(timestamp * 1000)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => new Signer(secret).sign(id, at, body)).join(' '),
  }
}

export class WebhookWorker {
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number
  private readonly maxAttempts: number
  private readonly timeoutMs: number
  private readonly circuitThreshold: number
  private readonly circuitPauseMs: number
  private readonly loop: Periodic
  /** Deliveries being sent, counted per site and per webhook. */
  private readonly sending = new InFlight()
  private readonly perSite = new Map<string, number>()
  private readonly perWebhook = new Map<string, number>()
  /** Keep-alive connections per receiver, each opened through the targets' checked lookup. */
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent }

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    opts: WebhookWorkerOptions = {},
    private readonly targets: WebhookTargets = new WebhookTargets(),
  ) {
    this.backoffBaseMs = opts.backoffBaseMs ?? 2000
    this.backoffMaxMs = opts.backoffMaxMs ?? 3_600_000
    this.maxAttempts = opts.maxAttempts ?? 8
    this.timeoutMs = opts.timeoutMs ?? 5_000
    this.circuitThreshold = opts.circuitThreshold ?? 5
    this.circuitPauseMs = opts.circuitPauseMs ?? 30_000
    this.loop = new Periodic('webhook worker tick', opts.pollMs ?? 1000, () => this.tick(), log, { runAtStart: true })
    const agent = { keepAlive: true, lookup: targets.lookup }
    this.agents = { 'http:': new http.Agent(agent), 'https:': new https.Agent(agent) }
  }

  start(): void {
    this.loop.start()
  }

  /** Stops polling and waits for the deliveries in flight to finish. */
  async stop(): Promise<void> {
    await this.loop.stop()
    await this.sending.settled()
    this.agents['http:'].destroy()
    this.agents['https:'].destroy()
  }

  /** Looks now (something was just queued). */
  kick(): void {
    this.loop.kick()
  }

  /** One pass: starts what is due on every site with free slots (the sends go on after it returns). */
  async tick(): Promise<void> {
    if (this.sending.size >= TOTAL) return
    const busy = [...this.perSite].filter(([, n]) => n >= PER_SITE).map(([site]) => site)
    const sites = await this.db.prisma.$queryRaw<{ site: string }[]>`SELECT mod_chat_webhook_due_sites(${SITES_PER_TICK}::int, ${busy}::uuid[]) AS site`
    for (const { site } of sites) {
      const room = Math.min(PER_SITE - (this.perSite.get(site) ?? 0), TOTAL - this.sending.size)
      if (this.loop.isStopped || room <= 0) return
      for (const d of await this.claim(site, room)) this.send(d)
    }
  }

  /** Sends one claimed delivery in its slots; when it is done, the slots are free and another pass looks. */
  private send(d: Claimed): void {
    count(this.perSite, d.site_id, 1)
    count(this.perWebhook, d.webhook_id, 1)
    void this.sending.track(
      this.deliver(d)
        .catch((e: unknown) => this.log.warn({ err: e, delivery: d.id }, 'recording a webhook delivery failed'))
        .finally(() => {
          count(this.perSite, d.site_id, -1)
          count(this.perWebhook, d.webhook_id, -1)
          this.loop.kick()
        }),
    )
  }

  /**
   * Leases up to `room` due deliveries of the site: the oldest first, at most PER_WEBHOOK per
   * webhook (counting those in flight here), none of a webhook whose circuit is open, and one of a
   * webhook whose circuit is half-open (its pause then lasts as long as the lease, so that no
   * other process tries it meanwhile).
   */
  private claim(siteId: string, room: number): Promise<Claimed[]> {
    const leaseMs = this.timeoutMs + 30_000
    const full = [...this.perWebhook].filter(([, n]) => n >= PER_WEBHOOK).map(([id]) => id)
    return this.db.inSite(siteId, async (tx) => {
      const due = await tx.$queryRaw<{ id: string; webhook_id: string; half_open: boolean }[]>`
        SELECT d.id, d.webhook_id, w.consecutive_failures >= ${this.circuitThreshold}::int AS half_open
        FROM mod_chat_webhook_deliveries d JOIN mod_chat_webhooks w ON w.id = d.webhook_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND (w.circuit_open_until IS NULL OR w.circuit_open_until <= now())
          AND d.webhook_id <> ALL (${full}::uuid[])
        ORDER BY d.next_attempt_at
        LIMIT ${room * PER_WEBHOOK}
        FOR UPDATE OF d SKIP LOCKED`
      const taken: string[] = []
      const trials: string[] = []
      const per = new Map<string, number>()
      for (const d of due) {
        const n = per.get(d.webhook_id) ?? this.perWebhook.get(d.webhook_id) ?? 0
        if (taken.length === room || n >= (d.half_open ? 1 : PER_WEBHOOK)) continue
        per.set(d.webhook_id, n + 1)
        taken.push(d.id)
        if (d.half_open && !trials.includes(d.webhook_id)) trials.push(d.webhook_id)
      }
      if (taken.length === 0) return []
      const lease = Prisma.sql`now() + make_interval(secs => ${leaseMs / 1000}::float8)`
      if (trials.length > 0) await tx.$executeRaw`UPDATE mod_chat_webhooks SET circuit_open_until = ${lease} WHERE id = ANY (${trials}::uuid[])`
      const claimed = await tx.$queryRaw<Claimed[]>`
        UPDATE mod_chat_webhook_deliveries d
        SET next_attempt_at = ${lease}
        FROM mod_chat_webhooks w
        WHERE d.id = ANY (${taken}::uuid[]) AND w.id = d.webhook_id
        RETURNING d.id, COALESCE(d.event_id, d.id) AS message_id, d.site_id, d.webhook_id, d.event, d.payload::text AS body, d.attempts, w.url, w.secret, w.active,
          CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret,
          (w.consecutive_failures > 0 OR w.circuit_open_until IS NOT NULL) AS unhealthy`
      return claimed.map((d) => ({ ...d, trial: trials.includes(d.webhook_id) }))
    })
  }

  private async deliver(d: Claimed): Promise<void> {
    if (!d.active && d.event !== 'ping') {
      await this.record(d, { ok: false, status: null, error: 'the webhook is disabled', final: true })
      return
    }
    const timestamp = Math.floor(Date.now() / 1000)
    const secrets = d.previous_secret ? [d.secret, d.previous_secret] : [d.secret]
    let outcome: { ok: boolean; status: number | null; error: string | null }
    try {
      const status = await this.post(new URL(d.url), {
        'content-type': 'application/json',
        'user-agent': 'LiveChat-Webhooks/1',
        ...signatureHeaders(d.message_id, timestamp, d.body, secrets),
      }, d.body)
      const ok = status >= 200 && status < 300
      outcome = { ok, status, error: ok ? null : `HTTP ${status}` }
    } catch (e) {
      const err = e as Error & { code?: string }
      const reason = err.name === 'AbortError' || err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : err instanceof TargetRefused ? `refused: ${err.message}` : (err.code ?? err.message)
      outcome = { ok: false, status: null, error: reason }
    }
    // (only the URL's origin is logged: its path or query may hold a token; the secret and the body never)
    if (!outcome.ok) this.log.info({ delivery: d.id, url: hostOf(d.url), error: outcome.error, attempt: d.attempts + 1 }, 'webhook delivery failed')
    await this.record(d, { ...outcome, final: false })
  }

  /** POSTs `body` and answers the receiver's status once its answer has been read (redirects are not followed). */
  private post(url: URL, headers: Record<string, string>, body: string): Promise<number> {
    this.targets.checkLiteral(url)
    const agent = this.agents[url.protocol as 'http:' | 'https:']
    const send = url.protocol === 'https:' ? https.request : http.request
    const signal = AbortSignal.timeout(this.timeoutMs)
    return new Promise((resolve, reject) => {
      const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent, signal }, (res) => {
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('close', () => reject(signal.aborted ? signal.reason : new Error('the answer was cut short')))
        res.resume()
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  private async record(d: Claimed, o: { ok: boolean; status: number | null; error: string | null; final: boolean }): Promise<void> {
    const attempts = d.attempts + 1
    const failed = !o.ok && (o.final || attempts >= this.maxAttempts)
    const status = o.ok ? 'delivered' : failed ? 'failed' : 'pending'
    const waitMs = Math.min(this.backoffBaseMs * 2 ** (attempts - 1), this.backoffMaxMs)
    const error = o.error?.slice(0, MAX_ERROR) ?? null
    // The receiver's health, for its circuit: no answer, 408, 429 and 5xx are its failures; any
    // other answer shows it alive (a 4xx is about the delivery, not the receiver).
    const failing = !o.ok && !o.final && (o.status === null || o.status === 408 || o.status === 429 || o.status >= 500)
    const alive = o.status !== null && !failing
    const threshold = this.circuitThreshold
    await this.db.inSite(d.site_id, async (tx) => {
      await tx.$executeRaw`
        UPDATE mod_chat_webhook_deliveries
        SET status = ${status}, attempts = ${attempts}, last_status = ${o.status}::int, last_error = ${error},
            delivered_at = CASE WHEN ${o.ok} THEN now() ELSE NULL END,
            next_attempt_at = CASE WHEN ${status} = 'pending' THEN now() + make_interval(secs => ${waitMs / 1000}::float8) ELSE next_attempt_at END
        WHERE id = ${d.id}::uuid`
      // (a healthy webhook's success writes nothing more: no statement per delivery for it)
      if (alive && d.unhealthy) {
        await tx.$executeRaw`
          UPDATE mod_chat_webhooks SET consecutive_failures = 0, failing_since = NULL, circuit_open_until = NULL
          WHERE id = ${d.webhook_id}::uuid AND (consecutive_failures > 0 OR circuit_open_until IS NOT NULL)`
      } else if (failing) {
        // At the threshold the circuit opens, for as long as the receiver has been failing (within
        // bounds). A failed trial opens it again; a failure of a request sent before it opened
        // (still in flight then) only counts.
        const pause = Prisma.sql`make_interval(secs => ${this.circuitPauseMs / 1000}::float8)`
        const longest = Prisma.sql`make_interval(secs => ${MAX_PAUSE_MS / 1000}::float8)`
        await tx.$executeRaw`
          UPDATE mod_chat_webhooks
          SET consecutive_failures = consecutive_failures + 1,
              failing_since = coalesce(failing_since, now()),
              circuit_open_until = CASE
                WHEN consecutive_failures + 1 >= ${threshold}::int AND (${d.trial} OR circuit_open_until IS NULL OR circuit_open_until <= now())
                THEN now() + LEAST(GREATEST(${pause}, now() - coalesce(failing_since, now())), ${longest})
                ELSE circuit_open_until END
          WHERE id = ${d.webhook_id}::uuid`
      }
    })
  }
}
