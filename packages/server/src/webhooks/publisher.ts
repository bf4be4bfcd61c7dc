// The publisher that also queues webhooks: every fact is announced through Publisher after its
// transaction commits, so queueing here sees every event of every path (HTTP, socket, routing)
// without the services knowing about webhooks.
import type { ConversationSummary, Message } from '@live-chat/protocol'
import { Publisher, type MessageOptions } from '../realtime/publisher.js'
import type { AgentNamespace, VisitorNamespace } from '../realtime/types.js'
import type { WebhookService } from './service.js'

export class WebhookPublisher extends Publisher {
  constructor(
    visitors: VisitorNamespace,
    agents: AgentNamespace,
    private readonly webhooks: WebhookService,
  ) {
    super(visitors, agents)
  }

  override message(siteId: string, visitorId: string, message: Message, opts: MessageOptions = {}): void {
    super.message(siteId, visitorId, message, opts)
    if (opts.webhooksQueued === undefined) this.webhooks.message(siteId, message)
    else if (opts.webhooksQueued > 0) this.webhooks.onQueued()
  }

  override conversationCreated(summary: ConversationSummary): void {
    super.conversationCreated(summary)
    this.webhooks.conversationCreated(summary)
  }

  override conversationMissed(summary: ConversationSummary): void {
    super.conversationMissed(summary)
    this.webhooks.emit(summary.siteId, 'conversation.missed', { conversation: summary })
  }
}
