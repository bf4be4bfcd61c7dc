/**
 * Wire types: what the server sends. Timestamps are ISO 8601 strings.
 *
 * Each is a zod schema with its type beside it (`z.infer`), so the OpenAPI document
 * (GET /api/openapi.json) describes the answers from the same source the code is typed with.
 * Clients import the types only: no zod in their bundles.
 */
import { z } from 'zod'
import { DELIVERY_STATUSES } from './enums.js'
import { AgencyRoleSchema } from './accounts.js'
import {
  AgentRoleSchema,
  AgentStatusSchema,
  ConversationStatusSchema,
  PreChatFieldTypeSchema,
  PrioritySchema,
  RetentionPolicySchema,
  RichContent,
  TranscriptFormatSchema,
  WebhookEventName,
  WidgetPositionSchema,
  BanKindSchema,
  MentionKindSchema,
} from './schemas.js'
import { PublicTrigger } from './triggers.js'

const Id = z.uuid()
const Time = z.iso.datetime()
const Count = z.number().int().min(0)
const Seq = z.number().int().min(0)

export type ConversationStatus = z.infer<typeof ConversationStatusSchema>
export type Priority = z.infer<typeof PrioritySchema>
export type AgentStatus = z.infer<typeof AgentStatusSchema>
export type AgentRole = z.infer<typeof AgentRoleSchema>
export const SenderTypeSchema = z.enum(['visitor', 'agent', 'system', 'bot'])
export type SenderType = z.infer<typeof SenderTypeSchema>
export const MessageTypeSchema = z.enum(['text', 'image', 'file', 'system'])
export type MessageType = z.infer<typeof MessageTypeSchema>
export const SideSchema = z.enum(['visitor', 'agent'])
export type Side = z.infer<typeof SideSchema>
/** Who assigned a conversation: routing (`auto`) or an agent. */
export const AssignedBySchema = z.enum(['auto', 'agent'])
/** Why an agent's access to a site changed (`session:changed`). */
export const SessionChangeReasonSchema = z.enum(['role_changed', 'removed'])
export type SessionChangeReason = z.infer<typeof SessionChangeReasonSchema>

/** A file a message carries. */
export const Attachment = z.object({
  /**
   * Where the file is served (`<server>/uploads/<id>/<name>`); the unguessable id is the only
   * key, so treat the URL like the message itself. Absolute when the server knows its public URL.
   */
  url: z.string(),
  /** A safe file name (no path, the extension of the detected type). */
  name: z.string(),
  /** The content type the server detected from the bytes (one of WidgetConfig.upload.types). */
  type: z.string(),
  /** Bytes. */
  size: Count,
})
export type Attachment = z.infer<typeof Attachment>

/**
 * The answer to an upload (POST /api/visitor/uploads or /api/sites/:siteId/uploads). Send `id`
 * in a message's `attachments`; only the uploader may attach it, to one message.
 */
export const UploadedFile = Attachment.extend({ id: Id })
export type UploadedFile = z.infer<typeof UploadedFile>

/** What a system message records, for clients that render it in their own words. */
export const SystemEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('assigned'), agentId: z.string(), agentName: z.string(), by: AssignedBySchema }),
  z.object({ event: z.literal('transferred'), fromAgentId: z.string(), toAgentId: z.string(), agentName: z.string() }),
  z.object({ event: z.literal('unassigned'), agentId: z.string() }),
  /** Handed to a team (or to none: the site's general queue). Private: the team's business. */
  z.object({ event: z.literal('team'), teamId: z.string().nullable(), teamName: z.string().nullable() }),
  z.object({ event: z.literal('resolved'), agentId: z.string().nullable() }),
  z.object({ event: z.literal('reopened'), by: SideSchema }),
  z.object({ event: z.literal('closed'), by: SideSchema }),
])
export type SystemEvent = z.infer<typeof SystemEvent>

export const Message = z.object({
  id: Id,
  conversationId: Id,
  /**
   * Position in the conversation: 1, 2, 3, ... with no gaps. Visitors never receive private
   * notes, so the seqs a visitor sees may skip the notes' numbers.
   */
  seq: Seq,
  /** The sender's idempotency key, echoed back. */
  clientId: z.string().nullable(),
  senderType: SenderTypeSchema,
  senderId: z.string().nullable(),
  senderName: z.string().nullable(),
  type: MessageTypeSchema,
  text: z.string().nullable(),
  attachments: z.array(Attachment),
  /** A private note: only agents ever receive it. */
  private: z.boolean(),
  /** For system messages: the event they record. */
  system: SystemEvent.nullable(),
  /** Buttons, a card or a choice sent with the text (agents and bots; see RichContent). */
  content: RichContent.nullable(),
  /** A visitor's answer to a choice: the choice message and the option picked (`text` is its label). */
  answer: z.object({ messageId: Id, optionId: z.string() }).nullable(),
  createdAt: Time,
  /** When its sender last edited the text (null: never). Agents can read the earlier texts (`message:history`). */
  editedAt: Time.nullable(),
  /** When its sender unsent it: `text` is null, `attachments` empty and `editedAt` null (its history is erased); show a "Message removed" placeholder. */
  deletedAt: Time.nullable(),
  /**
   * The conversation's change counter at this message's last edit or unsend (0: never changed).
   * A client holding the message with a lower `rev` replaces it; the same or a higher one is a
   * repeat (see `message:updated` and SyncMessages.afterRev).
   */
  rev: Count,
})
export type Message = z.infer<typeof Message>

