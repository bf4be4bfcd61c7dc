// Rows to wire types. Services map every row they return, so a migration never silently
// changes what clients receive.
import type {
  AgentPublic,
  AgentSummary,
  SlaClock,
  Attachment,
  ConversationSummary,
  Message,
  Receipts,
  RichContent,
  SystemEvent,
  VisitorConversation,
  VisitorDetail,
  VisitorProfile,
  PageVisit,
  Consent,
  AgentRole,
  AgentStatus,
  ConversationStatus,
  Priority,
  SenderType,
  MessageType,
} from '@live-chat/protocol'
import type { Prisma } from '../generated/prisma/client.js'

export const agentWithUser = { include: { user: true } } satisfies Prisma.AgentDefaultArgs
export type AgentWithUser = Prisma.AgentGetPayload<typeof agentWithUser>
/** An agent as its summary needs it: with the account and the teams. */
export const agentForSummary = { include: { user: true, teams: { select: { teamId: true } } } } satisfies Prisma.AgentDefaultArgs
export type AgentForSummary = Prisma.AgentGetPayload<typeof agentForSummary>

export const conversationFull = {
  include: {
    visitor: true,
    assignedAgent: { include: { user: true } },
  },
} satisfies Prisma.ConversationDefaultArgs
/**
 * A conversation with what its summary shows. `messages`: the list's preview, the last thing a
 * person wrote (system lines like "assigned" are not it), or none; loaded by withPreview()
 * (conversations/views.ts), not by an include (see there why).
 */
export type ConversationFull = Prisma.ConversationGetPayload<typeof conversationFull> & { messages: MessageRow[] }
/** What an agents' summary reads: no agent rows (it names its agent by id). The inbox loads only this. */
export const conversationForSummary = { include: { visitor: true } } satisfies Prisma.ConversationDefaultArgs
export type ConversationForSummary = Prisma.ConversationGetPayload<typeof conversationForSummary> & { messages: MessageRow[] }

type MessageRow = Prisma.MessageGetPayload<object>
type VisitorRow = Prisma.VisitorGetPayload<object>
type ConversationRow = Prisma.ConversationGetPayload<object>

const iso = (d: Date) => d.toISOString()
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null)

export function toMessage(m: MessageRow): Message {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    clientId: m.clientId,
    senderType: m.senderType as SenderType,
    senderId: m.senderId,
    senderName: m.senderName,
    type: m.messageType as MessageType,
    text: m.content,
    attachments: (m.attachments ?? []) as unknown as Attachment[],
    private: m.isPrivate,
    system: m.messageType === 'system' ? (m.metadata as unknown as SystemEvent) : null,
    content: m.messageType === 'system' ? null : (rich(m.metadata)?.content ?? null),
    answer: m.messageType === 'system' ? null : (rich(m.metadata)?.answer ?? null),
    createdAt: iso(m.createdAt),
    editedAt: m.editedAt ? iso(m.editedAt) : null,
    deletedAt: m.deletedAt ? iso(m.deletedAt) : null,
    rev: m.rev ?? 0,
  }
}

/**
 * What a person's message keeps in `metadata` (a system line keeps its SystemEvent there): the
 * rich content an agent or a bot sent, or the option a visitor's answer picked.
 */
export interface MessageMetadata {
  content?: RichContent
  answer?: { messageId: string; optionId: string }
  /** The proactive message (trigger) this bot line shows, when a conversation started from one. */
  triggerId?: string
}

function rich(metadata: Prisma.JsonValue): MessageMetadata | null {
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as MessageMetadata) : null
}

export function toVisitorProfile(v: VisitorRow): VisitorProfile {
  return {
    id: v.id,
    siteId: v.siteId,
    name: v.name,
    email: v.email,
    phone: v.phone,
    company: v.company,
    verified: v.verified,
    externalId: v.externalId,
    customData: (v.customData ?? {}) as Record<string, unknown>,
  }
}

