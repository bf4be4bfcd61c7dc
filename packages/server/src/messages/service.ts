// Messages: stored before they are acknowledged, idempotent on the sender's clientId, synced
// by seq after a reconnect, with typing and read/delivery receipts.
import crypto from 'node:crypto'
import type { AgentSendMessage, ChooseOption, EditMessage, Message, MessageEdit, MessagePage, MessageRef, ReceiptState } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { Actor, AgentActor, Context, VisitorActor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, forbidden, invalidState, notFound } from '../shared/errors.js'
import { agentName, agentWithUser, toMessage, type MessageMetadata } from '../shared/map.js'
import { mayHandle, reopenMessage, requireHandling } from '../conversations/service.js'
import type { Routing } from '../conversations/routing.js'
import { loadViews } from '../conversations/views.js'
import type { PresenceService } from '../presence/service.js'
import type { UploadService } from '../uploads/service.js'
import type { EmailService } from '../email/service.js'
import { appendMessage, liveState, lockConversation, storedText, type AppendedMessage, type LiveState, type LockedConversation, type MessageRow } from './store.js'
import { AppendBatcher } from './batch.js'
import { changeMessage, changesAfter, editHistory, type Change } from './edits.js'
import { recordMessageEvent } from '../events/outbox.js'
import { recordMentions, type Recorded } from '../mentions/service.js'

export interface SendResult {
  message: Message
  /** False when the clientId was already stored: the earlier message is returned. */
  created: boolean
  /** What its writer returned for the live announcement (absent for a resend). */
  live?: LiveState
}

/** Who a message is stored as: its actor (a visitor, an agent), or a bot an API key speaks for. */
export interface Author {
  type: 'visitor' | 'agent' | 'bot'
  id: string
  /** Null for a visitor: the writer takes the visitor's name. */
  name: string | null
}

/** A page of a conversation's messages (see MessageService.page), prepared once per connection of db.pages. */
const PAGE = 'SELECT * FROM mod_chat_message_page($1::uuid, $2::uuid, $3::uuid, $4::integer, $5::integer, $6::integer)'

const authorOf = (actor: Actor): Author =>
  actor.kind === 'visitor' ? { type: 'visitor', id: actor.visitorId, name: null } : { type: 'agent', id: actor.agentId, name: actor.name }

/** A message for the general path. `check`: runs on the locked conversation and gives the text (a choice's answer). */
interface Draft {
  conversationId: string
  clientId: string
  text?: string
  attachments?: string[]
  isPrivate: boolean
  from: Author
  metadata?: MessageMetadata
  check?: (tx: Tx, conv: LockedConversation) => Promise<string | null>
}

export interface PageQuery {
  after?: number
  before?: number
  limit?: number
}

export class MessageService {
  private readonly batcher: AppendBatcher