/** An earlier text of an edited message (agents only; erased when the message is unsent). */
export const MessageEdit = z.object({
  /** The text before this edit. */
  text: z.string().nullable(),
  editorType: SideSchema,
  editorName: z.string().nullable(),
  /** When it was replaced. */
  editedAt: Time,
})
export type MessageEdit = z.infer<typeof MessageEdit>

/** Read and delivery watermarks: every message with seq ≤ readSeq was read by that side. */
export const Receipts = z.object({
  visitorDeliveredSeq: Seq,
  visitorReadSeq: Seq,
  agentDeliveredSeq: Seq,
  agentReadSeq: Seq,
})
export type Receipts = z.infer<typeof Receipts>

/**
 * A message as `message:created` announces it live. The guarantee a client may rely on (the
 * package's README, "Message order"): `prevSeq` is the seq of the message before this one
 * that the receiver can see (an agent: `seq - 1`; a visitor: the last public one before it, 0 for
 * none). A client that holds every message it can see up to W applies a message whose
 * `prevSeq ≤ W` and moves W to its `seq`; anything else means something is missing or still on
 * its way: it keeps the message and asks `messages:sync` for everything after W. `prevSeq` is
 * absent when a stored message is announced again (a resend): sync if its seq is past W.
 * `conversation` (agents only): the conversation's counters right after this message, as stored.
 */
export const ConversationCounters = Receipts.extend({ lastSeq: Seq, lastPublicSeq: Seq })
export type ConversationCounters = z.infer<typeof ConversationCounters>

export const LiveMessage = Message.extend({
  prevSeq: Seq.optional(),
  conversation: ConversationCounters.optional(),
})
export type LiveMessage = z.infer<typeof LiveMessage>

/** An agent as a visitor sees them. */
export const AgentPublic = z.object({
  id: Id,
  name: z.string(),
  avatarUrl: z.string().nullable(),
  title: z.string().nullable(),
})
export type AgentPublic = z.infer<typeof AgentPublic>

/**
 * The agents a visitor sees online in the widget's header: public data only (a name and a picture,
 * never an email or an id). `agents` holds at most {@link TEAM_SHOWN} of them, by name; `count` is
 * how many are online in all. They are the agents who make the site available: online, accepting
 * chats and connected, while the site is open by the clock (none when it is closed).
 */
export const TeamMember = z.object({ name: z.string(), avatarUrl: z.string().nullable() })
export type TeamMember = z.infer<typeof TeamMember>
export const OnlineTeam = z.object({ agents: z.array(TeamMember), count: Count })
export type OnlineTeam = z.infer<typeof OnlineTeam>
/** How many of the online agents the widget is told about (and shows as avatars). */
export const TEAM_SHOWN = 3

/** Whether visitors can chat now, and who is there (`availability:changed`, and the widget config). */
export const Availability = z.object({ online: z.boolean(), team: OnlineTeam })
export type Availability = z.infer<typeof Availability>

/** A conversation as its visitor sees it. */
export const VisitorConversation = Receipts.extend({
  id: Id,
  siteId: Id,
  status: ConversationStatusSchema,
  /** Started as an offline message (while no agent was available). */
  offline: z.boolean(),
  agent: AgentPublic.nullable(),
  /** The highest seq the visitor can see. */
  lastSeq: Seq,
  rating: z.number().int().nullable(),
  ratingFeedback: z.string().nullable(),
  createdAt: Time,
  lastActivityAt: Time,
  resolvedAt: Time.nullable(),
})
export type VisitorConversation = z.infer<typeof VisitorConversation>

/**
 * A waiting conversation's place in its site's queue (`queue:position`, to its visitor only):
 * pending, not yet taken by an agent, and not an offline message. Sent when the visitor connects
 * and whenever the queue moves (a conversation joins, is taken, resolved or leaves, an agent's
 * capacity changes), on every server process.
 */
