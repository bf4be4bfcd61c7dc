// Webhooks: per-site URLs subscribed to events. Events are queued as rows of
// mod_chat_webhook_deliveries (so a restart loses nothing) and sent by the worker (worker.ts).
import crypto from 'node:crypto'
import type { CreateWebhook, RotateWebhookSecret, UpdateWebhook, Webhook, WebhookDelivery, WebhookEvent } from '@live-chat/protocol'
import type { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.js'
import { auditActor, auditMeta, AuditService } from '../audit/service.js'
import type { AgentActor } from '../shared/context.js'
import type { Database, Tx } from '../shared/db/index.js'
import type { EventConsumer } from '../events/dispatcher.js'
import { notFound } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { requireAdmin } from '../sites/service.js'
import { WebhookTargets } from './targets.js'

type WebhookRow = Prisma.WebhookGetPayload<object>
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<object>

const LOG_SIZE = 50

export class WebhookService {
  /** Called after something was queued (the worker looks at once instead of at its next poll). */
  onQueued: () => void = () => undefined
  /** Webhook changes go to the agency's audit log, in the change's own transaction. */
  private readonly audit: AuditService

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    /** Where webhooks may point (SSRF): checked here when a URL is set, and by the worker on every connection. */
    private readonly targets: WebhookTargets = new WebhookTargets(),
  ) {
    this.audit = new AuditService({ db })
  }

  // ------------------------------------------------------------------ admin API

  async list(actor: AgentActor): Promise<Webhook[]> {
    requireAdmin(actor)
    const rows = await this.db.inSite(actor.siteId, (tx) => tx.webhook.findMany({ orderBy: { createdAt: 'asc' } }))
    return rows.map(toWebhook)
  }

  async create(actor: AgentActor, input: CreateWebhook): Promise<Webhook> {
    requireAdmin(actor)
    await this.targets.check(input.url)
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      const row = await tx.webhook.create({
        data: { siteId: actor.siteId, url: input.url, events: [...new Set(input.events)], active: input.active ?? true, secret: newSecret() },
      })
      await this.record(tx, actor, 'webhook.created', row, { events: row.events, active: row.active })
      return row
    })
    return toWebhook(row)
  }

  async update(actor: AgentActor, id: string, input: UpdateWebhook): Promise<Webhook> {
    requireAdmin(actor)
    if (input.url !== undefined) await this.targets.check(input.url)
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      const before = await this.require(tx, id)
      const row = await tx.webhook.update({
        where: { id },
        data: {
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
        },
      })
      await this.record(tx, actor, 'webhook.updated', row, {
        ...(input.url !== undefined ? { urlChanged: row.url !== before.url, previousHost: hostOf(before.url) } : {}),
        ...(input.events !== undefined ? { events: row.events } : {}),
        ...(input.active !== undefined ? { active: row.active } : {}),
      })
      return row
    })
    return toWebhook(row)
  }

  /**
   * A new signing secret. Deliveries carry a signature made with the secret it replaces too for
   * `graceHours` (0: not at all), so receivers can switch over; only the last previous secret is kept.
   */
  async rotateSecret(actor: AgentActor, id: string, input: z.output<typeof RotateWebhookSecret>): Promise<Webhook> {
    requireAdmin(actor)
    const now = new Date()
    const until = input.graceHours > 0 ? new Date(now.getTime() + input.graceHours * 3_600_000) : null
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      await this.require(tx, id)
      // One statement: two rotations at once each keep the secret they replaced.
      await tx.$executeRaw`
        UPDATE mod_chat_webhooks SET
          previous_secret = CASE WHEN ${until}::timestamptz IS NULL THEN NULL ELSE secret END,
          previous_secret_expires_at = ${until}::timestamptz,
          secret = ${newSecret()},
          secret_rotated_at = ${now}
        WHERE id = ${id}::uuid`
      const row = await tx.webhook.findUniqueOrThrow({ where: { id } })
      await this.record(tx, actor, 'webhook.secret_rotated', row, { graceHours: input.graceHours, previousValidUntil: until?.toISOString() ?? null })
      return row
    })
    return toWebhook(row)
  }

  /** Deletes the webhook with its delivery log and anything still queued for it. */
  async remove(actor: AgentActor, id: string): Promise<void> {
    requireAdmin(actor)
    await this.inSiteAndAgency(actor, async (tx) => {
      const row = await this.require(tx, id)
      await tx.webhook.delete({ where: { id } })
      await this.record(tx, actor, 'webhook.deleted', row, {})
    })
  }

  /** A site transaction in which the agency's audit log can be appended to. */
  private inSiteAndAgency<T>(actor: AgentActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.scoped({ siteId: actor.siteId, agencyId: actor.agencyId }, fn)
  }

  /** The change in the audit log: the URL's host only (a webhook URL often carries a secret in its path or query). */
  private record(tx: Tx, actor: AgentActor, action: 'webhook.created' | 'webhook.updated' | 'webhook.deleted' | 'webhook.secret_rotated' | 'webhook.redelivered', hook: WebhookRow, data: Record<string, unknown>): Promise<void> {
    return this.audit.recordIn(tx, {
      agencyId: actor.agencyId,
      siteId: actor.siteId,
      action,
      actor: auditActor(actor),
      target: { type: 'webhook', id: hook.id, label: hostOf(hook.url) },
      data: { host: hostOf(hook.url), ...data },
      meta: auditMeta(actor),
    })
  }

  /** The delivery log: the latest deliveries, newest first. */
  async deliveries(actor: AgentActor, id: string): Promise<WebhookDelivery[]> {
    requireAdmin(actor)
    const rows = await this.db.inSite(actor.siteId, async (tx) => {
      await this.require(tx, id)
      return tx.webhookDelivery.findMany({ where: { webhookId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: LOG_SIZE })
    })
    return rows.map(toDelivery)
  }

  /**
   * Sends a delivery again, whatever its state (a failed one is the usual case): it is due now
   * with a full set of tries, under the same id, so a receiver that already has it can tell.
   * A paused receiver (its circuit open) is tried at once too: someone just said it is back.
   */
  async redeliver(actor: AgentActor, id: string, deliveryId: string): Promise<WebhookDelivery> {
    requireAdmin(actor)
    const row = await this.inSiteAndAgency(actor, async (tx) => {
      const hook = await this.require(tx, id)
      const found = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId: id } })
      if (!found) throw notFound('delivery')
      const now = new Date()
      const queued = await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null } })
      if (hook.circuitOpenUntil && hook.circuitOpenUntil > now) await tx.webhook.update({ where: { id }, data: { circuitOpenUntil: now } })
      await this.record(tx, actor, 'webhook.redelivered', hook, { delivery: deliveryId, event: found.event, status: found.status })
      return queued
    })
    this.onQueued()
    return toDelivery(row)
  }

  /** Queues a `ping` to the webhook (active or not), and returns its delivery. */
  async test(actor: AgentActor, id: string): Promise<WebhookDelivery> {
    requireAdmin(actor)
    const row = await this.db.inSite(actor.siteId, async (tx) => {
      const hook = await this.require(tx, id)
      const ping = crypto.randomUUID()
      const payload = { id: ping, event: 'ping', siteId: actor.siteId, webhookId: hook.id, createdAt: new Date().toISOString(), data: {} }
      return tx.webhookDelivery.create({ data: { id: ping, siteId: actor.siteId, webhookId: hook.id, event: 'ping', payload } })
    })
    this.onQueued()
    return toDelivery(row)
  }

  private async require(tx: Tx, id: string): Promise<WebhookRow> {
    const hook = await tx.webhook.findUnique({ where: { id } })
    if (!hook) throw notFound('webhook')
    return hook
  }

  // ------------------------------------------------------------------ events

  /**
   * The webhooks' consumer of the outbox (events/dispatcher.ts): one delivery per event and
   * subscribed webhook, in the dispatch's transaction. The body is { id, event, siteId,
   * createdAt, data }, `id` the event's (as is the webhook-id header): the same for every
   * webhook, every retry and every redelivery.
   */
  readonly consumer: EventConsumer = {
    name: 'webhooks',
    take: async (tx, siteId, events) => {
      if (events.length === 0) return false
      const bodies = events.map((e, n) => ({ n, id: e.id, type: e.type, payload: { id: e.id, event: e.type, siteId, createdAt: e.createdAt.toISOString(), data: e.data } }))
      const n = await tx.$executeRaw`
        INSERT INTO mod_chat_webhook_deliveries (site_id, webhook_id, event_id, event, payload)
        SELECT w.site_id, w.id, e.id, e.type, e.payload
        FROM jsonb_to_recordset(${JSON.stringify(bodies)}::jsonb) AS e(n integer, id uuid, type text, payload jsonb)
        JOIN mod_chat_webhooks w ON w.site_id = ${siteId}::uuid AND w.active AND e.type = ANY (w.events)
        ORDER BY e.n, w.id`
      return n > 0
    },
    after: () => this.onQueued(),
  }
}

/** A Standard Webhooks secret: whsec_ and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`
}

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    siteId: r.siteId,
    url: r.url,
    events: r.events as WebhookEvent[],
    secret: r.secret,
    secretRotatedAt: r.secretRotatedAt?.toISOString() ?? null,
    previousSecretValidUntil: r.previousSecret && r.previousSecretExpiresAt && r.previousSecretExpiresAt > new Date() ? r.previousSecretExpiresAt.toISOString() : null,
    active: r.active,
    createdAt: r.createdAt.toISOString(),
    consecutiveFailures: r.consecutiveFailures,
    pausedUntil: r.circuitOpenUntil && r.circuitOpenUntil > new Date() ? r.circuitOpenUntil.toISOString() : null,
  }
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhookId,
    event: r.event as WebhookDelivery['event'],
    payload: r.payload,
    status: r.status as WebhookDelivery['status'],
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    lastStatus: r.lastStatus,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }
}

/** `https://hooks.example:8443`, without the path, query or credentials of the URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return '(invalid URL)'
  }
}
