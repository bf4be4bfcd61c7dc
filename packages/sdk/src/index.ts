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
  AuditFilter,
  AuditLogQuery,
  ConversationChanges,
  DownloadOptions,
  ExportConversationsFilter,
  ListConversationsFilter,
  LoginResult,
  SecondFactor,
  SetupDone,
} from './agent-client.js'
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