  /** The senders whose messages the server's own consumers want as events (the reply email: agents'). */
  private get eventSenders(): readonly string[] {
    return this.emails?.eventSenders ?? []
  }

  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    private readonly routing: Routing,
    private readonly uploads: UploadService,
    private readonly emails?: EmailService,
  ) {
    this.batcher = new AppendBatcher(ctx.db, this.eventSenders)
  }

  /**
   * Stores a message (with its attachments, in the same transaction) and announces it. Idempotent
   * on clientId. `sender`: the id of the socket it came from, which its ack answers instead.
   */
  async send(actor: Actor, input: AgentSendMessage, sender?: string, as?: Author): Promise<SendResult> {
    const isPrivate = actor.kind === 'agent' && input.private === true
    const from = as ?? authorOf(actor)
    const metadata: MessageMetadata | undefined = input.content ? { content: input.content } : undefined
    const after = input.unlessRepliedAfter
    if (after !== undefined && !isPrivate) {
      // The collision guard: decided under the conversation's lock, so of two agents answering at
      // once the second is told (the general path; a resend of a stored message is answered as stored).
      const check = async (tx: Tx, conv: LockedConversation) => {
        await repliedSince(tx, conv.id, after, from)
        return storedText(input.text)
      }
      return this.store(actor, { ...input, isPrivate, from, check, ...(metadata ? { metadata } : {}) }, sender)
    }
    // A note that may name someone, and anything a supervisor writes, take the general path: a
    // mention is written in the note's transaction; a supervisor's reply is checked under the lock.
    const general = actor.kind === 'agent' && (actor.role === 'supervisor' || (isPrivate && input.text?.includes('@') === true))
    const fast = general ? null : await this.appendText(actor, input, isPrivate, from, metadata)
    if (fast) {
      this.ctx.metrics?.messageStored(actor.kind)
      this.ctx.publish.message(actor.siteId, fast.visitorId, fast.message, { sender, live: fast.live })
      return { message: fast.message, created: true, live: fast.live }
    }
    return this.store(actor, { ...input, isPrivate, from, ...(metadata ? { metadata } : {}) }, sender)
  }

  /**
   * A visitor picks an option of a choice message: stored once per choice, as the visitor's own
   * message (text: the option's label, metadata.answer: what was picked). Its clientId is
   * `choice:<messageId>` (a ":" no client may use), so the conversation's unique (conversation,
   * clientId) index makes the answer exactly once, and a second click, a second tab or a retry
   * after a reconnect gets the stored answer back (as a resend does), whatever option it names.
   */
  async choose(actor: VisitorActor, input: ChooseOption, sender?: string): Promise<SendResult> {
    return this.store(
      actor,
      {
        conversationId: input.conversationId,
        clientId: `choice:${input.messageId.toLowerCase()}`,
        isPrivate: false,
        from: authorOf(actor),
        metadata: { answer: { messageId: input.messageId.toLowerCase(), optionId: input.optionId } },
        check: async (tx, conv) => {
          // The question must be a public choice message of this very conversation (so of this
          // visitor and this site), and the option one of its own.
          const q = await tx.message.findFirst({ where: { id: input.messageId, conversationId: conv.id, isPrivate: false } })
          if (!q) throw notFound('message')
          const content = toMessage(q).content
          if (content?.kind !== 'choice') throw invalidState('this message is not a choice')
          const option = content.options.find((o) => o.id === input.optionId)
          if (!option) throw new AppError('invalid_payload', 'invalid payload: optionId: not an option of this choice', [{ path: 'optionId', message: 'not an option of this choice' }])
          return option.label
        },
      },
      sender,
    )
  }

  /**
   * The general path: locks the conversation, returns the stored message for a clientId already
   * used, reopens a resolved conversation for a visitor, and appends through the one writer.
   */
  private async store(actor: Actor, m: Draft, sender?: string): Promise<SendResult> {
    const r = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const conv = await lockConversation(tx, m.conversationId)
      if (!conv || (actor.kind === 'visitor' && conv.visitorId !== actor.visitorId)) throw notFound('conversation')
      const existing = await tx.message.findUnique({
        where: { conversationId_clientId: { conversationId: conv.id, clientId: m.clientId } },
      })
      if (existing) {
        if (existing.senderId !== m.from.id || existing.senderType !== m.from.type) throw new AppError('conflict', 'this clientId was used by another sender')
        return { message: existing, created: false, extra: [] as AppendedMessage[], statusChanged: false, visitorId: conv.visitorId, live: undefined, mentions: [] as Recorded }
      }
      const text = m.check ? await m.check(tx, conv) : storedText(m.text)
      const extra = []
      let statusChanged = false
      if (actor.kind === 'visitor') {
        if (conv.status === 'closed') throw invalidState('this conversation was closed; start a new one')
        // A visitor writing into a resolved conversation reopens it.
        if (conv.status === 'resolved') {
          extra.push(await reopenMessage(tx, conv, 'visitor'))
          statusChanged = true
        }
      } else if (!m.isPrivate && conv.status === 'closed') {
        throw invalidState('the visitor closed this conversation')
      } else if (!m.isPrivate) {
        requireHandling(actor, conv) // a supervisor answers only what they took over (notes: anywhere)
      }
      const files = await this.uploads.plan(tx, actor, m.attachments)
      const message = await appendMessage(tx, conv, {
        senderType: m.from.type,
        senderId: m.from.id,
        senderName: m.from.name ?? conv.visitorName,
        text,
        clientId: m.clientId,
        isPrivate: m.isPrivate,
        attachments: files.attachments,
        ...(m.metadata ? { metadata: m.metadata } : {}),
        eventSenders: this.eventSenders,
      })
      await files.link(message.id)
      const mentions =
        actor.kind === 'agent' && m.isPrivate && m.from.type === 'agent'
          ? await recordMentions(tx, { siteId: actor.siteId, conversationId: conv.id, messageId: message.id, text }, { agentId: m.from.id, role: actor.role, assignedAgentId: conv.assignedAgentId }, this.emails?.enabled ?? false)
          : []
      return { message, created: true, extra, statusChanged, visitorId: conv.visitorId, live: message.live, mentions }
    })
    const message = toMessage(r.message)
    // A resend is announced again too: if this process died between storing and announcing
    // the first time, this is how the other side hears of it. Clients drop repeats by seq.
    // Its event is not written again: it was written with the message (the outbox).
    if (r.created) {
      this.ctx.metrics?.messageStored(actor.kind)
      this.ctx.metrics?.messageStored('system', r.extra.length)
    }
    for (const x of r.extra) this.ctx.publish.appended(actor.siteId, r.visitorId, x)
    this.ctx.publish.message(actor.siteId, r.visitorId, message, { sender, ...(r.live ? { live: r.live } : {}) })
    for (const x of r.mentions) this.ctx.publish.mention(x)
    if (r.statusChanged) {
      const v = await this.ctx.db.inSite(actor.siteId, (tx) => loadViews(tx, this.presence, m.conversationId))
      if (v) this.ctx.publish.conversationUpdated(v.summary, v.visitorView)
      await this.routing.drain(actor.siteId)
    }
    return { message, created: r.created, ...(r.live ? { live: r.live } : {}) }
  }

  /**
   * An agent's message over REST. An API key is no agent: `agentId` names the site's agent it is
   * sent as, and the message is then stored and announced exactly as that agent's; or `bot`
   * sends it as a bot (sender type `bot`, the key's id as its sender id). With an agent's token,
   * `agentId` may only be their own, and `bot` is refused.
   */
  async sendAs(actor: AgentActor, agentId: string | undefined, input: AgentSendMessage, bot?: { name: string }): Promise<SendResult> {
    if (bot) {
      const refuse = (path: string, message: string) => new AppError('invalid_payload', `invalid body: ${path}: ${message}`, [{ path, message }])
      if (!actor.key) throw forbidden('only an API key sends as a bot')
      if (agentId !== undefined) throw refuse('agentId', 'a bot is no agent: give agentId or bot, not both')
      if (input.attachments?.length) throw refuse('attachments', 'an API key sends text only')
      if (input.private) throw refuse('private', 'a bot sends no private notes')
      return this.send(actor, input, undefined, { type: 'bot', id: actor.key.id, name: bot.name })
    }
    return this.send(await this.author(actor, agentId, input), input)
  }

  private async author(actor: AgentActor, agentId: string | undefined, input: AgentSendMessage): Promise<AgentActor> {
    if (!actor.key) {
      if (agentId !== undefined && agentId.toLowerCase() !== actor.agentId) throw forbidden('an agent sends messages as themselves: leave agentId out')
      return actor
    }
    const refuse = (path: string, message: string) => new AppError('invalid_payload', `invalid body: ${path}: ${message}`, [{ path, message }])
    if (agentId === undefined) throw refuse('agentId', 'required with an API key: the agent the message is sent as')
    // Uploading takes an agent's token, so a key has no files of its own to attach.
    if (input.attachments?.length) throw refuse('attachments', 'an API key sends text only')
    const agent = await this.ctx.db.inSite(actor.siteId, (tx) => tx.agent.findUnique({ where: { id: agentId.toLowerCase() }, ...agentWithUser }))
    if (!agent || agent.removedAt) throw notFound('agent')
    return { ...actor, agentId: agent.id, userId: agent.userId, name: agentName(agent) }
  }

  /**
   * The common case in one statement (mod_chat_append_messages): a new text message to an open
   * conversation, its counters and its event. Null when the general path must decide (not
   * open, not the sender's, attachments, or a clientId already stored).
   */
  private async appendText(
    actor: Actor,
    input: AgentSendMessage,
    isPrivate: boolean,
    from: Author,
    metadata: MessageMetadata | undefined,
  ): Promise<{ message: Message; visitorId: string; live: LiveState } | null> {
    if (input.attachments?.length) return null
    const createdAt = new Date()
    const senderId = from.id
    const message: Message = {
      id: crypto.randomUUID(),
      conversationId: input.conversationId,
      seq: 0,
      clientId: input.clientId,
      senderType: from.type,
      senderId,
      senderName: from.name,
      type: 'text',
      text: storedText(input.text),
      attachments: [],
      private: isPrivate,
      system: null,
      content: metadata?.content ?? null,
      answer: null,
      createdAt: createdAt.toISOString(),
      editedAt: null,
      deletedAt: null,
      rev: 0,
    }
    const row = await this.batcher.append({
      siteId: actor.siteId,
      conversationId: input.conversationId,
      visitorId: actor.kind === 'visitor' ? actor.visitorId : null,
      id: message.id,
      clientId: input.clientId,
      senderType: from.type,
      senderId,
      senderName: message.senderName,
      text: message.text,
      isPrivate,
      createdAt,
      ...(metadata ? { metadata: JSON.stringify(metadata) } : {}),
    })
    // null: not open, not the sender's, or a resend (the general path returns the stored message)
    if (!row) return null
    return { message: { ...message, seq: row.seq, senderName: row.sender_name }, visitorId: row.visitor_id, live: liveState(row) }
  }

  /**
   * Everything after `afterSeq`, oldest first: what a client missed while away; with `afterRev`,
   * also the messages edited or unsent after that change counter (see changesAfter).
   */
  async sync(actor: Actor, conversationId: string, afterSeq: number, limit = 100, afterRev?: number): Promise<MessagePage> {
    const page = await this.page(actor, conversationId, { after: afterSeq, limit })
    if (afterRev === undefined) return page
    const c = await this.ctx.db.inSite(actor.siteId, (tx) => changesAfter(tx, actor, conversationId, afterRev, limit))
    return { ...page, hasMore: page.hasMore || c.hasMore, changes: c.changes, rev: c.rev }
  }

  /** Edits the actor's own message (see changeMessage) and announces the change. */
  async edit(actor: Actor, input: EditMessage): Promise<Message> {
    return this.change(actor, input, { text: input.text })
  }

  /** Unsends the actor's own message (see changeMessage) and announces the change. */
  async unsend(actor: Actor, input: MessageRef): Promise<Message> {
    return this.change(actor, input, { unsend: true })
  }

  /** The earlier texts of an edited message (agents only). */
  async history(actor: AgentActor, input: MessageRef): Promise<MessageEdit[]> {
    return this.ctx.db.inSite(actor.siteId, (tx) => editHistory(tx, input))
  }

  private async change(actor: Actor, ref: MessageRef, change: Change): Promise<Message> {
    const r = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const r = await changeMessage(tx, actor, ref, change)
      // Webhooks hear of it in the same transaction (never of private notes, like message.created).
      if (r.changed && !r.message.private) await recordMessageEvent(tx, actor.siteId, 'unsend' in change ? 'message.deleted' : 'message.updated', ref.conversationId, r.message.id)
      // A note edited to name someone new notifies them (those it named already were notified).
      const mentions =
        r.changed && r.message.private && actor.kind === 'agent' && 'text' in change
          ? await recordMentions(tx, { siteId: actor.siteId, conversationId: ref.conversationId, messageId: r.message.id, text: change.text }, { agentId: actor.agentId, role: actor.role, assignedAgentId: null }, this.emails?.enabled ?? false)
          : []
      return { ...r, mentions }
    })
    if (r.changed) this.ctx.publish.messageUpdated(actor.siteId, r.visitorId, r.message)
    for (const x of r.mentions) this.ctx.publish.mention(x)
    return r.message
  }

  /** A page of messages: after a seq (oldest first), before a seq, or the latest. Visitors never see private notes. */
  async page(actor: Actor, conversationId: string, q: PageQuery): Promise<MessagePage> {
    const limit = q.limit ?? 50
    const visitorId = actor.kind === 'visitor' ? actor.visitorId : null
    // One statement (mod_chat_message_page: the conversation pinned to the site and, for a
    // visitor, to them; no private notes for visitors), instead of a transaction of four round
    // trips; on db.pages, not through the Prisma client (see Database.pages).
    const rows = await this.ctx.db.pages.query<MessageRow>(PAGE, [actor.siteId, conversationId, visitorId, q.after ?? null, q.before ?? null, limit + 1])
    // Empty: no such messages, or no such conversation for this actor (say not_found then).
    if (rows.length === 0) await this.ctx.db.inSite(actor.siteId, (tx) => this.access(tx, actor, conversationId))
    const hasMore = rows.length > limit
    const page = rows.slice(0, limit)
    if (q.after === undefined) page.reverse()
    return { messages: page.map(toMessage), hasMore }
  }

  /** Moves the actor's side's read (and delivered) watermark forward; never back. */
  async mark(actor: Actor, conversationId: string, seq: number, what: 'read' | 'delivered'): Promise<void> {
    const side = actor.kind
    const read = Prisma.raw(`${side}_read_seq`)
    const delivered = Prisma.raw(`${side}_delivered_seq`)
    const owner = actor.kind === 'visitor' ? Prisma.sql`AND visitor_id = ${actor.visitorId}::uuid` : Prisma.empty
    const state = await this.ctx.db.inSite(actor.siteId, async (tx) => {
      const target = Prisma.sql`LEAST(${seq}::int, last_seq)`
      const set =
        what === 'read'
          ? Prisma.sql`${read} = GREATEST(${read}, ${target}), ${delivered} = GREATEST(${delivered}, ${target})`
          : Prisma.sql`${delivered} = GREATEST(${delivered}, ${target})`
      const moved = what === 'read' ? Prisma.sql`(${read} < ${target} OR ${delivered} < ${target})` : Prisma.sql`${delivered} < ${target}`
      const rows = await tx.$queryRaw<(ReceiptState & { visitorId: string })[]>`
        UPDATE mod_chat_conversations SET ${set}
        WHERE id = ${conversationId}::uuid ${owner} AND ${moved}
        RETURNING id AS "conversationId", visitor_id AS "visitorId",
          visitor_delivered_seq AS "visitorDeliveredSeq", visitor_read_seq AS "visitorReadSeq",
          agent_delivered_seq AS "agentDeliveredSeq", agent_read_seq AS "agentReadSeq"`
      if (rows[0]) return rows[0]
      await this.access(tx, actor, conversationId) // nothing moved: say not_found if it is not theirs
      return null
    })
    if (!state) return
    const { visitorId, ...receipt } = state
    this.ctx.publish.receipt(actor.siteId, visitorId, receipt)
  }

  /** Checks that the actor may see the conversation; returns its visitor. */
  async access(tx: Tx, actor: Actor, conversationId: string): Promise<{ visitorId: string }> {
    const c = await tx.conversation.findUnique({ where: { id: conversationId }, select: { visitorId: true } })
    if (!c || (actor.kind === 'visitor' && c.visitorId !== actor.visitorId)) throw notFound('conversation')
    return c
  }

  async typing(actor: Actor, conversationId: string, typing: boolean, socketId: string, knownVisitorId?: string): Promise<string> {
    const visitorId = knownVisitorId ?? (await this.ctx.db.inSite(actor.siteId, (tx) => this.access(tx, actor, conversationId))).visitorId
    // A supervisor's typing reaches the visitor only where they may answer (requireHandling).
    const toVisitor = actor.kind === 'visitor' || actor.role !== 'supervisor' || mayHandle(actor, await this.assignment(actor, conversationId))
    this.ctx.publish.typing(
      actor.siteId,
      visitorId,
      { conversationId, side: actor.kind, typing, name: actor.kind === 'agent' ? actor.name : null, ...(actor.kind === 'agent' ? { agentId: actor.agentId } : {}) },
      socketId,
      toVisitor,
    )
    return visitorId
  }

  /** Who a conversation is assigned to (null: nobody, or no such conversation). */
  private async assignment(actor: AgentActor, conversationId: string): Promise<{ assignedAgentId: string | null }> {
    const c = await this.ctx.db.inSite(actor.siteId, (tx) => tx.conversation.findUnique({ where: { id: conversationId }, select: { assignedAgentId: true } }))
    return { assignedAgentId: c?.assignedAgentId ?? null }
  }
}

/** Refuses (`replied_meanwhile`) when someone other than `from` sent the visitor a message after seq `after`. */
async function repliedSince(tx: Tx, conversationId: string, after: number, from: Author): Promise<void> {
  const other = await tx.message.findFirst({
    where: {
      conversationId,
      seq: { gt: after },
      isPrivate: false,
      deletedAt: null,
      senderType: { in: ['agent', 'bot'] },
      NOT: { senderType: from.type, senderId: from.id },
    },
    orderBy: { seq: 'asc' },
    select: { senderName: true, seq: true },
  })
  if (other) throw new AppError('replied_meanwhile', `${other.senderName ?? 'someone'} replied to the visitor meanwhile (message ${other.seq}); nothing was sent`)
}