export const QueuePosition = z.object({
  conversationId: Id,
  /** 1 for the next to be served; the queue is served oldest first. */
  position: z.number().int().min(1),
  /** About how long until an agent takes it (seconds); null when unknown (no agent available, or too little history). */
  estimatedWaitSeconds: z.number().int().min(0).nullable(),
  /** When the server read the queue (its database clock): a client keeps the latest and drops an older one that arrives late. */
  at: Time,
})
export type QueuePosition = z.infer<typeof QueuePosition>

export const VisitorProfile = z.object({
  id: Id,
  siteId: Id,
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  company: z.string().nullable(),
  verified: z.boolean(),
  externalId: z.string().nullable(),
  customData: z.record(z.string(), z.unknown()),
})
export type VisitorProfile = z.infer<typeof VisitorProfile>

/** A page a visitor saw. */
export const PageVisit = z.object({
  url: z.string(),
  title: z.string().nullable(),
  /** When the visitor (last) arrived on it. */
  at: Time,
})
export type PageVisit = z.infer<typeof PageVisit>

/** A consent the visitor gave in a pre-chat consent field: the wording and link as they were then, and when. */
export const Consent = z.object({
  /** The consent field's name. */
  field: z.string(),
  text: z.string(),
  url: z.string().nullable(),
  givenAt: Time,
})
export type Consent = z.infer<typeof Consent>

/** A visitor as agents see them. */
export const VisitorDetail = VisitorProfile.extend({
  currentUrl: z.string().nullable(),
  currentTitle: z.string().nullable(),
  referrerUrl: z.string().nullable(),
  userAgent: z.string().nullable(),
  countryCode: z.string().nullable(),
  city: z.string().nullable(),
  online: z.boolean(),
  /** The last pages the visitor saw (at most 20), oldest first; a reload of the same page is kept once. */
  pages: z.array(PageVisit),
  /** The consents they gave (pre-chat consent fields), oldest first. */
  consents: z.array(Consent),
  lastSeenAt: Time,
  createdAt: Time,
})
export type VisitorDetail = z.infer<typeof VisitorDetail>

export const AgentSummary = z.object({
  id: Id,
  userId: Id,
  siteId: Id,
  name: z.string(),
  email: z.string(),
  avatarUrl: z.string().nullable(),
  title: z.string().nullable(),
  role: AgentRoleSchema,
  status: AgentStatusSchema,
  /** Has at least one live connection to this site. */
  online: z.boolean(),
  maxConcurrentChats: Count,
  acceptNewChats: z.boolean(),
  /** The teams the agent is in. */
  teamIds: z.array(Id),
  /** Conversations assigned and active right now. */
  activeChats: Count,
})
export type AgentSummary = z.infer<typeof AgentSummary>

/** A team (department) of a site's agents. */
export const Team = z.object({
  id: Id,
  siteId: Id,
  name: z.string(),
  /** Its members. */
  agentIds: z.array(Id),
  createdAt: Time,
})
export type Team = z.infer<typeof Team>

export const SLA_KINDS = ['first_response', 'next_response', 'resolution'] as const
export const SlaKindSchema = z.enum(SLA_KINDS)
export type SlaKind = z.infer<typeof SlaKindSchema>

/**
 * A service-level policy of a site: targets in minutes (null: none) for conversations of its team
 * and priority (null: any). The most specific policy applies: team and priority, then team, then
 * priority, then the site's default (both null).
 */
export const SlaPolicy = z.object({
  id: Id,
  siteId: Id,
  name: z.string(),
  teamId: Id.nullable(),
  priority: PrioritySchema.nullable(),
  firstResponseMinutes: z.number().int().nullable(),
  nextResponseMinutes: z.number().int().nullable(),
  resolutionMinutes: z.number().int().nullable(),
  /** Counted in the site's business hours (when it has them enabled), else around the clock. */
  businessHours: z.boolean(),
  createdAt: Time,
})
export type SlaPolicy = z.infer<typeof SlaPolicy>

/** A conversation's running SLA clock: the one due first (a response clock before resolution on a tie). */
export const SlaClock = z.object({
  kind: SlaKindSchema,
  startedAt: Time,
  /** When it is due; null for a few seconds after it starts, until the SLA job sets it in business hours. */
  dueAt: Time.nullable(),
  /** When its breach was announced (it is past due), or null. */
  breachedAt: Time.nullable(),
})
export type SlaClock = z.infer<typeof SlaClock>

export const MessagePreview = z.object({
  seq: Seq,
  senderType: SenderTypeSchema,
  text: z.string().nullable(),
  private: z.boolean(),
  /** Its sender unsent it (`text` is null): the list says "Message removed". */
  deleted: z.boolean(),
  createdAt: Time,
})
export type MessagePreview = z.infer<typeof MessagePreview>

