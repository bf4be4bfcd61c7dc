/** Wire types: what the server sends. Timestamps are ISO 8601 strings. */
import type { AgencyRole } from './accounts.js'

export type ConversationStatus = 'pending' | 'active' | 'resolved' | 'closed'
export type Priority = 'low' | 'normal' | 'high' | 'urgent'
export type AgentStatus = 'online' | 'away' | 'busy' | 'offline'
export type AgentRole = 'admin' | 'agent'
export type SenderType = 'visitor' | 'agent' | 'system' | 'bot'
export type MessageType = 'text' | 'image' | 'file' | 'system'
export type Side = 'visitor' | 'agent'

/** A file a message carries. */
export interface Attachment {
  /**
   * Where the file is served (`<server>/uploads/<id>/<name>`); the unguessable id is the only
   * key, so treat the URL like the message itself. Absolute when the server knows its public URL.
   */
  url: string
  /** A safe file name (no path, the extension of the detected type). */
  name: string
  /** The content type the server detected from the bytes (one of WidgetConfig.upload.types). */
  type: string
  /** Bytes. */
  size: number
}

/**
 * The answer to an upload (POST /api/visitor/uploads or /api/sites/:siteId/uploads). Send `id`
 * in a message's `attachments`; only the uploader may attach it, to one message.
 */
export interface UploadedFile extends Attachment {
  id: string
}

/** What a system message records, for clients that render it in their own words. */
export type SystemEvent =
  | { event: 'assigned'; agentId: string; agentName: string; by: 'auto' | 'agent' }
  | { event: 'transferred'; fromAgentId: string; toAgentId: string; agentName: string }
  | { event: 'unassigned'; agentId: string }
  | { event: 'resolved'; agentId: string | null }
  | { event: 'reopened'; by: Side }
  | { event: 'closed'; by: Side }

export interface Message {
  id: string
  conversationId: string
  /**
   * Position in the conversation: 1, 2, 3, ... with no gaps. Visitors never receive private
   * notes, so the seqs a visitor sees may skip the notes' numbers.
   */
  seq: number
  /** The sender's idempotency key, echoed back. */
  clientId: string | null
  senderType: SenderType
  senderId: string | null
  senderName: string | null
  type: MessageType
  text: string | null
  attachments: Attachment[]
  /** A private note: only agents ever receive it. */
  private: boolean
  /** For system messages: the event they record. */
  system: SystemEvent | null
  createdAt: string
}

/** Read and delivery watermarks: every message with seq ≤ readSeq was read by that side. */
export interface Receipts {
  visitorDeliveredSeq: number
  visitorReadSeq: number
  agentDeliveredSeq: number
  agentReadSeq: number
}

/** An agent as a visitor sees them. */
export interface AgentPublic {
  id: string
  name: string
  avatarUrl: string | null
  title: string | null
}

/** A conversation as its visitor sees it. */
export interface VisitorConversation extends Receipts {
  id: string
  siteId: string
  status: ConversationStatus
  /** Started as an offline message (while no agent was available). */
  offline: boolean
  agent: AgentPublic | null
  /** The highest seq the visitor can see. */
  lastSeq: number
  rating: number | null
  ratingFeedback: string | null
  createdAt: string
  lastActivityAt: string
  resolvedAt: string | null
}

export interface VisitorProfile {
  id: string
  siteId: string
  name: string | null
  email: string | null
  phone: string | null
  verified: boolean
  externalId: string | null
  customData: Record<string, unknown>
}

/** A visitor as agents see them. */
export interface VisitorDetail extends VisitorProfile {
  currentUrl: string | null
  currentTitle: string | null
  referrerUrl: string | null
  userAgent: string | null
  countryCode: string | null
  city: string | null
  online: boolean
  /** The last pages the visitor saw (at most 20), oldest first; a reload of the same page is kept once. */
  pages: PageVisit[]
  lastSeenAt: string
  createdAt: string
}

/** A page a visitor saw. */
export interface PageVisit {
  url: string
  title: string | null
  /** When the visitor (last) arrived on it. */
  at: string
}

