// Email: the team hears of offline messages; an absent visitor gets agents' replies, batched
// into one email per conversation; an absent agent hears of a mention or whisper (mentions/);
// a visitor may ask for a transcript.
//
// Both go through the outbox (events/): its dispatcher hands the events to this service's
// consumer, which queues email jobs in mod_chat_email_jobs in the same transaction, so a crash
// loses none and none is queued twice. An offline message's job is due at once. Replies are
// batched: an agent's public reply inserts one `reply` job per conversation (due when the window
// ends; later replies find it there). Every process sweeps due rows, claiming them with DELETE …
// FOR UPDATE SKIP LOCKED, so exactly one process handles each (a process killed while sending
// loses that email: sending is at most once). The reply email holds the agents' messages after GREATEST(visitor_read_seq, visitor_emailed_seq), and
// sending moves visitor_emailed_seq: a restart never mails the same message twice. A visitor
// who is online at the end of the window gets nothing.
import type { SenderType, WebhookEvent } from '@live-chat/protocol'
import type { EventConsumer } from '../events/dispatcher.js'
import type { Context, VisitorActor } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { AppError, notFound } from '../shared/errors.js'
import { Periodic } from '../shared/periodic.js'
import type { PresenceService } from '../presence/service.js'
import { Mailer, type MailOptions } from './mailer.js'
import { messageText, render, type MailContent, type MailLine } from './render.js'

export const DEFAULT_EMAIL_BATCH_MS = 2 * 60_000
/** A reply email that failed is tried again after this long. */
const RETRY_MS = 60_000
/** The most replies one reply email lists (the latest; it says how many there are in all). */
export const REPLIES_SHOWN = 100
/** One transcript per conversation per this long (per process). */
const TRANSCRIPT_COOLDOWN_MS = 30_000

export class EmailService {
  readonly mailer: Mailer
  private readonly batchMs: number
  /** The sweep of due reply emails: every batch window (between 250 ms and 30 s), and when kicked. */
  private readonly loop: Periodic
  private readonly recentTranscripts = new Map<string, number>()

  constructor(
    private readonly ctx: Context,
    private readonly presence: PresenceService,
    opts: MailOptions = {},
  ) {
    this.mailer = new Mailer(opts, ctx.log)
    this.batchMs = opts.batchMs ?? DEFAULT_EMAIL_BATCH_MS
    this.loop = new Periodic('email sweep', Math.min(Math.max(this.batchMs, 250), 30_000), () => this.sweep(), ctx.log)
  }

  /** Whether email can be sent (SMTP is set up). */
  get enabled(): boolean {
    return this.mailer.enabled
  }

  start(): void {
    if (this.mailer.enabled) this.loop.start()
  }

  async stop(): Promise<void> {
    await this.loop.stop()
    this.mailer.close()
  }

  // ------------------------------------------------------------------ accounts

  /**
   * Sends an account email (an invitation, a password reset link): true once it went out, false
   * when email is off or sending failed (logged without the email's content, which holds a secret link).
   */
  async accountMail(to: string, mail: MailContent, what: string): Promise<boolean> {
    if (!this.mailer.enabled) return false
    try {
      await this.mailer.send({ to, ...mail })
      return true
    } catch (e) {
      this.ctx.log.warn({ err: e instanceof Error ? { message: e.message, code: (e as { code?: unknown }).code } : 'error', what }, 'account email failed')
      return false
    }
  }

  // ------------------------------------------------------------------ offline message → team

  /** Emails the site's team about a new offline message (an `offline` email job; throws when sending fails). */
  private async offlineEmail(siteId: string, conversationId: string): Promise<void> {
    const data = await this.ctx.db.inSite(siteId, async (tx) => {
      const conv = await tx.conversation.findUnique({ where: { id: conversationId }, include: { visitor: true, site: { select: { name: true } } } })
      if (!conv) return null
      const messages = await tx.message.findMany({ where: { conversationId, isPrivate: false, senderType: 'visitor' }, orderBy: { seq: 'asc' }, take: 20 })
      const agents = await tx.agent.findMany({ where: { removedAt: null, user: { deactivatedAt: null } }, select: { user: { select: { email: true } } } })
      return { conv, messages, to: [...new Set(agents.map((a) => a.user.email))] }
    })
    if (!data || data.to.length === 0) return
    const { conv, messages, to } = data
    const who = conv.visitor.name ?? 'A visitor'
    const lines: MailLine[] = messages.map((m) => ({ who: m.senderName ?? who, text: messageText(m), at: m.createdAt }))
    const body = render(
      [`${who}${conv.visitor.email ? ` <${conv.visitor.email}>` : ''} left a message on ${conv.site.name} while the team was away.`],
      lines,
      { href: `${this.ctx.config.publicUrl}/dashboard/#inbox/${conv.id}`, label: 'Open the conversation' },
    )
    await this.mailer.send({ to, subject: `New offline message on ${conv.site.name}`, ...body, ...(conv.visitor.email ? { replyTo: conv.visitor.email } : {}) })
  }