/** A conversation as agents see it. */
export const ConversationSummary = Receipts.extend({
  id: Id,
  siteId: Id,
  status: ConversationStatusSchema,
  /** Started as an offline message: never auto-assigned; someone picks it up by hand. */
  offline: z.boolean(),
  priority: PrioritySchema,
  tags: z.array(z.string()),
  subject: z.string().nullable(),
  visitor: VisitorDetail,
  assignedAgentId: Id.nullable(),
  /** The team it is for (routed to that team's agents first), or null. */
  teamId: Id.nullable(),
  lastSeq: Seq,
  lastPublicSeq: Seq,
  /** The last message a person wrote (visitor or agent, notes included); system lines are not previews. */
  lastMessage: MessagePreview.nullable(),
  rating: z.number().int().nullable(),
  ratingFeedback: z.string().nullable(),
  queuedAt: Time.nullable(),
  createdAt: Time,
  lastActivityAt: Time,
  firstMessageAt: Time.nullable(),
  firstResponseAt: Time.nullable(),
  resolvedAt: Time.nullable(),
  closedAt: Time.nullable(),
  /**
   * When the conversation was marked missed: it waited longer than the site's
   * `missedAfterMinutes` without an agent's first reply (offline messages are never missed).
   */
  missedAt: Time.nullable(),
  /** Its running SLA clock, or null (no policy applies, or every target is met). */
  sla: SlaClock.nullable(),
})
export type ConversationSummary = z.infer<typeof ConversationSummary>

export const PreChatField = z.object({
  name: z.string(),
  label: z.string(),
  type: PreChatFieldTypeSchema,
  required: z.boolean(),
  options: z.array(z.string()).optional(),
  /** A consent field's link (the site's privacy policy). */
  url: z.string().optional(),
})
export type PreChatField = z.infer<typeof PreChatField>

/** Uploads the server accepts. */
export const UploadLimits = z.object({
  /** The largest file, in bytes. */
  maxBytes: Count,
  /** Accepted content types (detected from the bytes, not from the name). */
  types: z.array(z.string()),
})
export type UploadLimits = z.infer<typeof UploadLimits>

const WidgetLook = z.object({
  primaryColor: z.string(),
  position: WidgetPositionSchema,
  widgetTitle: z.string(),
  welcomeMessage: z.string(),
  offlineMessage: z.string(),
  avatarUrl: z.string().nullable(),
  showAgentAvatar: z.boolean(),
  autoOpenDelay: z.number().int().nullable(),
  showOnMobile: z.boolean(),
  requireEmail: z.boolean(),
  preChatEnabled: z.boolean(),
  preChatFields: z.array(PreChatField),
  /** When true, `online` is false outside `businessHours` and on `holidays`. */
  businessHoursEnabled: z.boolean(),
  /**
   * Opening ranges per weekday (`mon` … `sun`), in `timezone`. A range whose `end` is before its
   * `start` runs past midnight into the next day; `end` may be "24:00". A day without ranges is closed.
   */
  businessHours: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))),
  /** Dates (YYYY-MM-DD, in `timezone`) on which the site is closed all day. */
  holidays: z.array(z.string()),
  /** IANA time zone of the business hours (an unknown one counts as UTC). */
  timezone: z.string(),
  soundEnabled: z.boolean(),
  notificationSound: z.string(),
  language: z.string(),
  customTranslations: z.record(z.string(), z.record(z.string(), z.string())),
  /** How long (seconds) after sending a visitor or an agent may edit or unsend their own message; 0: never. */
  editWindowSeconds: z.number().int().min(0),
  /**
   * Whether proactive messages may keep their frequency caps and the "returning visitor" mark in
   * the browser's storage (the site's consent choice); without it they keep them for the page only.
   */
  triggersMayStore: z.boolean(),
})

/** Public widget settings, readable by anyone who knows the site id. */
export const WidgetConfig = WidgetLook.extend({
  siteId: Id,
  /** Whether the site is open (within business hours, if enabled) and an agent is online and accepting chats now. */
  online: z.boolean(),
  /** Who is online now (see OnlineTeam); updated live by `availability:changed`. */
  team: OnlineTeam,
  /**
   * The site's typical first reply: the median time (seconds) from a visitor's first message to
   * the first agent's reply, over its last 200 live conversations of the last 7 days; null with
   * too few. The widget shows "Usually replies in …" with it.
   */
  typicalReplySeconds: z.number().int().min(0).nullable(),
  /** What uploads the server accepts, so the widget can check a file before sending it. */
  upload: UploadLimits,
  /** Whether the server sends email (SMTP is set up): the team's replies to an absent visitor, offline messages to the team. */
  emailReplies: z.boolean(),
  /** The site's enabled proactive messages (see PublicTrigger); the widget evaluates their rules. */
  triggers: z.array(PublicTrigger),
})
export type WidgetConfig = z.infer<typeof WidgetConfig>