export interface AgentSummary {
  id: string
  userId: string
  siteId: string
  name: string
  email: string
  avatarUrl: string | null
  title: string | null
  role: AgentRole
  status: AgentStatus
  /** Has at least one live connection to this site. */
  online: boolean
  maxConcurrentChats: number
  acceptNewChats: boolean
  departments: string[]
  /** Conversations assigned and active right now. */
  activeChats: number
}

export interface MessagePreview {
  seq: number
  senderType: SenderType
  text: string | null
  private: boolean
  createdAt: string
}

/** A conversation as agents see it. */
export interface ConversationSummary extends Receipts {
  id: string
  siteId: string
  status: ConversationStatus
  /** Started as an offline message: never auto-assigned; someone picks it up by hand. */
  offline: boolean
  priority: Priority
  tags: string[]
  subject: string | null
  visitor: VisitorDetail
  assignedAgentId: string | null
  lastSeq: number
  lastPublicSeq: number
  /** The last message a person wrote (visitor or agent, notes included); system lines are not previews. */
  lastMessage: MessagePreview | null
  rating: number | null
  ratingFeedback: string | null
  queuedAt: string | null
  createdAt: string
  lastActivityAt: string
  firstMessageAt: string | null
  firstResponseAt: string | null
  resolvedAt: string | null
  closedAt: string | null
  /**
   * When the conversation was marked missed: it waited longer than the site's
   * `missedAfterMinutes` without an agent's first reply (offline messages are never missed).
   */
  missedAt: string | null
}

export interface PreChatField {
  name: string
  label: string
  type: 'text' | 'email' | 'phone' | 'select' | 'textarea'
  required: boolean
  options?: string[]
}

/** Public widget settings, readable by anyone who knows the site id. */
export interface WidgetConfig {
  siteId: string
  primaryColor: string
  position: 'bottom-right' | 'bottom-left'
  widgetTitle: string
  welcomeMessage: string
  offlineMessage: string
  avatarUrl: string | null
  showAgentAvatar: boolean
  autoOpenDelay: number | null
  showOnMobile: boolean
  requireEmail: boolean
  preChatEnabled: boolean
  preChatFields: PreChatField[]
  /** When true, `online` is false outside `businessHours` and on `holidays`. */
  businessHoursEnabled: boolean
  /**
   * Opening ranges per weekday (`mon` … `sun`), in `timezone`. A range whose `end` is before its
   * `start` runs past midnight into the next day; `end` may be "24:00". A day without ranges is closed.
   */
  businessHours: Record<string, { start: string; end: string }[]>
  /** Dates (YYYY-MM-DD, in `timezone`) on which the site is closed all day. */
  holidays: string[]
  /** IANA time zone of the business hours (an unknown one counts as UTC). */
  timezone: string
  soundEnabled: boolean
  notificationSound: string
  language: string
  customTranslations: Record<string, Record<string, string>>
  /** Whether the site is open (within business hours, if enabled) and an agent is online and accepting chats now. */
  online: boolean
  /** What uploads the server accepts, so the widget can check a file before sending it. */
  upload: UploadLimits
}

/** Uploads the server accepts. */
export interface UploadLimits {
  /** The largest file, in bytes. */
  maxBytes: number
  /** Accepted content types (detected from the bytes, not from the name). */
  types: string[]
}

/** Everything an admin can change about a site. */
export interface SiteSettings {
  siteId: string
  name: string
  allowedOrigins: string[]
  /** A live conversation still without an agent's reply this many minutes after it started is marked missed. */
  missedAfterMinutes: number
  widget: Omit<WidgetConfig, 'online' | 'siteId' | 'upload'>
}

export interface CannedResponse {
  id: string
  siteId: string
  title: string
  shortcut: string | null
  content: string
  category: string | null
  tags: string[]
  isPersonal: boolean
  createdById: string | null
  usageCount: number
  createdAt: string
  updatedAt: string
}

export interface VisitorSession {
  /** Server-signed token: the only proof of who this visitor is. Send it back on every call. */
  token: string
  expiresAt: string
  visitor: VisitorProfile
}

