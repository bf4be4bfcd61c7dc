/**
 * Input schemas: the server parses every socket payload, HTTP body and query string with
 * these. Clients may use them to validate before sending, but types alone add no bytes.
 */
import { z } from 'zod'
import { LIMITS } from './limits.js'
import { AGENT_STATUSES, CONVERSATION_STATUSES, PRE_CHAT_FIELD_TYPES, PRIORITIES } from './enums.js'

const id = z.uuid({ message: 'must be a UUID' })
/** A message seq: stored as a Postgres integer, so at most 2^31 - 1. */
const SEQ_MAX = 2_147_483_647
const seq = (min: number) => z.number().int().min(min).max(SEQ_MAX)
const trimmed = (max: number) => z.string().trim().min(1).max(max)
const optionalText = (max: number) => z.string().trim().max(max).optional()

/** An idempotency key chosen by the client (a UUID is a good choice). */
export const ClientId = z
  .string()
  .min(8)
  .max(LIMITS.clientId)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')

export const ConversationStatusSchema = z.enum(CONVERSATION_STATUSES)
export const PrioritySchema = z.enum(PRIORITIES)
export const AgentStatusSchema = z.enum(AGENT_STATUSES)
/**
 * A site role. `supervisor`: reads every conversation, is never routed chats, writes private notes
 * anywhere (a note in someone else's conversation is a whisper to them) and may take a conversation
 * over (assign it to themselves); only then do they answer the visitor.
 */
export const AgentRoleSchema = z.enum(['admin', 'agent', 'supervisor'])
export const WidgetPositionSchema = z.enum(['bottom-right', 'bottom-left'])
export const PreChatFieldTypeSchema = z.enum(PRE_CHAT_FIELD_TYPES)
export const TranscriptFormatSchema = z.enum(['json', 'csv', 'txt'])
export const Tag = z.string().trim().toLowerCase().min(1).max(LIMITS.tag)
export const Tags = z.array(Tag).max(LIMITS.tags)
const Url = z.string().trim().max(LIMITS.url)

export const CustomData = z
  .record(z.string().min(1).max(100), z.union([z.string().max(LIMITS.customValue), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= LIMITS.customFields, `at most ${LIMITS.customFields} fields`)

/** Contact details a visitor may give (pre-chat form, later edits). */
export const VisitorFields = z.object({
  name: optionalText(LIMITS.name),
  email: z.email().max(LIMITS.email).optional(),
  phone: optionalText(LIMITS.phone),
  company: optionalText(LIMITS.company),
  custom: CustomData.optional(),
  /**
   * Custom attributes by key (see contacts.ts): only those the site marks "visitor may set"; any
   * other key is refused (`forbidden`) and nothing of the update is kept.
   */
  attributes: z.record(z.string().min(1).max(50), z.union([z.string().max(LIMITS.attributeText), z.number(), z.boolean(), z.null()]))
    .refine((r) => Object.keys(r).length <= LIMITS.contactAttributes, `at most ${LIMITS.contactAttributes} attributes`)
    .optional(),
})
export type VisitorFields = z.infer<typeof VisitorFields>

// ---------------------------------------------------------------- visitor session (REST)

export const Identity = z.object({
  /** The host site's own user id. */
  userId: trimmed(200),
  /** HMAC-SHA256(site identity secret, userId), hex, computed by the host site's server. */
  hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters'),
  name: optionalText(LIMITS.name),
  email: z.email().max(LIMITS.email).optional(),
})
export type Identity = z.infer<typeof Identity>

export const CreateVisitorSession = z.object({
  /** A token from an earlier session: the same visitor comes back. */
  token: z.string().max(4_096).optional(),
  identity: Identity.optional(),
  page: z.object({ url: Url, title: optionalText(LIMITS.title), referrer: Url.optional() }).optional(),
})
export type CreateVisitorSession = z.infer<typeof CreateVisitorSession>

// ---------------------------------------------------------------- shared socket commands

export const ConversationRef = z.object({ conversationId: id })
export type ConversationRef = z.infer<typeof ConversationRef>

/** Ids of uploads (POST …/uploads) a message carries: each once, at most LIMITS.attachments. */
export const AttachmentIds = z
  .array(id)
  .max(LIMITS.attachments, `at most ${LIMITS.attachments} attachments`)
  .refine((ids) => new Set(ids.map((i) => i.toLowerCase())).size === ids.length, 'each upload at most once')

/**
 * A URL a rich message links to or shows: https only (no javascript:, data: or plain http), so a
 * link button or a card's image can never run script nor leak over cleartext.
 */
const HttpsUrl = z
  .string()
  .trim()
  .max(LIMITS.url)
  .refine((u) => {
    try {
      const url = new URL(u)
      return url.protocol === 'https:' && url.hostname !== ''
    } catch {
      return false
    }
  }, 'must be an https:// URL')

const RichLabel = trimmed(LIMITS.richLabel)

/** A button of a rich message: a quick reply (sends `value`, or the label, as the visitor's message) or a link (opens `url` in a new tab). */
export const RichButton = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), label: RichLabel, value: trimmed(LIMITS.messageText).optional() }),
  z.object({ type: z.literal('link'), label: RichLabel, url: HttpsUrl }),
])
export type RichButton = z.infer<typeof RichButton>