  // ------------------------------------------------------------------ replies → absent visitor

  /**
   * The senders whose messages the reply email wants from the outbox even on a site without
   * webhooks (see mod_chat_append_messages' p_event_senders): agents', when email is on.
   */
  get eventSenders(): SenderType[] {
    return this.mailer.enabled ? ['agent'] : []
  }

  /** Whether email wants events of this type from the outbox even on a site without webhooks (see recordEvent). */
  wants(type: WebhookEvent): boolean {
    return this.mailer.enabled && type === 'offline_message.created'
  }

  /**
   * Email's consumer of the outbox (events/dispatcher.ts), in the dispatch's transaction (so once
   * per event): an agent's public message to a visitor who left an address makes sure one reply
   * email is pending for the conversation, due when the batching window ends; an offline message
   * queues the team's email, due at once.
   */
  readonly consumer: EventConsumer = {
    name: 'email',
    // Whether or not this process sends email: any process may dispatch an event written by
    // another, and the job waits for a process that sends (every process of a deployment has the
    // same settings; the events are written only where email is on, see eventSenders and wants).
    take: async (tx, siteId, events) => {
      const replied = [...new Set(events.flatMap((e) => (e.type === 'message.created' && e.data.message.senderType === 'agent' ? [e.data.message.conversationId] : [])))]
      const offline = events.flatMap((e) => (e.type === 'offline_message.created' ? [e.data.conversation.id] : []))
      let queued = 0
      if (replied.length > 0) {
        queued += await tx.$executeRaw`
          INSERT INTO mod_chat_email_jobs (conversation_id, kind, site_id, due_at)
          SELECT c.id, 'reply', c.site_id, now() + make_interval(secs => ${this.batchMs / 1000}::float8)
          FROM mod_chat_conversations c JOIN mod_chat_visitors v ON v.id = c.visitor_id
          WHERE c.id = ANY (${replied}::uuid[]) AND c.site_id = ${siteId}::uuid AND v.email IS NOT NULL
          ON CONFLICT (conversation_id, kind) DO NOTHING`
      }
      if (offline.length > 0) {
        queued += await tx.$executeRaw`
          INSERT INTO mod_chat_email_jobs (conversation_id, kind, site_id, due_at)
          SELECT c.id, 'offline', c.site_id, now() FROM mod_chat_conversations c
          WHERE c.id = ANY (${offline}::uuid[]) AND c.site_id = ${siteId}::uuid
          ON CONFLICT (conversation_id, kind) DO NOTHING`
      }
      return queued > 0
    },
    // This process looks now (an offline email is due at once) and again right after the reply
    // window; the periodic sweep covers the rest.
    after: () => {
      this.loop.kick()
      setTimeout(() => this.loop.kick(), this.batchMs + 50).unref()
    },
  }

  /** Sends every due email job; returns how many it handled. */
  async sweep(): Promise<number> {
    let handled = 0
    for (;;) {
      const jobs = await this.ctx.db.prisma.$queryRaw<{ conversationId: string; kind: string; siteId: string }[]>`
        DELETE FROM mod_chat_email_jobs WHERE (conversation_id, kind) IN (
          SELECT conversation_id, kind FROM mod_chat_email_jobs WHERE due_at <= now()
          ORDER BY due_at LIMIT 20 FOR UPDATE SKIP LOCKED)
        RETURNING conversation_id AS "conversationId", kind, site_id AS "siteId"`
      if (jobs.length === 0) return handled
      for (const job of jobs) {
        handled++
        const send =
          job.kind === 'offline'
            ? this.offlineEmail(job.siteId, job.conversationId)
            : job.kind === 'mention'
              ? this.mentionEmail(job.siteId, job.conversationId)
              : this.replyEmail(job.siteId, job.conversationId)
        await send.catch(async (e: unknown) => {
          this.ctx.log.warn({ err: e, conversationId: job.conversationId, kind: job.kind }, 'email failed; will retry')
          await this.ctx.db.prisma.$executeRaw`
            INSERT INTO mod_chat_email_jobs (conversation_id, kind, site_id, due_at)
            VALUES (${job.conversationId}::uuid, ${job.kind}, ${job.siteId}::uuid, now() + make_interval(secs => ${RETRY_MS / 1000}::float8))
            ON CONFLICT (conversation_id, kind) DO NOTHING`.catch(() => undefined)
        })
      }
    }
  }

