// Conversations: start, assign and transfer, resolve and reopen, close and rate, tags and
// priority, and the agents' inbox. Every change happens in one site-scoped transaction and
// is announced after it commits.
//
// Offline messages: a visitor who finds no agent available starts the conversation with
// `offline: true`. It needs an email to answer to (given now or already on the visitor), is
// stored with is_offline = true, and waits unassigned (routing never picks it) until someone on
// the team takes it. Agents hear of it through `conversation:created` like any other; the team's
// email is queued through the outbox by its offline_message.created event, written only when the
// conversation is created, so a retried start never mails twice.
import { unsettle } from '../sla/clocks.js'
import type {
  AssignConversation,
  ConversationSummary,
  ListConversationsQuery,
  Page,
  PreChatField,
  RateConversation,
  StartConversation,
  StartedConversation,
  UpdateConversation,
  VisitorConversation,
} from '@live-chat/protocol'
import { ListConversationsQuery as ListQuerySchema } from '@live-chat/protocol'
import type { AgentActor, Context, VisitorActor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, fromUnknown, invalidPayload, invalidState, notFound } from '../shared/errors.js'
import { agentName, agentWithUser, toMessage, toVisitorConversation } from '../shared/map.js'
import { appendMessage, lockConversation, storedText, subjectOf, type AppendedMessage, type LockedConversation } from '../messages/store.js'
import type { PresenceService } from '../presence/service.js'
import type { UploadService } from '../uploads/service.js'
import type { EmailService } from '../email/service.js'
import type { Routing } from './routing.js'
import { loadSummaries, loadViews, type ConversationViews } from './views.js'
import { applyVisitorFields, checkPreChat } from '../visitors/fields.js'
import { conversationIds, withAttribute } from '../history/filters.js'
import { recordEvent } from '../events/outbox.js'
import { startMessage } from '../triggers/service.js'
import { findTeam, pickedTeam } from '../teams/service.js'

type Change = (tx: Tx, conv: LockedConversation) => Promise<AppendedMessage[]>
/** Who a conversation goes to (AssignConversation without the conversation). */
export type AssignTarget = Omit<AssignConversation, 'conversationId'>