/** Everything an admin can change about a site. */
export const SiteSettings = z.object({
  siteId: Id,
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  /** A live conversation still without an agent's reply this many minutes after it started is marked missed. */
  missedAfterMinutes: z.number().int(),
  /** How long conversations are kept (off by default; see REST.md, "Retention"). */
  retention: RetentionPolicySchema,
  widget: WidgetLook,
})
export type SiteSettings = z.infer<typeof SiteSettings>

export const CannedResponse = z.object({
  id: Id,
  siteId: Id,
  title: z.string(),
  shortcut: z.string().nullable(),
  content: z.string(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  isPersonal: z.boolean(),
  createdById: Id.nullable(),
  usageCount: Count,
  createdAt: Time,
  updatedAt: Time,
})
export type CannedResponse = z.infer<typeof CannedResponse>

export const VisitorSession = z.object({
  /** Server-signed token: the only proof of who this visitor is. Send it back on every call. */
  token: z.string(),
  expiresAt: Time,
  visitor: VisitorProfile,
})
export type VisitorSession = z.infer<typeof VisitorSession>

/** The signed-in user, their sites and agency (GET /api/auth/me answers this without `token` and `expiresAt`). */
export const AgentProfile = z.object({
  user: z.object({ id: Id, email: z.string(), name: z.string(), avatarUrl: z.string().nullable(), twoFactorEnabled: z.boolean() }),
  /** The sites they work on; an agency owner or admin is an admin of every site of the agency. */
  sites: z.array(z.object({ siteId: Id, siteName: z.string(), agentId: Id, role: AgentRoleSchema })),
  /** Their agency and their role in it (null for an account outside any agency). */
  agency: z.object({ id: Id, name: z.string(), role: AgencyRoleSchema, requireTwoFactor: z.boolean() }).nullable(),
  /** This sign-in (GET /api/auth/sessions lists them all). */
  sessionId: Id,
})
export type AgentProfile = z.infer<typeof AgentProfile>

export const AgentSession = AgentProfile.extend({
  token: z.string(),
  expiresAt: Time,
})
export type AgentSession = z.infer<typeof AgentSession>

// Socket-only shapes and client-side filters stay plain types: no answer of the REST API is one.

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
  /** The conversations for this team. */
  teamId?: string
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
  /** A contact attribute's key: only conversations whose visitor has it (with the value or range below). */
  attribute?: string
  /** The attribute's value (`true`, `42`, `2026-12-25`, a list option, a text). */
  attributeValue?: string
  /** Numbers and dates: at least / at most this (inclusive). */
  attributeMin?: string
  attributeMax?: string
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

/** The schema of a Page of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null when there is none.' }) })

export const MessagePage = z.object({
  messages: z.array(Message),
  /** More messages exist in the direction asked for (or, with `afterRev`, more changes). */
  hasMore: z.boolean(),
  /**
   * With SyncMessages.`afterRev`: the messages (visible to the caller) edited or unsent after that
   * change counter, in their current state, oldest change first; apply each whose `rev` is above the
   * one held.
   */
  changes: z.array(Message).optional(),
  /** With `afterRev`: the change counter the caller has now caught up to (send it as the next `afterRev`). */
  rev: Count.optional(),
})
export type MessagePage = z.infer<typeof MessagePage>