const RichButtons = z.array(RichButton).min(1).max(LIMITS.richItems, `at most ${LIMITS.richItems} buttons`)

/** An option of a choice; `id` is what `message:choose` names (unique within the choice). */
export const ChoiceOption = z.object({
  id: z.string().min(1).max(50).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only'),
  label: RichLabel,
})
export type ChoiceOption = z.infer<typeof ChoiceOption>

/**
 * What a rich message shows besides its text (agents and bots only). `buttons`: quick replies
 * and links. `card`: a title, a text, an image and buttons. `choice`: options the visitor picks
 * exactly once (`message:choose`); the answer is stored as the visitor's own message. The
 * message's `text` stays the plain fallback (emails, search, older clients).
 */
export const RichContent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('buttons'), buttons: RichButtons }),
  z.object({
    kind: z.literal('card'),
    title: RichLabel,
    text: z.string().trim().max(LIMITS.richText).optional(),
    imageUrl: HttpsUrl.optional(),
    /** The image's alternative text (default: the title). */
    imageAlt: z.string().trim().max(LIMITS.richLabel).optional(),
    buttons: RichButtons.optional(),
  }),
  z.object({
    kind: z.literal('choice'),
    options: z
      .array(ChoiceOption)
      .min(2, 'at least 2 options')
      .max(LIMITS.richItems, `at most ${LIMITS.richItems} options`)
      .refine((o) => new Set(o.map((x) => x.id)).size === o.length, 'each option id at most once'),
  }),
])
export type RichContent = z.infer<typeof RichContent>

/**
 * What a message says: a text, attachments, or both. `text` is required and must not be blank
 * unless at least one attachment is given; then it may be left out (or empty).
 */
const MessageContent = {
  text: z.string().max(LIMITS.messageText).optional(),
  attachments: AttachmentIds.optional(),
}

function textOrAttachments(m: { text?: string | undefined; attachments?: string[] | undefined; content?: RichContent | undefined }, ctx: z.RefinementCtx): void {
  if ((m.attachments?.length ?? 0) > 0 || m.content !== undefined || (m.text !== undefined && m.text.trim().length > 0)) return
  ctx.addIssue({
    code: 'custom',
    path: ['text'],
    message: m.text === undefined ? 'required (a message needs a text or at least one attachment)' : 'must not be empty (a message needs a text or at least one attachment)',
  })
}

const SendMessageFields = z.object({ conversationId: id, clientId: ClientId, ...MessageContent })

export const SendMessage = SendMessageFields.superRefine(textOrAttachments)
export type SendMessage = z.infer<typeof SendMessage>

const AgentSendFields = SendMessageFields.extend({
  /** A private note: stored and shown to agents only. */
  private: z.boolean().optional(),
  /** Buttons, a card or a choice shown with the text (see RichContent). */
  content: RichContent.optional(),
  /**
   * Collision guard: refuse (`replied_meanwhile`) if another agent or a bot sent the visitor a
   * message after this seq (the last one the agent saw when they began to write). Send again
   * without it to send anyway.
   */
  unlessRepliedAfter: seq(0).optional(),
})
export const AgentSendMessage = AgentSendFields.superRefine(textOrAttachments)
export type AgentSendMessage = z.infer<typeof AgentSendMessage>