export class ConversationService {
  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    private readonly routing: Routing,
    private readonly uploads: UploadService,
    private readonly emails?: EmailService,
  ) {}

  // ------------------------------------------------------------------ visitor side

  /** Starts a conversation. Idempotent on clientKey: a retried start returns the same one. */
  async start(actor: VisitorActor, input: StartConversation): Promise<StartedConversation> {
    let result
    try {
      result = await this.startTx(actor, input)
    } catch (e) {
      // Two starts with the same key raced; the loser reads the winner's conversation.
      if (fromUnknown(e).code !== 'conflict') throw e
      result = await this.startTx(actor, input)
    }
    const { created, views: v, messages } = result
    if (!created) return { conversation: v.visitorView, messages }
    this.ctx.publish.conversationCreated(v.summary)
    for (const m of messages) this.ctx.metrics?.messageStored(m.senderType)
    for (const m of result.appended) this.ctx.publish.appended(actor.siteId, actor.visitorId, m)
    // An offline message's email to the team was queued with it (the outbox).
    if (input.offline) return { conversation: v.visitorView, messages }
    const assigned = await this.routing.drain(actor.siteId)
    if (!assigned.includes(v.summary.id)) return { conversation: v.visitorView, messages }
    const after = await this.ctx.db.inSite(actor.siteId, (tx) => loadViews(tx, this.presence, v.summary.id))
    return { conversation: after?.visitorView ?? v.visitorView, messages }
  }

  private startTx(actor: VisitorActor, input: StartConversation) {
    return this.ctx.db.inSite(actor.siteId, async (tx) => {
      const existing = await tx.conversation.findUnique({
        where: { visitorId_clientKey: { visitorId: actor.visitorId, clientKey: input.clientKey } },
        select: { id: true },
      })
      if (existing) {
        const v = await loadViews(tx, this.presence, existing.id)
        const rows = await tx.message.findMany({
          where: { conversationId: existing.id, isPrivate: false },
          orderBy: { seq: 'asc' },
          take: 50,
        })
        return { created: false, views: v!, messages: rows.map(toMessage), appended: [] }
      }
      const site = await tx.site.findUniqueOrThrow({ where: { id: actor.siteId }, select: { agencyId: true, widgetSettings: true } })
      const visitor = await tx.visitor.findUnique({ where: { id: actor.visitorId } })
      if (!visitor) throw new AppError('unauthorized', 'unknown visitor')
      checkPreChat(site.widgetSettings, visitor, input.fields)
      if (input.offline && !input.fields?.email && !visitor.email) {
        throw new AppError('invalid_payload', 'invalid payload: fields.email: an offline message needs an email to answer to', [
          { path: 'fields.email', message: 'required for an offline message' },
        ])
      }
      if (input.fields) await applyVisitorFields(tx, visitor, input.fields, site.widgetSettings)
      // A reply to a proactive message: its text comes first, from its sender (unless it is gone).
      const opener = input.triggerId && !input.offline ? await startMessage(tx, actor.siteId, input.triggerId) : null
      const teamId = await teamOfStart(tx, actor.siteId, input, site.widgetSettings, opener ? input.triggerId! : null)
      const now = new Date()
      const created = await tx.conversation.create({
        data: {
          siteId: actor.siteId,
          agencyId: site.agencyId,
          visitorId: actor.visitorId,
          clientKey: input.clientKey,
          offline: input.offline ?? false,
          teamId,
          status: 'pending',
          queuedAt: now,
          lastActivityAt: now,
          subject: subjectOf(input.message?.text),
          triggerId: opener ? input.triggerId : null,
        },
        select: { id: true },
      })
      const appended: AppendedMessage[] = []
      if (opener) appended.push(await appendMessage(tx, (await lockConversation(tx, created.id))!, opener))
      if (input.message) {
        const conv = (await lockConversation(tx, created.id))!
        const files = await this.uploads.plan(tx, actor, input.message.attachments)
        const row = await appendMessage(tx, conv, {
          senderType: 'visitor',
          senderId: actor.visitorId,
          senderName: input.fields?.name ?? visitor.name,
          text: storedText(input.message.text),
          clientId: input.message.clientId,
          attachments: files.attachments,
        })
        await files.link(row.id)
        appended.push(row)
      }
      const v = (await loadViews(tx, this.presence, created.id))!
      const event = input.offline ? 'offline_message.created' : 'conversation.created'
      // The team's email of an offline message goes through the outbox too.
      await recordEvent(tx, actor.siteId, event, { conversation: v.summary }, { conversationId: created.id, wanted: this.emails?.wants(event) ?? false })
      return { created: true, views: v, messages: appended.map(toMessage), appended }
    })
  }

  async close(actor: VisitorActor, conversationId: string): Promise<VisitorConversation> {
    const v = await this.change(actor.siteId, conversationId, actor, async (tx, conv) => {
      if (conv.status === 'closed') return []
      return [
        await appendMessage(tx, conv, {
          senderType: 'system',
          senderId: null,
          senderName: null,
          text: 'The visitor ended the conversation',
          system: { event: 'closed', by: 'visitor' },
          conversation: { status: 'closed', closedAt: new Date(), queuedAt: null },
        }),
      ]
    })
    return v.visitorView
  }

  async rate(actor: VisitorActor, input: RateConversation): Promise<VisitorConversation> {
    const v = await this.change(actor.siteId, input.conversationId, actor, async (tx, conv) => {
      if (conv.status !== 'resolved' && conv.status !== 'closed') throw invalidState('a conversation can be rated once it is resolved or closed')
      await tx.conversation.update({
        where: { id: conv.id },
        data: { rating: input.rating, ratingFeedback: input.feedback ?? null },
      })
      return []
    })
    return v.visitorView
  }

  async listForVisitor(actor: VisitorActor): Promise<VisitorConversation[]> {
    const rows = await this.ctx.db.inSite(actor.siteId, (tx) =>
      tx.conversation.findMany({
        where: { visitorId: actor.visitorId },
        include: { assignedAgent: agentWithUser },
        orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
        take: 100,
      }),
    )
    return rows.map(toVisitorConversation)
  }

  // ------------------------------------------------------------------ agent side

  async get(actor: AgentActor, id: string): Promise<ConversationSummary> {
    const v = await this.ctx.db.inSite(actor.siteId, (tx) => loadViews(tx, this.presence, id))
    if (!v) throw notFound('conversation')
    return v.summary
  }

  /** The inbox: newest activity first, filtered, paged by an opaque cursor. */
  async list(actor: AgentActor, rawQuery: unknown): Promise<Page<ConversationSummary>> {
    const parsed = ListQuerySchema.safeParse(rawQuery)
    if (!parsed.success) throw invalidPayload(parsed.error, 'query')
    const q = parsed.data
    const limit = q.limit ?? 25
    // Filters and full-text search in SQL (history/filters.ts, shared with the bulk export);
    // the page's rows are then loaded as usual, in the page's order.
    const after = q.cursor ? decodeCursor(q.cursor) : null
    // One id more than the page tells whether another page follows; only the page's views are loaded.
    // Reads only, so not a client's transaction (db.read: about 1 ms less a page).
    const { page, more } = await this.ctx.db.read({ siteId: actor.siteId, serial: true }, async (tx) => {
      const ids = await conversationIds(tx, actor, await withAttribute(tx, actor.siteId, q), after, limit + 1)
      return { page: await loadSummaries(tx, ids.slice(0, limit)), more: ids.length > limit }
    })
    const last = page.at(-1)
    return {
      items: page,
      nextCursor: more && last ? encodeCursor(new Date(last.lastActivityAt), last.id) : null,
    }
  }

  /**
   * Assigns or transfers to an agent, unassigns (agentId null: back to its team's queue, or the
   * site's), and/or sets the team it is for. A team alone is a transfer to that team: the
   * conversation leaves its agent and is routed to the team's agents (or waits in its queue).
   */
  async assign(actor: AgentActor, conversationId: string, target: AssignTarget): Promise<ConversationSummary> {
    const v = await this.change(actor.siteId, conversationId, actor, async (tx, conv) => {
      // A supervisor takes over (assigns to themselves); what is theirs they hand on like anyone.
      const takeOver = target.agentId?.toLowerCase() === actor.agentId && target.teamId === undefined
      if (!takeOver) requireHandling(actor, conv)
      if (conv.status === 'resolved' || conv.status === 'closed') throw invalidState('reopen the conversation before assigning it')
      const lines: AppendedMessage[] = []
      if (target.teamId !== undefined && target.teamId !== conv.teamId) lines.push(await this.toTeam(tx, conv, target.teamId, actor, target.agentId === undefined))
      const agentId = target.agentId
      if (agentId === undefined || agentId === conv.assignedAgentId) return lines
      const now = new Date()
      const current = lines.length ? ((await lockConversation(tx, conv.id)) ?? conv) : conv
      if (agentId === null) return current.assignedAgentId ? [...lines, await unassignMessage(tx, current, agentIdOf(actor))] : lines
      const found = await tx.agent.findUnique({ where: { id: agentId }, ...agentWithUser })
      if (!found || found.removedAt) throw notFound('agent')
      await tx.agent.update({ where: { id: agentId }, data: { lastAssignedAt: now } })
      const name = agentName(found)
      const from = current.assignedAgentId
      lines.push(
        await appendMessage(tx, current, {
          senderType: 'system',
          senderId: agentIdOf(actor),
          senderName: null,
          text: from ? `The conversation was transferred to ${name}` : `${name} joined the conversation`,
          // A transfer is the team's business: agents see it, the visitor sees the new agent's name.
          isPrivate: !!from,
          system: from
            ? { event: 'transferred', fromAgentId: from, toAgentId: agentId, agentName: name }
            : { event: 'assigned', agentId, agentName: name, by: 'agent' },
          conversation: { status: 'active', assignedAgentId: agentId, queuedAt: null },
        }),
      )
      return lines
    })
    return v.summary
  }

  /**
   * Sets the team a conversation is for, with its (private) line. `handOver`: a transfer to the
   * team, so the conversation leaves its agent for the team's queue (routing then gives it to one
   * of the team's agents, the next drain).
   */
  private async toTeam(tx: Tx, conv: LockedConversation, teamId: string | null, actor: AgentActor, handOver: boolean): Promise<AppendedMessage> {
    const team = teamId ? await tx.team.findFirst({ where: { siteId: conv.siteId, id: teamId }, select: { id: true, name: true } }) : null
    if (teamId && !team) throw notFound('team')
    await tx.conversation.update({ where: { id: conv.id }, data: { teamId } })
    await unsettle(tx, conv.siteId, conv.id) // another team may have another SLA policy
    // An assigned conversation joins the team's queue now; a waiting one keeps its place in time.
    const requeue = handOver && conv.assignedAgentId !== null
    return appendMessage(tx, conv, {
      senderType: 'system',
      senderId: agentIdOf(actor),
      senderName: null,
      text: team ? `The conversation was transferred to the ${team.name} team` : 'The conversation is no longer for a team',
      isPrivate: true,
      system: { event: 'team', teamId: team?.id ?? null, teamName: team?.name ?? null },
      ...(requeue ? { conversation: { status: 'pending', assignedAgentId: null, queuedAt: new Date() } } : {}),
    })
  }

  async resolve(actor: AgentActor, conversationId: string): Promise<ConversationSummary> {
    const v = await this.change(actor.siteId, conversationId, actor, async (tx, conv) => {
      requireHandling(actor, conv)
      if (conv.status === 'resolved') return []
      if (conv.status === 'closed') throw invalidState('the visitor closed this conversation; reopen it first')
      return [
        await appendMessage(tx, conv, {
          senderType: 'system',
          senderId: agentIdOf(actor),
          senderName: null,
          text: 'The conversation was resolved',
          system: { event: 'resolved', agentId: agentIdOf(actor) },
          conversation: { status: 'resolved', resolvedAt: new Date(), queuedAt: null },
        }),
      ]
    })
    return v.summary
  }

  async reopen(actor: AgentActor, conversationId: string): Promise<ConversationSummary> {
    const v = await this.change(actor.siteId, conversationId, actor, async (tx, conv) => {
      requireHandling(actor, conv)
      if (conv.status === 'pending' || conv.status === 'active') return []
      return [await reopenMessage(tx, conv, 'agent')]
    })
    return v.summary
  }

  async update(actor: AgentActor, input: UpdateConversation): Promise<ConversationSummary> {
    const v = await this.change(actor.siteId, input.conversationId, actor, async (tx, conv) => {
      requireHandling(actor, conv)
      await tx.conversation.update({
        where: { id: conv.id },
        data: {
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
          ...(input.tags !== undefined ? { tags: [...new Set(input.tags)] } : {}),
          ...(input.subject !== undefined ? { subject: input.subject || null } : {}),
        },
      })
      // Another priority may have another SLA policy: the running clocks are set again.
      if (input.priority !== undefined) await unsettle(tx, conv.siteId, conv.id)
      return []
    })
    return v.summary
  }

  /**
   * Inside the caller's transaction (scoped to the conversations' site): every open conversation
   * assigned to `agentId` (an agent being removed) goes back to the queue with the unassign line,
   * `by` being who removed them. Pass the result to announceRequeued() once the transaction commits.
   */
  async requeueIn(tx: Tx, siteId: string, agentId: string, by: string | null): Promise<Requeued> {
    const open = await tx.conversation.findMany({
      where: { siteId, assignedAgentId: agentId, status: { in: ['pending', 'active'] } },
      orderBy: [{ queuedAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    })
    const done: Requeued['conversations'] = []
    for (const { id } of open) {
      const conv = await lockConversation(tx, id)
      if (!conv || conv.assignedAgentId !== agentId || (conv.status !== 'pending' && conv.status !== 'active')) continue
      const message = await unassignMessage(tx, conv, by)
      done.push({ views: (await loadViews(tx, this.presence, id))!, message })
    }
    return { siteId, conversations: done }
  }

  /** Announces what requeueIn() did, after its transaction committed, and lets the queue move. */
  async announceRequeued(r: Requeued): Promise<void> {
    for (const { views: v, message } of r.conversations) {
      this.ctx.metrics?.messageStored(message.senderType)
      this.ctx.publish.appended(r.siteId, v.summary.visitor.id, message)
      this.ctx.publish.conversationUpdated(v.summary, v.visitorView)
    }
    if (r.conversations.length > 0) await this.routing.drain(r.siteId)
  }

  // ------------------------------------------------------------------ shared

  /**
   * Runs one change on a locked conversation, then announces its messages and the new state,
   * and lets the queue move (a change may have freed an agent or queued the conversation).
   */
  private async change(siteId: string, id: string, actor: AgentActor | VisitorActor, fn: Change): Promise<ConversationViews> {
    const { v, messages } = await this.ctx.db.inSite(siteId, async (tx) => {
      const conv = await lockConversation(tx, id)
      if (!conv || (actor.kind === 'visitor' && conv.visitorId !== actor.visitorId)) throw notFound('conversation')
      const messages = await fn(tx, conv)
      const v = await loadViews(tx, this.presence, id)
      return { v: v!, messages }
    })
    for (const m of messages) this.ctx.metrics?.messageStored(m.senderType)
    for (const m of messages) this.ctx.publish.appended(siteId, v.summary.visitor.id, m)
    this.ctx.publish.conversationUpdated(v.summary, v.visitorView)
    if (messages.length === 0) return v
    const assigned = await this.routing.drain(siteId)
    if (!assigned.includes(id)) return v
    return (await this.ctx.db.inSite(siteId, (tx) => loadViews(tx, this.presence, id))) ?? v
  }
}

/**
 * The team a new conversation is for: the visitor's pick in a pre-chat "team" field, else the
 * page's or the API's `team`, else the team of the proactive message it answers; null for none.
 */
async function teamOfStart(tx: Tx, siteId: string, input: StartConversation, settings: { preChatFields: unknown } | null, triggerId: string | null): Promise<string | null> {
  const named = pickedTeam((settings?.preChatFields ?? []) as PreChatField[], input.fields?.custom) ?? input.team
  const found = named ? await findTeam(tx, siteId, named) : null
  if (found || !triggerId) return found
  return (await tx.trigger.findFirst({ where: { siteId, id: triggerId }, select: { teamId: true } }))?.teamId ?? null
}

/** Conversations sent back to the queue by requeueIn(), with what to announce. */
export interface Requeued {
  siteId: string
  conversations: { views: ConversationViews; message: AppendedMessage }[]
}

/** The conversation goes back to the queue (unassigned), `by` an agent or nobody in particular. */
function unassignMessage(tx: Tx, conv: LockedConversation, by: string | null): Promise<AppendedMessage> {
  return appendMessage(tx, conv, {
    senderType: 'system',
    senderId: by,
    senderName: null,
    text: 'The conversation went back to the queue',
    isPrivate: true,
    system: { event: 'unassigned', agentId: conv.assignedAgentId! },
    conversation: { status: 'pending', assignedAgentId: null, queuedAt: new Date() },
  })
}

/** Reopens a resolved or closed conversation: back to its agent, or to the queue. */
export function reopenMessage(tx: Tx, conv: LockedConversation, by: 'agent' | 'visitor'): Promise<AppendedMessage> {
  return appendMessage(tx, conv, {
    senderType: 'system',
    senderId: null,
    senderName: null,
    text: 'The conversation was reopened',
    system: { event: 'reopened', by },
    conversation: {
      status: conv.assignedAgentId ? 'active' : 'pending',
      queuedAt: conv.assignedAgentId ? null : new Date(),
      resolvedAt: null,
      closedAt: null,
    },
  })
}

/** The agent acting, for system messages: none when an API key acts (it is no agent). */
const agentIdOf = (actor: AgentActor): string | null => (actor.key ? null : actor.agentId)

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(at)
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad')
    return { at: date, id }
  } catch {
    throw new AppError('invalid_payload', 'invalid query: cursor: not a cursor this server gave out', [{ path: 'cursor', message: 'invalid cursor' }])
  }
}

/**
 * A supervisor reads every conversation but changes only those assigned to them (after taking one
 * over); anyone else (and an API key) passes.
 */
export function requireHandling(actor: AgentActor, conv: { assignedAgentId: string | null }): void {
  if (!mayHandle(actor, conv)) throw forbidden('a supervisor changes only the conversations assigned to them: take this one over first')
}

/** Whether requireHandling lets the actor through. */
export const mayHandle = (actor: AgentActor, conv: { assignedAgentId: string | null }): boolean =>
  actor.role !== 'supervisor' || !!actor.key || conv.assignedAgentId === actor.agentId