export interface AgentSession {
  token: string
  expiresAt: string
  user: { id: string; email: string; name: string; avatarUrl: string | null; twoFactorEnabled: boolean }
  /** The sites they work on; an agency owner or admin is an admin of every site of the agency. */
  sites: { siteId: string; siteName: string; agentId: string; role: AgentRole }[]
  /** Their agency and their role in it (null for an account outside any agency). */
  agency: { id: string; name: string; role: AgencyRole; requireTwoFactor: boolean } | null
  /** This sign-in (GET /api/auth/sessions lists them all). */
  sessionId: string
}

/** A range of messages: `after` to catch up (oldest first), `before` to scroll back; not both. */
export interface MessageRange {
  /** Messages after this seq, oldest first. */
  after?: number
  /** The newest page of messages before this seq, returned oldest first. */
  before?: number
  /** Page size, 1..200. */
  limit?: number
}

/** Filters of the agents' conversation list (sent as the query string). */
export interface ListConversationsFilter {
  /** One status or several. */
  status?: ConversationStatus | ConversationStatus[]
  /** Only conversations assigned to the caller. */
  mine?: boolean
  /** Only conversations assigned to nobody. */
  unassigned?: boolean
  /** Only offline messages (true), or only live chats (false). */
  offline?: boolean
  agentId?: string
  priority?: Priority
  tag?: string
  /** Only this visitor's conversations (their history). */
  visitorId?: string
  /** Words in the subject, the visitor's name, email or phone, or any message (full-text search). */
  q?: string
  /** Started on or after this day (YYYY-MM-DD in the site's time zone). */
  from?: string
  /** Started on or before this day (YYYY-MM-DD in the site's time zone). */
  to?: string
  /** Rated with this score, or one of these scores (1..5). */
  rating?: number | number[]
  /** Only missed conversations (true), or only those not missed (false). */
  missed?: boolean
  /** `nextCursor` of the previous page. */
  cursor?: string
  /** Page size, 1..100. */
  limit?: number
}

export interface Page<T> {
  items: T[]
  /** Pass as `cursor` for the next page; null when there is none. */
  nextCursor: string | null
}

export interface MessagePage {
  messages: Message[]
  /** More messages exist in the direction asked for. */
  hasMore: boolean
}

export interface TypingState {
  conversationId: string
  side: Side
  typing: boolean
  name: string | null
}

export interface ReceiptState extends Receipts {
  conversationId: string
}

export interface VisitorPresence {
  visitorId: string
  online: boolean
  currentUrl: string | null
  currentTitle: string | null
}

export interface Presence {
  agents: AgentSummary[]
  visitors: VisitorPresence[]
}

// ------------------------------------------------------------------ webhooks

/** What a webhook may subscribe to; `ping` is sent only by "send test". */
export type WebhookEvent =
  | 'message.created'
  | 'conversation.created'
  | 'conversation.assigned'
  | 'conversation.resolved'
  /** No agent replied within the site's missedAfterMinutes; data: { conversation }. */
  | 'conversation.missed'
  | 'offline_message.created'

/**
 * A URL that receives a site's events as JSON POSTs signed per Standard Webhooks
 * (https://www.standardwebhooks.com): headers `webhook-id` (the delivery's id, the same on every
 * retry: dedupe on it), `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated; two while a rotated secret
 * is still in its grace period). The body is a {@link WebhookPayload}; verify it with
 * `verifyWebhook` from `@live-chat/sdk/webhooks`. Visible to the site's admins only.
 */
export interface Webhook {
  id: string
  siteId: string
  url: string
  events: WebhookEvent[]
  /** The signing key (`whsec_<base64>`), generated by the server. */
  secret: string
  /** When the secret was last rotated (null: never). */
  secretRotatedAt: string | null
  /** Until when deliveries are also signed with the secret the last rotation replaced (null: they are not). */
  previousSecretValidUntil: string | null
  active: boolean
  createdAt: string
}