  private async replyEmail(siteId: string, conversationId: string): Promise<void> {
    const data = await this.ctx.db.inSite(siteId, async (tx) => {
      const [c] = await tx.$queryRaw<{ visitorId: string; from: number }[]>`
        SELECT visitor_id AS "visitorId", GREATEST(visitor_read_seq, visitor_emailed_seq) AS "from"
        FROM mod_chat_conversations WHERE id = ${conversationId}::uuid`
      if (!c) return null
      const visitor = await tx.visitor.findUnique({ where: { id: c.visitorId }, include: { site: { select: { name: true, allowedOrigins: true } } } })
      if (!visitor?.email) return null
      if ((await this.presence.online(tx, 'visitor', [c.visitorId])).size > 0) return null
      // The latest REPLIES_SHOWN of them, and how many there are: one email covers them all.
      const where = { conversationId, isPrivate: false, senderType: 'agent', seq: { gt: c.from } }
      const messages = (await tx.message.findMany({ where, orderBy: { seq: 'desc' }, take: REPLIES_SHOWN })).reverse()
      const count = messages.length < REPLIES_SHOWN ? messages.length : await tx.message.count({ where })
      return messages.length ? { visitor, messages, count } : null
    })
    if (!data) return
    const { visitor, messages, count } = data
    const email = visitor.email!
    const back = visitor.currentUrl ?? (visitor.site.allowedOrigins[0] ? `${visitor.site.allowedOrigins[0]}/` : undefined)
    const replies = count === 1 ? 'a new reply' : `${count} new replies`
    const shown = count > messages.length ? ` (the latest ${messages.length} below)` : ''
    const body = render(
      [`Hello${visitor.name ? ` ${visitor.name}` : ''},`, `You have ${replies} from ${visitor.site.name}${shown}:`],
      messages.map((m) => ({ who: m.senderName ?? 'Agent', text: messageText(m), at: m.createdAt })),
      back ? { href: back, label: 'Continue the conversation' } : undefined,
    )
    await this.mailer.send({ to: email, subject: `New reply from ${visitor.site.name}`, ...body })
    const last = messages.at(-1)!.seq
    await this.ctx.db.inSite(siteId, (tx) =>
      tx.$executeRaw`UPDATE mod_chat_conversations SET visitor_emailed_seq = GREATEST(visitor_emailed_seq, ${last}::int) WHERE id = ${conversationId}::uuid`,
    )
  }

  // ------------------------------------------------------------------ mentions → absent agent

