// The inbox's rules as plain functions: which filter a tab asks the server for, whether a
// conversation that changed live still belongs in the list, its order, preview, unread count and
// the words for system events. The elements only render what these say.
import type { AgentSummary, ConversationStatus, ConversationSummary, ListConversationsFilter, Message, MessagePreview, Priority } from '@live-chat/sdk'
import { dayIn } from '../shared/util.js'

/** The list's tabs. "All" is every open conversation; resolved and closed ones live under "Resolved". */
export type Tab = 'all' | 'mine' | 'unassigned' | 'pending' | 'resolved'

export const TABS: { id: Tab; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'pending', label: 'Pending' },
  { id: 'resolved', label: 'Resolved' },
]

export { PRIORITIES } from '@live-chat/protocol/enums'

/** What the agent narrowed the list to. */
export interface ListView {
  tab: Tab
  priority: Priority | ''
  tag: string
  q: string
  /** Started on or after this day (YYYY-MM-DD in the site's time zone), or ''. */
  from: string
  /** Started on or before this day, or ''. */
  to: string
  /** Assigned to this agent, or ''. */
  agentId: string
  /** For this team, or ''. */
  teamId: string
  /** Rated with this score (1..5), or 0 for any. */
  rating: number
  /** Only missed conversations. */
  missed: boolean
  /** Only those whose contact has this custom attribute (its key), or ''. */
  attribute: string
  /** …with this value (as the URL writes it: `true`, `42`, `2026-12-25`), or '' for any value. */
  attributeValue: string
}

/** The view before the agent narrows anything. */
export const ALL: ListView = { tab: 'all', priority: '', tag: '', q: '', from: '', to: '', agentId: '', teamId: '', rating: 0, missed: false, attribute: '', attributeValue: '' }

/** How many of the "more filters" (dates, agent, rating, missed, a contact attribute) are set. */
export function moreFilters(view: ListView): number {
  return [view.from, view.to, view.agentId, view.rating, view.missed, view.attribute].filter(Boolean).length
}

const OPEN: ConversationStatus[] = ['pending', 'active']
const DONE: ConversationStatus[] = ['resolved', 'closed']

function statuses(tab: Tab): ConversationStatus[] {
  return tab === 'pending' ? ['pending'] : tab === 'resolved' ? DONE : OPEN
}

/** The server query for a view (without paging). */
export function filterOf(view: ListView): ListConversationsFilter {
  return {
    status: statuses(view.tab),
    ...(view.tab === 'mine' ? { mine: true } : {}),
    ...(view.tab === 'unassigned' ? { unassigned: true } : {}),
    ...(view.priority ? { priority: view.priority } : {}),
    ...(view.tag.trim() ? { tag: view.tag.trim().toLowerCase() } : {}),
    ...(view.q.trim() ? { q: view.q.trim() } : {}),
    ...(view.from ? { from: view.from } : {}),
    ...(view.to ? { to: view.to } : {}),
    ...(view.agentId ? { agentId: view.agentId } : {}),
    ...(view.teamId ? { teamId: view.teamId } : {}),
    ...(view.rating ? { rating: view.rating } : {}),
    ...(view.missed ? { missed: true } : {}),
    ...(view.attribute ? { attribute: view.attribute, ...(view.attributeValue.trim() ? { attributeValue: view.attributeValue.trim() } : {}) } : {}),
  }
}

/**
 * Whether a conversation (new or changed live) belongs in the view. The text search is the
 * server's (it also searches every message); live, it is approximated on what the list shows.
 * Dates are days in `timeZone` (the site's; the browser's until it is known). A contact attribute
 * filter is the server's alone (a conversation does not carry its contact's attributes): not
 * tested here; the inbox keeps a listed conversation's live changes under it and adds none (#put).
 */
export function matches(c: ConversationSummary, view: ListView, meId: string | undefined, timeZone?: string): boolean {
  if (!statuses(view.tab).includes(c.status)) return false
  if (view.tab === 'mine' && c.assignedAgentId !== meId) return false
  if (view.tab === 'unassigned' && c.assignedAgentId !== null) return false
  if (view.priority && c.priority !== view.priority) return false
  const tag = view.tag.trim().toLowerCase()
  if (tag && !c.tags.includes(tag)) return false
  if (view.agentId && c.assignedAgentId !== view.agentId) return false
  if (view.teamId && c.teamId !== view.teamId) return false
  if (view.rating && c.rating !== view.rating) return false
  if (view.missed && !c.missedAt) return false
  if (view.from || view.to) {
    const day = dayIn(c.createdAt, timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone)
    if ((view.from && day < view.from) || (view.to && day > view.to)) return false
  }
  const q = view.q.trim().toLowerCase()
  if (q) {
    const hay = [c.subject, c.visitor.name, c.visitor.email, c.lastMessage?.text].filter(Boolean).join('\n').toLowerCase()
    if (!hay.includes(q)) return false
  }
  return true
}

/**
 * The later of what the inbox knows of a conversation (`old`) and a new state of it (`next`): a
 * snapshot from the server, or what is known moved on by an event. `stateSeq` is the lastSeq of the
 * snapshot that `old`'s state (status, agent, team, tags…) came from. Every change of status, agent
 * or team writes a line, so a snapshot with a lower lastSeq was read before that state (a list page
 * answered late, a command's answer overtaken by an event): its state is older and `old`'s stays.
 * Events can cross, so the last message, activity, seqs and read marks only move forward.
 */