export function toVisitorDetail(v: VisitorRow, online: boolean): VisitorDetail {
  return {
    ...toVisitorProfile(v),
    currentUrl: v.currentUrl,
    currentTitle: v.currentTitle,
    referrerUrl: v.referrerUrl,
    userAgent: v.userAgent,
    countryCode: v.countryCode,
    city: v.city,
    online,
    pages: Array.isArray(v.pages) ? (v.pages as unknown as PageVisit[]) : [],
    consents: Array.isArray(v.consents) ? (v.consents as unknown as Consent[]) : [],
    lastSeenAt: iso(v.lastSeenAt),
    createdAt: iso(v.createdAt),
  }
}

export const agentName = (a: AgentWithUser) => a.displayName ?? a.user.name

export function toAgentPublic(a: AgentWithUser): AgentPublic {
  return { id: a.id, name: agentName(a), avatarUrl: a.avatarUrl ?? a.user.avatarUrl, title: a.title }
}

/** The site role a membership acts with: an agency owner or admin is an admin of every site of the agency. */
export function effectiveRole(a: { role: string; user: { agencyRole: string } }): AgentRole {
  return a.user.agencyRole === 'owner' || a.user.agencyRole === 'admin' ? 'admin' : (a.role as AgentRole)
}

export function toAgentSummary(a: AgentForSummary, online: boolean, activeChats: number): AgentSummary {
  return {
    id: a.id,
    userId: a.userId,
    siteId: a.siteId,
    name: agentName(a),
    email: a.user.email,
    avatarUrl: a.avatarUrl ?? a.user.avatarUrl,
    title: a.title,
    role: effectiveRole(a),
    status: a.status as AgentStatus,
    online,
    maxConcurrentChats: a.maxConcurrentChats,
    acceptNewChats: a.acceptNewChats,
    teamIds: a.teams.map((t) => t.teamId).sort(),
    activeChats,
  }
}

function receipts(c: ConversationRow): Receipts {
  return {
    visitorDeliveredSeq: c.visitorDeliveredSeq,
    visitorReadSeq: c.visitorReadSeq,
    agentDeliveredSeq: c.agentDeliveredSeq,
    agentReadSeq: c.agentReadSeq,
  }
}

export function toVisitorConversation(c: ConversationRow & { assignedAgent: AgentWithUser | null }): VisitorConversation {
  return {
    id: c.id,
    siteId: c.siteId,
    status: c.status as ConversationStatus,
    offline: c.offline,
    agent: c.assignedAgent ? toAgentPublic(c.assignedAgent) : null,
    lastSeq: c.lastPublicSeq,
    rating: c.rating,
    ratingFeedback: c.ratingFeedback,
    createdAt: iso(c.createdAt),
    lastActivityAt: iso(c.lastActivityAt),
    resolvedAt: isoOrNull(c.resolvedAt),
    ...receipts(c),
  }
}

/** A conversation as agents see it; `sla`: its running SLA clock (loaded by withPreview, conversations/views.ts). */
export function toConversationSummary(c: ConversationForSummary, visitorOnline: boolean, sla: SlaClock | null): ConversationSummary {
  const last = c.messages[0]
  return {
    id: c.id,
    siteId: c.siteId,
    status: c.status as ConversationStatus,
    offline: c.offline,
    priority: c.priority as Priority,
    tags: c.tags,
    subject: c.subject,
    visitor: toVisitorDetail(c.visitor, visitorOnline),
    assignedAgentId: c.assignedAgentId,
    teamId: c.teamId,
    lastSeq: c.lastSeq,
    lastPublicSeq: c.lastPublicSeq,
    lastMessage: last
      ? { seq: last.seq, senderType: last.senderType as SenderType, text: last.content, private: last.isPrivate, deleted: last.deletedAt !== null, createdAt: iso(last.createdAt) }
      : null,
    rating: c.rating,
    ratingFeedback: c.ratingFeedback,
    queuedAt: isoOrNull(c.queuedAt),
    createdAt: iso(c.createdAt),
    lastActivityAt: iso(c.lastActivityAt),
    firstMessageAt: isoOrNull(c.firstMessageAt),
    firstResponseAt: isoOrNull(c.firstResponseAt),
    resolvedAt: isoOrNull(c.resolvedAt),
    closedAt: isoOrNull(c.closedAt),
    missedAt: isoOrNull(c.missedAt),
    sla,
    ...receipts(c),
  }
}