  /**
   * A `mention` job (queued with the note, mentions/service.ts): each agent mentioned or whispered
   * to in the conversation whose notice is not dealt with yet gets one email listing those notes,
   * unless they are online (status online with a live dashboard): the dashboard told them. Either
   * way the notice is then dealt with (emailed_at), so no note is mailed twice.
   */
  private async mentionEmail(siteId: string, conversationId: string): Promise<void> {
    const data = await this.ctx.db.inSite(siteId, async (tx) => {
      const due = await tx.mention.findMany({
        where: { conversationId, emailedAt: null, readAt: null },
        orderBy: { createdAt: 'asc' },
        take: 200,
        include: {
          message: { select: { content: true, attachments: true, senderName: true, createdAt: true } },
          agent: { select: { id: true, status: true, removedAt: true, user: { select: { email: true, deactivatedAt: true } } } },
          conversation: { select: { visitor: { select: { name: true } }, site: { select: { name: true } } } },
        },
      })
      if (due.length === 0) return null
      const connected = await this.presence.online(tx, 'agent', [...new Set(due.map((m) => m.agentId))])
      const away = due.filter((m) => !(m.agent.status === 'online' && connected.has(m.agentId)) && !m.agent.removedAt && !m.agent.user.deactivatedAt)
      const settled = due.filter((m) => !away.includes(m)).map((m) => m.id)
      if (settled.length) await tx.mention.updateMany({ where: { id: { in: settled } }, data: { emailedAt: new Date() } })
      return away
    })
    if (!data?.length) return
    const byAgent = new Map<string, typeof data>()
    for (const m of data) byAgent.set(m.agentId, [...(byAgent.get(m.agentId) ?? []), m])
    for (const notes of byAgent.values()) {
      const first = notes[0]!
      const { site, visitor } = first.conversation
      const writers = [...new Set(notes.map((m) => m.message.senderName ?? 'A teammate'))].join(', ')
      const whispered = notes.every((m) => m.kind === 'whisper')
      const body = render(
        [`${writers} ${whispered ? 'whispered to you' : 'mentioned you'} in a private note on ${site.name}, in the conversation with ${visitor.name ?? 'a visitor'}:`],
        notes.map((m) => ({ who: m.message.senderName ?? 'A teammate', text: messageText(m.message), at: m.message.createdAt })),
        { href: `${this.ctx.config.publicUrl}/dashboard/#inbox/${conversationId}`, label: 'Open the conversation' },
      )
      await this.mailer.send({ to: first.agent.user.email, subject: `${writers} ${whispered ? 'whispered to you' : 'mentioned you'} on ${site.name}`, ...body })
      await this.ctx.db.inSite(siteId, (tx) => tx.mention.updateMany({ where: { id: { in: notes.map((m) => m.id) } }, data: { emailedAt: new Date() } }))
    }
  }

  // ------------------------------------------------------------------ transcript

  /** Emails the conversation's public messages to `email` (default: the visitor's own). */
  async transcript(actor: VisitorActor, conversationId: string, email?: string): Promise<{ sentTo: string }> {
    const data = await this.ctx.db.inSite(actor.siteId, (tx) => this.transcriptData(tx, actor, conversationId))
    const to = email ?? data.visitor.email
    if (!to) throw new AppError('invalid_payload', 'invalid payload: email: no email to send the transcript to', [{ path: 'email', message: 'required: the visitor has no email' }])
    if (!this.mailer.enabled) throw new AppError('unavailable', 'email is not set up on this server')
    const now = Date.now()
    for (const [k, at] of this.recentTranscripts) if (now - at > TRANSCRIPT_COOLDOWN_MS) this.recentTranscripts.delete(k)
    if (this.recentTranscripts.has(conversationId)) throw new AppError('rate_limited', 'a transcript of this conversation was just sent; try again later')
    this.recentTranscripts.set(conversationId, now)
    const { visitor, messages } = data
    const body = render(
      [`Transcript of your conversation with ${visitor.site.name}:`],
      messages.map((m) => ({ who: m.senderType === 'visitor' ? (m.senderName ?? visitor.name ?? 'You') : (m.senderName ?? (m.senderType === 'system' ? 'System' : 'Agent')), text: messageText(m), at: m.createdAt })),
      visitor.currentUrl ? { href: visitor.currentUrl, label: 'Continue the conversation' } : undefined,
    )
    try {
      await this.mailer.send({ to, subject: `Your conversation with ${visitor.site.name}`, ...body })
    } catch (e) {
      this.recentTranscripts.delete(conversationId)
      this.ctx.log.warn({ err: e, conversationId }, 'transcript email failed')
      throw new AppError('unavailable', 'the email could not be sent; try again later')
    }
    return { sentTo: to }
  }

  private async transcriptData(tx: Tx, actor: VisitorActor, conversationId: string) {
    const conv = await tx.conversation.findUnique({ where: { id: conversationId }, select: { visitorId: true } })
    if (!conv || conv.visitorId !== actor.visitorId) throw notFound('conversation')
    const visitor = await tx.visitor.findUniqueOrThrow({ where: { id: actor.visitorId }, include: { site: { select: { name: true } } } })
    // Private notes never leave the team.
    const messages = await tx.message.findMany({ where: { conversationId, isPrivate: false }, orderBy: { seq: 'asc' }, take: 1000 })
    return { visitor, messages }
  }
}