/**
 * The visitor picks an option of a choice message. Stored once per choice, as the visitor's own
 * message (text: the option's label); choosing again (another click, another tab, a retry after a
 * reconnect) answers the stored one.
 */
export const ChooseOption = z.object({ conversationId: id, messageId: id, optionId: ChoiceOption.shape.id })
export type ChooseOption = z.infer<typeof ChooseOption>

export const SyncMessages = z.object({
  conversationId: id,
  /** The last seq the client has; the answer holds the messages after it, oldest first. */
  afterSeq: seq(0),
  /** The conversation's change counter the client has caught up to (MessagePage.rev; 0 at first): the answer's `changes` hold the edits and unsends after it. */
  afterRev: seq(0).optional(),
  limit: z.number().int().min(1).max(LIMITS.syncPage).optional(),
})
export type SyncMessages = z.infer<typeof SyncMessages>

/** A message of a conversation (unsend, history). */
export const MessageRef = z.object({ conversationId: id, messageId: id })
export type MessageRef = z.infer<typeof MessageRef>

/** Replaces the text of one's own text message, within the site's edit window. */
export const EditMessage = MessageRef.extend({
  text: z.string().max(LIMITS.messageText).refine((t) => t.trim().length > 0, 'must not be empty (unsend the message instead)'),
})
export type EditMessage = z.infer<typeof EditMessage>

export const SetTyping = z.object({ conversationId: id, typing: z.boolean() })
export type SetTyping = z.infer<typeof SetTyping>

/** An agent's dashboard shows a conversation (`viewing`), or no longer does. */
export const ViewConversation = z.object({ conversationId: id, viewing: z.boolean() })
export type ViewConversation = z.infer<typeof ViewConversation>

export const MarkSeq = z.object({ conversationId: id, seq: seq(0) })
export type MarkSeq = z.infer<typeof MarkSeq>

// ---------------------------------------------------------------- visitor commands

export const StartConversation = z.object({
  /** Idempotency key: starting again with the same key returns the same conversation. */
  clientKey: ClientId,
  fields: VisitorFields.optional(),
  /** The first message, stored with the conversation. */
  message: z.object({ clientId: ClientId, ...MessageContent }).superRefine(textOrAttachments).optional(),
  /**
   * An offline message: left while no agent is available. Needs an email (in `fields.email` or
   * already on the visitor) so the team can answer later; never auto-assigned.
   */
  offline: z.boolean().optional(),
  /**
   * The proactive message the visitor answered: its text is stored first, from its sender, then
   * the visitor's message. Ignored when that trigger is gone or disabled.
   */
  triggerId: id.optional(),
  /**
   * The team the conversation is for: a team's id or its name (any case), e.g. from the page's
   * `<live-chat team="Sales">`. An unknown team is ignored (the site's general queue), so a typo on
   * a page never keeps a visitor from the chat.
   */
  team: z.string().trim().min(1).max(LIMITS.teamName).optional(),
})
export type StartConversation = z.infer<typeof StartConversation>

export const RateConversation = z.object({
  conversationId: id,
  rating: z.number().int().min(1).max(5),
  feedback: optionalText(LIMITS.feedback),
})
export type RateConversation = z.infer<typeof RateConversation>

/** POST /api/visitor/conversations/:id/transcript: email the conversation; default the visitor's own email. */
export const RequestTranscript = z.object({ email: z.email().max(LIMITS.email).optional() })
export type RequestTranscript = z.infer<typeof RequestTranscript>

export const VisitPage = z.object({ url: Url, title: optionalText(LIMITS.title) })
export type VisitPage = z.infer<typeof VisitPage>

// ---------------------------------------------------------------- agent commands

