/**
 * @live-chat/sdk — typed Live Chat clients for browsers and Node 20.
 *
 * - {@link LiveChatClient}: the visitor side (what the widget uses).
 * - {@link AgentClient}: the agent side (what the dashboard uses).
 *
 * Only types come from @live-chat/protocol, so the SDK never bundles zod.
 */
export { LiveChatClient } from './visitor-client.js'
export type { LiveChatClientOptions, StartConversationOptions, VisitorEvents } from './visitor-client.js'
export { AgentClient } from './agent-client.js'
export type {
  AgentClientOptions,
  AgentEvents,
  AgentProfile,
  AgentSendOptions,
  ListConversationsFilter,
  LoginResult,
  SecondFactor,
} from './agent-client.js'
// The agent client's sub-clients (`agent.conversations`, `agent.webhooks`, ...): their types and options.
export type { AccountApi } from './agent/account.js'
export type { AgencyApi } from './agent/agency.js'
export type { AgentsApi } from './agent/agents.js'
export type { AnalyticsApi } from './agent/analytics.js'
export type { ApiKeysApi } from './agent/api-keys.js'
export type { AuditApi, AuditFilter, AuditLogQuery } from './agent/audit.js'
export type { BansApi } from './agent/bans.js'
export type { ContactsApi } from './agent/contacts.js'
export type { MentionsApi } from './agent/mentions.js'
export type { CannedResponsesApi } from './agent/canned-responses.js'
export type { TriggersApi } from './agent/triggers.js'
export type { DownloadOptions } from './agent/context.js'
export type { ConversationChanges, ConversationsApi, ExportConversationsFilter } from './agent/conversations.js'
export type { InvitationsApi } from './agent/invitations.js'
export type { MembersApi } from './agent/members.js'
export type { SettingsApi } from './agent/settings.js'
export type { SetupApi, SetupDone } from './agent/setup.js'
export type { SitesApi } from './agent/sites.js'
export type { SlaPoliciesApi } from './agent/sla.js'
export type { TeamsApi } from './agent/teams.js'
export type { VisitorsApi } from './agent/visitors.js'
export type { WebhooksApi } from './agent/webhooks.js'
export type { BaseClientOptions, BaseEvents, MessageRange, SocketClientOptions } from './base-client.js'
export { Emitter } from './emitter.js'
export type { EmitArgs, Listener, ListenerErrorHandler } from './emitter.js'
export { LiveChatError } from './errors.js'
export type { LiveChatErrorCode, LiveChatErrorInit } from './errors.js'
export type { FetchLike } from './http.js'
export { Outbox } from './outbox.js'
export type { OutboxEntry, OutboxEvents, OutboxOptions, OutboxTransport } from './outbox.js'
export { LocalStorage, MemoryStorage } from './storage.js'
export type { SendOptions, UploadOptions } from './upload.js'
export type { StorageOption, TokenStorage } from './storage.js'

export type * from '@live-chat/protocol'