/** The `data` of each event a webhook receives. */
export interface WebhookEventData {
  /** A visitor's or an agent's message (never a private note), as the API returns it. */
  'message.created': { message: Message }
  'conversation.created': { conversation: ConversationSummary }
  'conversation.assigned':
    | { conversationId: string; agentId: string; agentName: string; by: 'auto' | 'agent' }
    | { conversationId: string; agentId: string; agentName: string; fromAgentId: string }
  'conversation.resolved': { conversationId: string; agentId: string | null }
  'conversation.missed': { conversation: ConversationSummary }
  /** A message left while no agent was available. */
  'offline_message.created': { conversation: ConversationSummary }
}

/** "Send test" (POST …/webhooks/:id/test), active webhook or not. */
export interface WebhookPing {
  event: 'ping'
  siteId: string
  webhookId: string
  createdAt: string
  data: Record<string, never>
}

/** A webhook delivery's body, discriminated by `event`. */
export type WebhookPayload =
  | { [E in WebhookEvent]: { event: E; siteId: string; createdAt: string; data: WebhookEventData[E] } }[WebhookEvent]
  | WebhookPing

/** One event sent (or being sent) to one webhook: the delivery log. */
export interface WebhookDelivery {
  id: string
  webhookId: string
  event: WebhookEvent | 'ping'
  payload: unknown
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: string
  /** The receiver's last HTTP status, if it answered. */
  lastStatus: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

/** A conversation's transcript download: JSON, CSV (one row per message) or plain text. */
export type TranscriptFormat = 'json' | 'csv' | 'txt'

/** A conversation's transcript as `GET …/conversations/:id/transcript?format=json` answers it. */
export interface Transcript {
  conversation: {
    id: string
    siteId: string
    status: ConversationStatus
    subject: string | null
    tags: string[]
    priority: Priority
    offline: boolean
    rating: number | null
    ratingFeedback: string | null
    createdAt: string
    resolvedAt: string | null
    closedAt: string | null
    missedAt: string | null
    visitor: { id: string; name: string | null; email: string | null; phone: string | null }
    agent: { id: string; name: string } | null
  }
  /** The site's time zone (the text format shows times in it). */
  timezone: string
  exportedAt: string
  /** Every message in seq order, private notes and system lines included. */
  messages: TranscriptMessage[]
}

export interface TranscriptMessage {
  seq: number
  createdAt: string
  senderType: SenderType
  /** As the transcript shows it: the stored name, else "Visitor" / "Agent" / "System". */
  senderName: string
  /** A private note (agents only; the visitor never saw it). */
  private: boolean
  type: MessageType
  text: string | null
  attachments: Attachment[]
}

/** Durations in seconds; null when `count` is 0. */
export interface DurationStats {
  count: number
  mean: number | null
  median: number | null
  p90: number | null
}

export interface CsatStats {
  count: number
  mean: number | null
  /** How many ratings of 1, 2, 3, 4 and 5 (index 0 is a rating of 1). */
  distribution: [number, number, number, number, number]
}

/** One day of a report. Conversation figures count conversations started that day; `messages`, messages sent that day. */
export interface AnalyticsDay {
  date: string
  conversations: number
  messages: number
  resolved: number
  missed: number
  offline: number
  firstResponse: DurationStats
  csat: { count: number; mean: number | null }
}

export interface AgentAnalytics {
  agentId: string
  name: string
  /** Conversations started in the range and assigned to this agent now. */
  handled: number
  /** Public messages this agent sent in the range. */
  messages: number
  /** First responses this agent gave, in conversations started in the range. */
  firstResponse: DurationStats
  csat: { count: number; mean: number | null }
}

export interface AnalyticsReport {
  siteId: string
  timezone: string
  from: string
  to: string
  conversations: number
  messages: { total: number; visitor: number; agent: number }
  resolved: number
  missed: number
  offline: number
  firstResponse: DurationStats
  /** From start to resolution, for conversations resolved so far. */
  resolution: DurationStats
  csat: CsatStats
  /** Conversations started, by weekday (0 = Monday … 6 = Sunday) and hour (0..23) in the site's time zone. */
  busiestHours: number[][]
  days: AnalyticsDay[]
  agents: AgentAnalytics[]
  /**
   * When the daily aggregates this report reads were last brought up to date: the start of the last
   * complete run (everything written before it is counted). 1970-01-01T00:00:00.000Z before the first.
   */
  updatedAt: string
}