export function newer(old: ConversationSummary | undefined, stateSeq: number, next: ConversationSummary): ConversationSummary {
  if (!old) return next
  const base = next.lastSeq < stateSeq ? old : next
  const last = (old.lastMessage?.seq ?? 0) > (next.lastMessage?.seq ?? 0) ? old.lastMessage : next.lastMessage
  return {
    ...base,
    lastMessage: last,
    lastActivityAt: old.lastActivityAt > next.lastActivityAt ? old.lastActivityAt : next.lastActivityAt,
    lastSeq: Math.max(old.lastSeq, next.lastSeq),
    lastPublicSeq: Math.max(old.lastPublicSeq, next.lastPublicSeq),
    agentReadSeq: Math.max(old.agentReadSeq, next.agentReadSeq),
    agentDeliveredSeq: Math.max(old.agentDeliveredSeq, next.agentDeliveredSeq),
    visitorReadSeq: Math.max(old.visitorReadSeq, next.visitorReadSeq),
    visitorDeliveredSeq: Math.max(old.visitorDeliveredSeq, next.visitorDeliveredSeq),
  }
}

/** Newest activity first (the server's order), ties by id. */
export function byActivity(a: ConversationSummary, b: ConversationSummary): number {
  return b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id)
}

/** The list's one-line preview of the last message. */
export function preview(c: ConversationSummary): string {
  const m = c.lastMessage
  if (!m) return 'No messages yet'
  const text = m.deleted ? 'Message removed' : m.text?.trim() || 'Sent a file'
  if (m.private) return `Note: ${text}`
  if (m.senderType === 'agent') return `Agent: ${text}`
  return text
}

/** Visitor messages after the agents' read watermark, among `messages`. */
export function unreadIn(messages: readonly Message[], agentReadSeq: number): number {
  return messages.filter((m) => m.senderType === 'visitor' && m.seq > agentReadSeq).length
}

/** Whether the conversation may hold unread visitor messages (worth counting). */
export function mayBeUnread(c: ConversationSummary): boolean {
  return c.lastPublicSeq > c.agentReadSeq
}

/**
 * A conversation after a message arrived: the list's preview and activity move on. Its counters
 * (seqs, read marks) come from the server with the message (the AgentClient's `counters`).
 */
export function withMessage(c: ConversationSummary, m: Message): ConversationSummary {
  if (m.seq <= (c.lastMessage?.seq ?? 0)) return c
  const moved = { ...c, lastActivityAt: m.createdAt > c.lastActivityAt ? m.createdAt : c.lastActivityAt }
  // System lines (assigned, resolved, ...) move the conversation on but are not its preview.
  if (m.senderType === 'system') return moved
  return { ...moved, lastMessage: previewOf(m) }
}

function previewOf(m: Message): MessagePreview {
  return { seq: m.seq, senderType: m.senderType, text: m.text, private: m.private, deleted: m.deletedAt !== null, createdAt: m.createdAt }
}

/** `c` after one of its messages was edited or unsent: a new preview if it was the last one. */
export function withChange(c: ConversationSummary, m: Message): ConversationSummary {
  return c.lastMessage?.seq === m.seq ? { ...c, lastMessage: previewOf(m) } : c
}

/** The words for a system message (assigned, transferred, resolved, ...), else its text. */
export function systemText(m: Message, agents: readonly AgentSummary[]): string {
  const s = m.system
  const name = (id: string | null | undefined) => (id ? agents.find((a) => a.id === id)?.name : undefined)
  if (!s) return m.text ?? ''
  switch (s.event) {
    case 'assigned':
      return s.by === 'auto' ? `Assigned to ${s.agentName} automatically` : `Assigned to ${s.agentName}`
    case 'transferred': {
      const from = name(s.fromAgentId)
      return from ? `Transferred from ${from} to ${s.agentName}` : `Transferred to ${s.agentName}`
    }
    case 'unassigned':
      return 'Returned to the queue'
    case 'team':
      return s.teamName ? `Transferred to the ${s.teamName} team` : 'No longer for a team'
    case 'resolved': {
      const by = name(s.agentId)
      return by ? `Resolved by ${by}` : 'Resolved'
    }
    case 'reopened':
      return s.by === 'visitor' ? 'Reopened by the visitor' : 'Reopened'
    case 'closed':
      return s.by === 'visitor' ? 'Closed by the visitor' : 'Closed'
  }
}

/** "Bob — online, 2 chats" for the Assign to list. */
export function agentLabel(a: AgentSummary): string {
  const status = a.online ? a.status : 'offline'
  return `${a.name} — ${status}, ${a.activeChats} ${a.activeChats === 1 ? 'chat' : 'chats'}`
}

/** The status as a word for people. */
export function statusLabel(status: ConversationStatus): string {
  return { pending: 'Waiting', active: 'Open', resolved: 'Resolved', closed: 'Closed' }[status]
}

/** A server URL (maybe relative, like `/uploads/…`) made absolute against the client's server. */
export function absoluteUrl(url: string, base: string): string {
  try {
    return new URL(url, new URL(base, location.href)).href
  } catch {
    return url
  }
}