/** Who a conversation goes to: an agent, a team, or both (see AssignConversation). */
const AssignTarget = z
  .object({
    /** The agent to assign or transfer to; null puts the conversation back in the queue (its team's, if it has one). */
    agentId: id.nullable().optional(),
    /**
     * The team it is for. Alone: a transfer to the team (it leaves its agent and is routed to the
     * team's agents, or waits in the team's queue); null: no team (the site's general queue).
     * With `agentId`: the agent takes it and it is for this team.
     */
    teamId: id.nullable().optional(),
  })
  .refine((v) => v.agentId !== undefined || v.teamId !== undefined, 'give agentId, teamId or both')

export const AssignConversation = z.object({ conversationId: id }).and(AssignTarget)
export type AssignConversation = z.infer<typeof AssignConversation>

export const UpdateConversation = z
  .object({
    conversationId: id,
    priority: PrioritySchema.optional(),
    tags: Tags.optional(),
    subject: optionalText(LIMITS.title),
  })
  .refine((v) => v.priority !== undefined || v.tags !== undefined || v.subject !== undefined, 'nothing to update')
export type UpdateConversation = z.infer<typeof UpdateConversation>

export const SetAgentStatus = z.object({ status: AgentStatusSchema })
export type SetAgentStatus = z.infer<typeof SetAgentStatus>

export const Empty = z.object({}).optional()

/** auth:renew: a newer access token of the same agent, which the live socket then goes by. */
export const RenewToken = z.object({ token: z.string().min(1).max(4_096) })
export type RenewToken = z.infer<typeof RenewToken>

// ---------------------------------------------------------------- REST bodies and queries

export const Login = z.object({
  email: z.email().max(LIMITS.email),
  password: z.string().min(1).max(LIMITS.password),
})
export type Login = z.infer<typeof Login>

/** A calendar date, YYYY-MM-DD, that exists (no 2026-02-30). */
const IsoDate = z.string().refine(isIsoDate, 'must be a date like 2026-12-25')

const boolQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

export const ListConversationsQuery = z
  .object({
  /** One status or a comma-separated list. */
  status: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(ConversationStatusSchema).min(1))
    .optional(),
  mine: boolQuery.optional(),
  unassigned: boolQuery.optional(),
  /** Only offline messages (true) or only live chats (false). */
  offline: boolQuery.optional(),
  agentId: id.optional(),
  /** The conversations for this team. */
  teamId: id.optional(),
  priority: PrioritySchema.optional(),
  tag: Tag.optional(),
  visitorId: id.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** Started on or after this day, in the site's time zone. */
  from: IsoDate.optional(),
  /** Started on or before this day, in the site's time zone. */
  to: IsoDate.optional(),
  /** One score or a comma-separated list (1..5). */
  rating: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean).map(Number))
    .pipe(z.array(z.number().int().min(1).max(5)).min(1).max(5))
    .optional(),
  missed: boolQuery.optional(),
  /**
   * A contact attribute's key (contacts.ts): only conversations whose visitor has a value for it,
   * equal to `attributeValue` when given, within `attributeMin`..`attributeMax` (inclusive;
   * numbers and dates) when given. Values are written as in a URL: `true`, `42`, `2026-12-25`.
   */
  attribute: z.string().min(1).max(50).optional(),
  attributeValue: z.string().max(LIMITS.attributeText).optional(),
  attributeMin: z.string().max(50).optional(),
  attributeMax: z.string().max(50).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.listPage).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '"from" must not be after "to"', path: ['to'] })
  .refine((q) => q.attribute !== undefined || (q.attributeValue === undefined && q.attributeMin === undefined && q.attributeMax === undefined), {
    message: 'give "attribute" with its value or range',
    path: ['attribute'],
  })
/** The parsed query (server side); clients send a ListConversationsFilter. */
export type ListConversationsQuery = z.output<typeof ListConversationsQuery>

export const MessagesQuery = z
  .object({
    /** Messages after this seq, oldest first (catching up). */
    after: z.coerce.number().int().min(0).max(SEQ_MAX).optional(),
    /** Messages before this seq, newest page first but returned oldest first (scrolling back). */
    before: z.coerce.number().int().min(1).max(SEQ_MAX).optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.syncPage).optional(),
  })
  .refine((q) => q.after === undefined || q.before === undefined, 'give "after" or "before", not both')
/** The parsed query (server side); clients send a MessageRange. */
export type MessagesQuery = z.output<typeof MessagesQuery>

