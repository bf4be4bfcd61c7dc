import type { CreateWebhook, UpdateWebhook, Webhook, WebhookDelivery } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The current site's webhooks and their delivery logs (`agent.webhooks`; admins only). To check
 * a delivery's signature on the receiving end, see `@live-chat/sdk/webhooks`.
 */
export class WebhooksApi extends AgentApi {
  /** The site's webhooks. */
  async list(): Promise<Webhook[]> {
    const { items } = await this.ctx.http<{ items: Webhook[] }>('GET', this.ctx.site('/webhooks'))
    return items
  }

  /** Adds a webhook; the server generates its signing secret. */
  async create(input: CreateWebhook): Promise<Webhook> {
    return this.ctx.http<Webhook>('POST', this.ctx.site('/webhooks'), { body: input })
  }

  /** Changes a webhook's URL, events or active flag. */
  async update(id: string, changes: UpdateWebhook): Promise<Webhook> {
    return this.ctx.http<Webhook>('PATCH', this.ctx.site(`/webhooks/${seg(id)}`), { body: changes })
  }

  /** Deletes a webhook with its delivery log. */
  async delete(id: string): Promise<void> {
    await this.ctx.http('DELETE', this.ctx.site(`/webhooks/${seg(id)}`))
  }

  /** A webhook's delivery log, newest first (the latest 50). */
  async deliveries(id: string): Promise<WebhookDelivery[]> {
    const { items } = await this.ctx.http<{ items: WebhookDelivery[] }>('GET', this.ctx.site(`/webhooks/${seg(id)}/deliveries`))
    return items
  }

  /**
   * Sends a delivery again, under the same id with a full set of tries; a receiver paused after
   * failing is tried at once.
   */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.ctx.http<WebhookDelivery>('POST', this.ctx.site(`/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/redeliver`))
  }

  /** Queues a `ping` to the webhook and returns its delivery. */
  async test(id: string): Promise<WebhookDelivery> {
    return this.ctx.http<WebhookDelivery>('POST', this.ctx.site(`/webhooks/${seg(id)}/test`))
  }

  /**
   * A new signing secret for the webhook. For `graceHours` (default 24; 0 = not at all)
   * deliveries are signed with the old secret too, so the receiver can switch over.
   */
  async rotateSecret(id: string, graceHours = 24): Promise<Webhook> {
    return this.ctx.http<Webhook>('POST', this.ctx.site(`/webhooks/${seg(id)}/secret/rotate`), { body: { graceHours } })
  }
}
