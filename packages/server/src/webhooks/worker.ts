// Sends queued webhook deliveries. One worker per process; several processes share the queue:
// each claims due rows with SELECT … FOR UPDATE SKIP LOCKED and leases them (pushes
// next_attempt_at past the send timeout) in one short transaction, then sends outside any
// transaction (no connection is held while a receiver is slow) and records the outcome. So no
// two processes send the same row at once; a process that dies mid-send leaves its rows to be
// sent again when the lease ends (at least once, as receivers must expect anyway).
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
  /** The secret the last rotation replaced, while its grace period lasts. */
  previous_secret: string | null
  active: boolean
}

/**
 * The Standard Webhooks headers of one request: `webhook-id` (the delivery's id, the same on
 * every retry), `webhook-timestamp` and `webhook-signature` with one `v1,<base64>` signature per
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
  private readonly loop: Periodic
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
    this.timeoutMs = opts.timeoutMs ?? 10_000
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
    this.agents['http:'].destroy()
    this.agents['https:'].destroy()
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
        RETURNING d.id, d.site_id, d.event, d.payload::text AS body, d.attempts, w.url, w.secret, w.active,
          CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret`,
    )
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
        ...signatureHeaders(d.id, timestamp, d.body, secrets),
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