export interface TypingState {
  conversationId: string
  side: Side
  typing: boolean
  name: string | null
  /** Which agent (to other agents only; visitors get the name): an agent's own other tabs are not someone else. */
  agentId?: string
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

/** The agents whose dashboards show a conversation right now (collision detection). */
export interface ConversationViewers {
  conversationId: string
  agents: { id: string; name: string }[]
}

// ------------------------------------------------------------------ webhooks

/** What a webhook may subscribe to; `ping` is sent only by "send test". */
export type WebhookEvent = z.infer<typeof WebhookEventName>

/**
 * A URL that receives a site's events as JSON POSTs signed per Standard Webhooks
 * (https://www.standardwebhooks.com): headers `webhook-id` (the event's id, the same on every
 * retry and redelivery: events are delivered at least once, dedupe on it), `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated; two while a rotated secret
 * is still in its grace period). The body is a {@link WebhookPayload}; verify it with
 * `verifyWebhook` from `@live-chat/sdk/webhooks`. Visible to the site's admins only.
 */
export const Webhook = z.object({
  id: Id,
  siteId: Id,
  url: z.string(),
  events: z.array(WebhookEventName),
  /** The signing key (`whsec_<base64>`), generated by the server. */
  secret: z.string(),
  /** When the secret was last rotated (null: never). */
  secretRotatedAt: Time.nullable(),
  /** Until when deliveries are also signed with the secret the last rotation replaced (null: they are not). */
  previousSecretValidUntil: Time.nullable(),
  active: z.boolean(),
  createdAt: Time,
  /** Failed tries in a row (no answer, refused, 408, 429, 5xx); any other answer resets it. */
  consecutiveFailures: z.number().int(),
  /**
   * While the receiver keeps failing, nothing is sent to it until then (its deliveries wait,
   * their tries unspent); then one delivery is tried, and the first success resumes sending.
   * Null while deliveries flow.
   */
  pausedUntil: Time.nullable(),
})
export type Webhook = z.infer<typeof Webhook>

/**
 * The body of every webhook delivery: `{ id, event, siteId, createdAt, data }`, `data` by event.
 * `id` is the event's (also the `webhook-id` header): the same on every retry and redelivery and
 * for every webhook, so a receiver drops what it already has by it. Events are delivered at least
 * once. `ping` (from "send test") also names the webhook.
 */
const envelope = <E extends string, D extends z.ZodType>(event: E, data: D) =>
  z.object({ id: Id, event: z.literal(event), siteId: Id, createdAt: Time, data })
const WithConversation = z.object({ conversation: ConversationSummary })
export const WebhookPayloads = {
  'message.created': envelope('message.created', z.object({ message: Message })),
  /** Its sender edited it: the message as it is when delivered (`editedAt` set; see message:updated). */
  'message.updated': envelope('message.updated', z.object({ message: Message })),
  /** Its sender unsent it: the message as stored now, its text and files gone (`deletedAt` set, `text` null). */
  'message.deleted': envelope('message.deleted', z.object({ message: Message })),
  'conversation.created': envelope('conversation.created', WithConversation),
  'conversation.assigned': envelope(
    'conversation.assigned',
    z.object({
      conversationId: Id,
      agentId: z.string(),
      agentName: z.string(),
      /** Assigned by routing (`auto`) or by an agent; absent on a transfer. */
      by: AssignedBySchema.optional(),
      /** On a transfer: who had it before. */
      fromAgentId: z.string().optional(),
    }),
  ),
  'conversation.resolved': envelope('conversation.resolved', z.object({ conversationId: Id, agentId: z.string().nullable() })),
  /** No agent replied within the site's missedAfterMinutes. */
  'conversation.missed': envelope('conversation.missed', WithConversation),
  /** One of its SLA clocks passed its due time unmet (or was met late): once per clock, whatever the number of server processes. */
  'conversation.sla_breached': envelope('conversation.sla_breached', WithConversation.extend({ kind: SlaKindSchema, startedAt: Time, dueAt: Time })),
  'offline_message.created': envelope('offline_message.created', WithConversation),
  /**
   * An admin erased the visitor and everything about them (REST.md, "Privacy"): ids only, so that a
   * receiver that keeps copies (a CRM, a ticket system) can erase its own.
   */
  'visitor.erased': envelope('visitor.erased', z.object({ visitorId: Id, conversationIds: z.array(Id) })),
  /**
   * Contacts merged (a verified identity or verified email matched): `visitorId` is the contact
   * that remains; `mergedVisitorIds` no longer exist as contacts; their conversations (ids) now
   * belong to `visitorId`.
   */
  'contact.merged': envelope('contact.merged', z.object({ visitorId: Id, mergedVisitorIds: z.array(Id), conversationIds: z.array(Id) })),
  ping: envelope('ping', z.object({})).extend({ webhookId: Id }),
} as const satisfies Record<WebhookEvent | 'ping', z.ZodType>
export type WebhookPayload = z.infer<(typeof WebhookPayloads)[keyof typeof WebhookPayloads]>
/** The `data` of each event a webhook receives. */
export type WebhookEventData = { [E in WebhookEvent]: z.infer<(typeof WebhookPayloads)[E]>['data'] }

/** One event sent (or being sent) to one webhook: the delivery log. */
export const WebhookDelivery = z.object({
  id: Id,
  webhookId: Id,
  event: z.union([WebhookEventName, z.literal('ping')]),
  /** The body sent (see WebhookPayloads). */
  payload: z.unknown(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: Count,
  nextAttemptAt: Time,
  /** The receiver's last HTTP status, if it answered. */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Time,
  deliveredAt: Time.nullable(),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>

/** A conversation's transcript download: JSON, CSV (one row per message) or plain text. */
export type TranscriptFormat = z.infer<typeof TranscriptFormatSchema>

export const TranscriptMessage = z.object({
  seq: Seq,
  createdAt: Time,
  senderType: SenderTypeSchema,
  /** As the transcript shows it: the stored name, else "Visitor" / "Agent" / "System". */
  senderName: z.string(),
  /** A private note (agents only; the visitor never saw it). */
  private: z.boolean(),
  type: MessageTypeSchema,
  /** Null for an unsent message (its text is gone; see Message.deletedAt). */
  text: z.string().nullable(),
  attachments: z.array(Attachment),
  editedAt: Time.nullable(),
  deletedAt: Time.nullable(),
})
export type TranscriptMessage = z.infer<typeof TranscriptMessage>

/** A conversation's transcript as `GET …/conversations/:id/transcript?format=json` answers it. */
export const Transcript = z.object({
  conversation: z.object({
    id: Id,
    siteId: Id,
    status: ConversationStatusSchema,
    subject: z.string().nullable(),
    tags: z.array(z.string()),
    priority: PrioritySchema,
    offline: z.boolean(),
    rating: z.number().int().nullable(),
    ratingFeedback: z.string().nullable(),
    createdAt: Time,
    resolvedAt: Time.nullable(),
    closedAt: Time.nullable(),
    missedAt: Time.nullable(),
    visitor: z.object({ id: Id, name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
    agent: z.object({ id: Id, name: z.string() }).nullable(),
  }),
  /** The site's time zone (the text format shows times in it). */
  timezone: z.string(),
  exportedAt: Time,
  /** Every message in seq order, private notes and system lines included. */
  messages: z.array(TranscriptMessage),
})
export type Transcript = z.infer<typeof Transcript>

// ------------------------------------------------------------------ privacy: a visitor's export, their erasure

/** A file in a visitor's export archive: the upload, and where its bytes are in the archive. */
export const ExportedFile = z.object({
  id: Id,
  name: z.string(),
  type: z.string(),
  size: Count,
  uploadedAt: Time,
  /** The file's path in the archive: `files/<id>/<name>`. */
  path: z.string(),
})
export type ExportedFile = z.infer<typeof ExportedFile>

/** A message in a visitor's export: as the transcript has it, with its earlier texts and its files. */
export const ExportedMessage = TranscriptMessage.extend({
  id: Id,
  /** The texts it had before its edits, oldest first (empty when never edited, or unsent). */
  edits: z.array(MessageEdit),
  /** Its attachments' bytes in the archive (the same files as `attachments`). */
  files: z.array(ExportedFile),
})
export type ExportedMessage = z.infer<typeof ExportedMessage>

/**
 * `visitor.json`, the document of a visitor's export archive (GET …/visitors/:visitorId/export, a
 * .zip): everything the site holds about the visitor — their profile, the pages they saw, their
 * consents, and each of their conversations with its rating and every message (private notes
 * included and marked, edits and unsent ones as the site's history shows them). The archive
 * holds the files too, at each file's `path`.
 */
/** An agent's note on a contact (not on a conversation): see contacts.ts. */
export const ContactNote = z.object({
  id: Id,
  visitorId: Id,
  /** The author: an agent (their membership id), or an API key (agentId null) under its name. */
  author: z.object({ agentId: Id.nullable(), name: z.string() }),
  text: z.string(),
  createdAt: Time,
  updatedAt: Time,
})
export type ContactNote = z.infer<typeof ContactNote>

export const VisitorExport = z.object({
  format: z.literal('live-chat.visitor-export'),
  version: z.literal(1),
  exportedAt: Time,
  site: z.object({ id: Id, name: z.string(), timezone: z.string() }),
  visitor: VisitorDetail.omit({ online: true }).extend({
    ipAddress: z.string().nullable(),
    /** Their contact attributes' values by key. */
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /** The team's notes on them. */
    notes: z.array(ContactNote),
  }),
  conversations: z.array(
    Transcript.shape.conversation.omit({ visitor: true }).extend({ lastActivityAt: Time, messages: z.array(ExportedMessage) }),
  ),
  /** Files the visitor uploaded but never sent. */
  unsentFiles: z.array(ExportedFile),
})
export type VisitorExport = z.infer<typeof VisitorExport>

/** DELETE …/visitors/:visitorId: what was erased. */
export const VisitorErased = z.object({
  visitorId: Id,
  conversations: Count,
  messages: Count,
  /** Uploaded files (their bytes) removed. */
  files: Count,
})
export type VisitorErased = z.infer<typeof VisitorErased>

/** Durations in seconds; null when `count` is 0. */
export const DurationStats = z.object({
  count: Count,
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
})
export type DurationStats = z.infer<typeof DurationStats>

const CsatMean = z.object({ count: Count, mean: z.number().nullable() })

export const CsatStats = CsatMean.extend({
  /** How many ratings of 1, 2, 3, 4 and 5 (index 0 is a rating of 1). */
  distribution: z.tuple([Count, Count, Count, Count, Count]),
})
export type CsatStats = z.infer<typeof CsatStats>

/** One day of a report. Conversation figures count conversations started that day; `messages`, messages sent that day. */
export const AnalyticsDay = z.object({
  date: z.string(),
  conversations: Count,
  messages: Count,
  resolved: Count,
  missed: Count,
  offline: Count,
  firstResponse: DurationStats,
  csat: CsatMean,
})
export type AnalyticsDay = z.infer<typeof AnalyticsDay>

export const AgentAnalytics = z.object({
  agentId: Id,
  name: z.string(),
  /** Conversations started in the range and assigned to this agent now. */
  handled: Count,
  /** Public messages this agent sent in the range. */
  messages: Count,
  /** First responses this agent gave, in conversations started in the range. */
  firstResponse: DurationStats,
  csat: CsatMean,
})
export type AgentAnalytics = z.infer<typeof AgentAnalytics>

/** SLA clocks that came due or were met in the range: met in time and breached, per kind. */
export const SlaCounts = z.object({
  met: Count,
  breached: Count,
  /** met / (met + breached), 0..1; null when there were none. */
  rate: z.number().nullable(),
  byKind: z.record(SlaKindSchema, z.object({ met: Count, breached: Count })),
})
export type SlaCounts = z.infer<typeof SlaCounts>

/** SLA results of the range, overall, per agent (the conversation's assignee) and per team (null: no team). */
export const SlaReport = SlaCounts.extend({
  agents: z.array(SlaCounts.extend({ agentId: Id, name: z.string() })),
  teams: z.array(SlaCounts.extend({ teamId: Id.nullable(), name: z.string() })),
})
export type SlaReport = z.infer<typeof SlaReport>

export const AnalyticsReport = z.object({
  siteId: Id,
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  conversations: Count,
  messages: z.object({ total: Count, visitor: Count, agent: Count }),
  resolved: Count,
  missed: Count,
  offline: Count,
  firstResponse: DurationStats,
  /** From start to resolution, for conversations resolved so far. */
  resolution: DurationStats,
  csat: CsatStats,
  /** Conversations started, by weekday (0 = Monday … 6 = Sunday) and hour (0..23) in the site's time zone. */
  busiestHours: z.array(z.array(Count)),
  days: z.array(AnalyticsDay),
  agents: z.array(AgentAnalytics),
  /** SLA clocks that ended (met or breached) in the range. */
  sla: SlaReport,
  /**
   * When the daily aggregates this report reads were last brought up to date: the start of the last
   * complete run (everything written before it is counted). 1970-01-01T00:00:00.000Z before the first.
   */
  updatedAt: Time,
})
export type AnalyticsReport = z.infer<typeof AnalyticsReport>

/** A ban of a site (see CreateBan): who or what may not chat, until it expires or is lifted. */
export const Ban = z.object({
  id: Id,
  siteId: Id,
  kind: BanKindSchema,
  /** Kind `visitor`: the visitor, with their name and email as they are now. */
  visitor: z.object({ id: Id, name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  /** Kind `email`: the address, in lower case. */
  email: z.string().nullable(),
  /** Kind `ip`: the network (`203.0.113.0/24`; a single address without a prefix). */
  network: z.string().nullable(),
  reason: z.string().nullable(),
  /** Null: until lifted. */
  expiresAt: Time.nullable(),
  /** Who banned: an agent (their membership id), or an API key (agentId null) under its name. */
  createdBy: z.object({ agentId: Id.nullable(), name: z.string() }),
  createdAt: Time,
})
export type Ban = z.infer<typeof Ban>
export type BanKind = z.infer<typeof BanKindSchema>

/**
 * An agent was mentioned (`@name`) in a private note, or a supervisor whispered to them (a private
 * note in a conversation assigned to them). Only that agent sees it.
 */
export const Mention = z.object({
  id: Id,
  siteId: Id,
  conversationId: Id,
  messageId: Id,
  kind: MentionKindSchema,
  /** The agent mentioned (their membership id). */
  agentId: Id,
  /** Who wrote the note. */
  by: z.object({ agentId: Id, name: z.string() }),
  /** The note's text as it is now ('' when it was unsent). */
  text: z.string(),
  /** The conversation's visitor, by name (null: anonymous). */
  visitorName: z.string().nullable(),
  createdAt: Time,
  /** Null: unread. */
  readAt: Time.nullable(),
})
export type Mention = z.infer<typeof Mention>
export type MentionKind = z.infer<typeof MentionKindSchema>

/** The caller's mentions and how many are unread in all. */
export const MentionPage = z.object({ items: z.array(Mention), unread: z.number().int() })
export type MentionPage = z.infer<typeof MentionPage>