export const UpdateConversationBody = z
  .object({
    priority: PrioritySchema.optional(),
    tags: Tags.optional(),
    subject: optionalText(LIMITS.title),
  })
  .refine((v) => v.priority !== undefined || v.tags !== undefined || v.subject !== undefined, 'nothing to update')

export const AssignBody = AssignTarget

/** An agent's message over REST: what the socket's message:send takes (the conversation is in the path), and who sends it. */
export const PostMessageBody = AgentSendFields.omit({ conversationId: true })
  .extend({
    /** With an API key: the site's agent the message is sent as (required unless `bot`). With an agent's token: absent, or their own. */
    agentId: id.optional(),
    /** With an API key only: send as a bot (sender type `bot`) named `name`, instead of as an agent. */
    bot: z.object({ name: trimmed(LIMITS.name) }).optional(),
  })
  .superRefine(textOrAttachments)

const Shortcut = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_"; no leading "/"')

export const CreateCannedResponse = z.object({
  title: trimmed(LIMITS.title),
  shortcut: Shortcut.nullable().optional(),
  content: trimmed(LIMITS.cannedContent),
  category: z.string().trim().max(100).nullable().optional(),
  tags: Tags.optional(),
  isPersonal: z.boolean().optional(),
})
export type CreateCannedResponse = z.infer<typeof CreateCannedResponse>

export const UpdateCannedResponse = CreateCannedResponse.partial().refine(
  (v) => Object.keys(v).length > 0,
  'nothing to update',
)
export type UpdateCannedResponse = z.infer<typeof UpdateCannedResponse>

export const CannedResponsesQuery = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(100).optional(),
})

export const CreateAgent = z.object({
  email: z.email().max(LIMITS.email),
  name: trimmed(LIMITS.name),
  /** Required when the email has no account yet. */
  password: z.string().min(8).max(LIMITS.password).optional(),
  role: AgentRoleSchema.optional(),
  maxConcurrentChats: z.number().int().min(0).max(100).optional(),
  title: optionalText(100),
  /** The teams the agent is in (all of them: replaces the list). */
  teamIds: z.array(id).max(LIMITS.teams).optional(),
})
export type CreateAgent = z.infer<typeof CreateAgent>

export const UpdateAgent = z
  .object({
    role: AgentRoleSchema.optional(),
    maxConcurrentChats: z.number().int().min(0).max(100).optional(),
    acceptNewChats: z.boolean().optional(),
    displayName: z.string().trim().max(LIMITS.name).nullable().optional(),
    title: z.string().trim().max(100).nullable().optional(),
    teamIds: z.array(id).max(LIMITS.teams).optional(),
    status: AgentStatusSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateAgent = z.infer<typeof UpdateAgent>

export const CreateTeam = z.object({
  name: trimmed(LIMITS.teamName),
  /** Its members (all of them). */
  agentIds: z.array(id).max(1_000).optional(),
})
export type CreateTeam = z.infer<typeof CreateTeam>

export const UpdateTeam = CreateTeam.partial().refine((v) => v.name !== undefined || v.agentIds !== undefined, 'nothing to update')
export type UpdateTeam = z.infer<typeof UpdateTeam>

/** SLA target in minutes: from 1 minute to 90 days; null removes it. */
const SlaMinutes = z.number().int().min(1).max(129_600).nullable()

/** An SLA policy (see SlaPolicy): at least one target. */
export const CreateSlaPolicy = z
  .object({
    name: trimmed(100),
    /** The team it applies to; null or absent: any team. */
    teamId: id.nullable().optional(),
    /** The priority it applies to; null or absent: any priority. */
    priority: PrioritySchema.nullable().optional(),
    firstResponseMinutes: SlaMinutes.optional(),
    nextResponseMinutes: SlaMinutes.optional(),
    resolutionMinutes: SlaMinutes.optional(),
    /** Count the site's business hours only (when it has them enabled); default true. */
    businessHours: z.boolean().optional(),
  })
  .refine((v) => v.firstResponseMinutes != null || v.nextResponseMinutes != null || v.resolutionMinutes != null, 'a policy needs at least one target')
export type CreateSlaPolicy = z.infer<typeof CreateSlaPolicy>

export const UpdateSlaPolicy = z
  .object({
    name: trimmed(100),
    teamId: id.nullable(),
    priority: PrioritySchema.nullable(),
    firstResponseMinutes: SlaMinutes,
    nextResponseMinutes: SlaMinutes,
    resolutionMinutes: SlaMinutes,
    businessHours: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateSlaPolicy = z.infer<typeof UpdateSlaPolicy>

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0066ff')
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)')
const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])

/**
 * One opening range of a day, in the site's time zone. `end` may be "24:00" (until midnight).
 * An `end` before `start` runs past midnight: { start: "22:00", end: "02:00" } on Friday keeps
 * the site open until 02:00 on Saturday. `start` and `end` must differ.
 */
const OpeningRange = z
  .object({ start: HHMM, end: z.union([HHMM, z.literal('24:00')], { message: 'must be HH:MM (00:00 to 24:00)' }) })
  .refine((r) => r.start !== r.end, { message: 'start and end must differ', path: ['end'] })

export const PreChatFieldSchema = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,49}$/, 'letters, digits and "_"'),
  /** What the field asks; for a consent field, the wording the visitor agrees to (kept with the consent). */
  label: trimmed(500),
  type: PreChatFieldTypeSchema,
  required: z.boolean(),
  options: z.array(trimmed(200)).max(50).optional(),
  /** A consent field's link (the site's privacy policy), shown beside the wording: https only. */
  url: z
    .url({ protocol: /^https$/, message: 'must be an https:// address' })
    .max(2000)
    .optional(),
})

export const Origin = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://example.com (scheme and host, no path)')
  .transform((o) => o.toLowerCase())

export const RETENTION_MODES = ['off', 'delete', 'anonymise'] as const
export const RetentionModeSchema = z.enum(RETENTION_MODES)
/** The most days a retention policy may name (100 years). */
export const RETENTION_MAX_DAYS = 36_500

/**
 * How long a site keeps its conversations (REST.md, "Retention"): `off` (the default) keeps them;
 * `delete` and `anonymise` act on conversations whose last activity is more than `days` days old.
 */
export const RetentionPolicySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  z.object({ mode: z.enum(['delete', 'anonymise']), days: z.number().int().min(1).max(RETENTION_MAX_DAYS) }),
])
export type RetentionPolicyInput = z.infer<typeof RetentionPolicySchema>

export const UpdateSiteSettings = z
  .object({
    name: trimmed(200).optional(),
    allowedOrigins: z.array(Origin).max(100).optional(),
    missedAfterMinutes: z.number().int().min(1).max(1_440).optional(),
    retention: RetentionPolicySchema.optional(),
    widget: z
      .object({
        primaryColor: Color,
        position: WidgetPositionSchema,
        widgetTitle: trimmed(100),
        welcomeMessage: z.string().trim().max(1_000),
        offlineMessage: z.string().trim().max(1_000),
        avatarUrl: Url.nullable(),
        showAgentAvatar: z.boolean(),
        autoOpenDelay: z.number().int().min(0).max(3_600).nullable(),
        showOnMobile: z.boolean(),
        requireEmail: z.boolean(),
        preChatEnabled: z.boolean(),
        preChatFields: z.array(PreChatFieldSchema).max(20),
        businessHoursEnabled: z.boolean(),
        businessHours: z.partialRecord(Weekday, z.array(OpeningRange).max(5)),
        /** Dates (in the site's time zone) on which the site is closed all day. */
        holidays: z
          .array(IsoDate)
          .max(LIMITS.holidays)
          .transform((dates) => [...new Set(dates)].sort()),
        timezone: z.string().refine(isTimeZone, 'must be an IANA time zone like Europe/Paris'),
        soundEnabled: z.boolean(),
        notificationSound: z.string().max(50),
        /** The widget's language; empty: the page's, else the visitor's (see the widget's detectLocale). */
        language: z.string().regex(/^([a-z]{2}(-[A-Z]{2})?)?$/, 'must be a language tag like en or pt-BR, or empty (automatic)'),
        triggersMayStore: z.boolean(),
        customTranslations: z.record(z.string().max(10), z.record(z.string().max(100), z.string().max(1_000))),
        /** Seconds after sending within which a message may be edited or unsent (0: never; at most 7 days). */
        editWindowSeconds: z.number().int().min(0).max(604_800),
      })
      .partial()
      .optional(),
  })
  .refine(
    (v) => v.name !== undefined || v.allowedOrigins !== undefined || v.missedAfterMinutes !== undefined || v.retention !== undefined || v.widget !== undefined,
    'nothing to update',
  )
export type UpdateSiteSettings = z.infer<typeof UpdateSiteSettings>

function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === v
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

// ------------------------------------------------------------------ webhooks

/** The events a webhook may subscribe to (`ping` is sent only by "send test"). */
export const WEBHOOK_EVENTS = [
  'message.created',
  'message.updated',
  'message.deleted',
  'conversation.created',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.missed',
  'conversation.sla_breached',
  'offline_message.created',
  'visitor.erased',
  'contact.merged',
] as const
export const WebhookEventName = z.enum(WEBHOOK_EVENTS)

const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v)
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== ''
    } catch {
      return false
    }
  }, 'must be an http:// or https:// URL')

export const CreateWebhook = z.object({
  url: WebhookUrl,
  events: z.array(WebhookEventName).min(1, 'subscribe to at least one event').max(WEBHOOK_EVENTS.length),
  active: z.boolean().optional(),
})
export type CreateWebhook = z.infer<typeof CreateWebhook>

export const UpdateWebhook = CreateWebhook.partial().refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateWebhook = z.infer<typeof UpdateWebhook>

export const TranscriptQuery = z.object({ format: TranscriptFormatSchema.default('json') })
export type TranscriptQuery = z.output<typeof TranscriptQuery>

const DAY_MS = 86_400_000
/** A site's analytics over a range of days (YYYY-MM-DD, inclusive, in the site's time zone; at most 366 days). */
export const AnalyticsQuery = z
  .object({
    from: IsoDate,
    to: IsoDate,
  })
  .refine((q) => q.from <= q.to, { message: '"from" must not be after "to"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * DAY_MS, { message: 'at most 366 days', path: ['to'] })
export type AnalyticsQuery = z.output<typeof AnalyticsQuery>

// ------------------------------------------------------------------ bans

export const BAN_KINDS = ['visitor', 'email', 'ip'] as const
export const BanKindSchema = z.enum(BAN_KINDS)

const banFields = {
  /** Why, for the team (never shown to the visitor). */
  reason: optionalText(LIMITS.banReason),
  /** ISO date-time, in the future; none = until lifted. */
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
    .optional(),
}

/**
 * Ban a visitor (their id: every tab and return visit of theirs), an email address (whoever
 * gives it, now or later), or an IP address or range: `network` (`203.0.113.7`, `203.0.113.0/24`,
 * `2001:db8::/48`), or `visitorId` for the visitor's last known address (agents never see it) with
 * `scope` `address` (that address alone, the default) or `subnet` (its /24, or /64 for IPv6).
 */
export const CreateBan = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('visitor'), visitorId: id, ...banFields }),
  z.object({ kind: z.literal('email'), email: z.email().max(LIMITS.email), ...banFields }),
  z
    .object({
      kind: z.literal('ip'),
      network: z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], { error: 'must be an IPv4 or IPv6 address or a CIDR range' }).optional(),
      visitorId: id.optional(),
      scope: z.enum(['address', 'subnet']).optional(),
      ...banFields,
    })
    .refine((v) => (v.network === undefined) !== (v.visitorId === undefined), { message: 'give either network or visitorId', path: ['network'] })
    .refine((v) => v.scope === undefined || v.visitorId !== undefined, { message: 'scope goes with visitorId', path: ['scope'] }),
])
export type CreateBan = z.input<typeof CreateBan>

/** Kinds of mention: `mention` (@name in a private note), `whisper` (a supervisor's note to the assigned agent). */
export const MentionKindSchema = z.enum(['mention', 'whisper'])

/** GET /api/sites/:siteId/mentions: the caller's mentions, unread first, then newest first. */
export const MentionsQuery = z.object({
  /** Only the unread ones. */
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
})
export type MentionsQuery = z.infer<typeof MentionsQuery>
