// The queue as its visitors see it: each waiting conversation's place (pending, not taken, not yet
// answered by the team, not an offline message; served oldest first, the order routing.ts drains in;
// a conversation for a team counts its place in that team's queue) and an estimated wait
// (estimate.ts), pushed to its visitor as `queue:position`.
//
// Who computes: the process that made a change. The publisher tells this service of every fact
// that may move a site's queue (a live conversation created; an assignment, unassignment,
// resolve, close or reopen, each recorded by its system line; the team's first reply in a
// conversation; an agent's status, capacity or connection); the service waits COALESCE_MS for the
// rest of the burst, then reads the site's whole queue in one query and emits each waiting visitor's place to their room. The socket.io
// adapter (Redis) carries it to whichever process holds the visitor's sockets, so a change on one
// process reaches visitors on every process, and a burst of changes costs one query per process
// that made them, not one per visitor or per process. A visitor who connects with a conversation
// waiting (read by the handshake's own statement, mod_chat_visitor_connected) is told their place at once.
// Every emit carries the database's clock: two processes' emits may cross, and a client keeps the
// latest.
import type { QueuePosition } from '@live-chat/protocol'
import { Prisma } from '../generated/prisma/client.js'
import type { Context } from '../shared/context.js'
import type { Tx } from '../shared/db/index.js'
import { availableAgents, inTeam } from '../conversations/routing.js'
import { InFlight } from '../shared/in-flight.js'
import { estimateWait, handlingTime, HISTORY_DAYS, HISTORY_SAMPLES, MIN_SAMPLES, type Capacity } from './estimate.js'

/** How long a site's recompute waits for the rest of a burst of changes. */
export const COALESCE_MS = 250
/** How long a site's history (handling and first reply times) is reused by this process. */
const HISTORY_TTL_MS = 60_000
/** … and while it is still too thin for an estimate (a new site): its first numbers show soon after they exist. */
const THIN_HISTORY_TTL_MS = 5_000
/** How many answered conversations a process remembers (see QueueService.answered). */
const ANSWERED_KEPT = 50_000

/** Which conversations (`c`) wait in the queue: pending, with no agent, not an offline message, not yet answered (the rule: mod_chat_conversation_waits, inlined by the planner). */
const WAITS = Prisma.sql`mod_chat_conversation_waits(c.status, c.assigned_agent_id, c.is_offline, c.first_response_at)`

/** What a site's recent history says: its handling time and its typical first reply (seconds), null when too little is known. */
export interface SiteHistory {
  handlingSeconds: number | null
  typicalReplySeconds: number | null
}

export class QueueService {
  private readonly due = new Map<string, NodeJS.Timeout>()
  private readonly history = new Map<string, { value: Promise<SiteHistory>; until: number }>()
  /** Conversations this process saw the team reply in (insertion order: oldest first). */
  private readonly replied = new Set<string>()
  /** Recomputes and tells still running (stop() waits for them: each holds a transaction while it reads). */
  private readonly running = new InFlight()
  private stopped = false

  constructor(private readonly ctx: Context) {}

  /** The site's queue may have moved: recomputes it once COALESCE_MS from now and tells its waiting visitors. */
  changed(siteId: string): void {
    if (this.stopped || this.due.has(siteId)) return
    const timer = setTimeout(() => {
      this.due.delete(siteId)
      void this.announce(siteId)
    }, COALESCE_MS)
    timer.unref()
    this.due.set(siteId, timer)
  }

  /**
   * The team replied in a conversation. Its first reply takes it out of the queue (an answered
   * conversation no longer waits, and never waits again: reopening keeps its first reply), so only
   * that one moves the queue; this process remembers the conversations it has seen answered and
   * skips the rest of their replies. A process that missed the first reply (another took it)
   * recomputes once more, which is harmless.
   */
  answered(siteId: string, conversationId: string): void {
    if (this.replied.has(conversationId)) return
    this.replied.add(conversationId)
    // Bounded: the oldest entries go first (a forgotten one costs one more recompute).
    if (this.replied.size > ANSWERED_KEPT) for (const id of this.replied) {
      this.replied.delete(id)
      if (this.replied.size <= ANSWERED_KEPT / 2) break
    }
    this.changed(siteId)
  }

  /** Tells every waiting visitor of the site their place now. Never throws. */
  announce(siteId: string): Promise<void> {
    return this.tellPlaces(siteId, undefined, 'queue positions not announced')
  }

  /** Tells a visitor who just connected the places of their waiting conversations, if any. Never throws. */
  tell(siteId: string, visitorId: string): Promise<void> {
    return this.tellPlaces(siteId, visitorId, 'queue position not told')
  }

  /** Stops the recomputes still waiting and waits for those running (the app is closing; the database closes next). */
  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.due.values()) clearTimeout(timer)
    this.due.clear()
    await this.running.settled()
  }

  /** Reads the places (of the site, or of one visitor) and tells each waiting visitor theirs; tracked, never rejects. */
  private tellPlaces(siteId: string, visitorId: string | undefined, failed: string): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return this.running.track(
      this.waiting(siteId, visitorId).then(
        (waiting) => {
          for (const w of waiting) this.ctx.publish.queuePosition(w.visitorId, w.position)
        },
        (e: unknown) => this.ctx.log.warn({ err: e, siteId }, failed),
      ),
    )
  }

  /** The site's waiting conversations (of one visitor, when given) with their places and estimates. */
  async waiting(siteId: string, visitorId?: string): Promise<{ visitorId: string; position: QueuePosition }[]> {
    const rows = await this.ctx.db.inSite(siteId, async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; visitor_id: string; team_id: string | null; position: number; at: Date }[]>`
        SELECT q.id, q.visitor_id, q.team_id, q.position, statement_timestamp() AS at
        FROM (
          SELECT c.id, c.visitor_id, c.team_id, row_number() OVER (PARTITION BY c.team_id ORDER BY c.queued_at, c.created_at, c.id)::int AS position
          FROM mod_chat_conversations c
          WHERE c.site_id = ${siteId}::uuid AND ${WAITS}
        ) q
        WHERE ${visitorId ?? null}::uuid IS NULL OR q.visitor_id = ${visitorId ?? null}::uuid
        ORDER BY q.position`
      if (rows.length === 0) return null
      // Each team's queue is served by its agents (the site's when none is available: routing's fallback).
      const capacities = new Map<string | null, Capacity>()
      for (const team of new Set(rows.map((r) => r.team_id))) {
        const own = await capacity(tx, siteId, team)
        capacities.set(team, team && own.slots === 0 ? await capacity(tx, siteId, null) : own)
      }
      return { rows, capacities }
    })
    if (!rows) return []
    const { handlingSeconds } = await this.siteHistory(siteId)
    return rows.rows.map((r) => ({
      visitorId: r.visitor_id,
      position: {
        conversationId: r.id,
        position: r.position,
        estimatedWaitSeconds: estimateWait(r.position, rows.capacities.get(r.team_id)!, handlingSeconds),
        at: r.at.toISOString(),
      },
    }))
  }

  /** The site's recent handling and first reply times, read at most once a minute by this process. */
  siteHistory(siteId: string): Promise<SiteHistory> {
    const known = this.history.get(siteId)
    if (known && known.until > Date.now()) return known.value
    const value = this.ctx.db.inSite(siteId, (tx) => readHistory(tx, siteId))
    const entry = { value, until: Date.now() + HISTORY_TTL_MS }
    this.history.set(siteId, entry)
    value.then(
      (h) => {
        if (h.handlingSeconds === null || h.typicalReplySeconds === null) entry.until = Math.min(entry.until, Date.now() + THIN_HISTORY_TTL_MS)
      },
      () => this.history.delete(siteId),
    )
    if (this.history.size > 10_000) for (const [id, h] of this.history) if (h.until <= Date.now()) this.history.delete(id)
    return value
  }
}

/** The slots of the agents routing may pick now (online, accepting chats, connected; of the team, when given) and how many hold an active chat. */
async function capacity(tx: Tx, siteId: string, teamId: string | null): Promise<Capacity> {
  const [row] = await tx.$queryRaw<Capacity[]>`
    SELECT coalesce(sum(a.max_concurrent_chats), 0)::int AS slots, coalesce(sum(least(load.n, a.max_concurrent_chats)), 0)::int AS busy
    ${availableAgents(siteId)} ${inTeam(teamId)}`
  return row ?? { slots: 0, busy: 0 }
}

/**
 * Handling times: of the live conversations of the last HISTORY_DAYS days that ended (resolved or
 * closed), the latest HISTORY_SAMPLES to end, from their first assignment to their end. First
 * replies: from the first message to the first agent reply (analytics' first response), over the
 * latest HISTORY_SAMPLES answered live conversations of those days; their median.
 */
async function readHistory(tx: Tx, siteId: string): Promise<SiteHistory> {
  const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000)
  const handled = await tx.$queryRaw<{ s: number }[]>`
    SELECT greatest(0, extract(epoch FROM c.ended_at - a.created_at))::float8 AS s
    FROM (
      SELECT c.id, least(c.resolved_at, c.closed_at) AS ended_at
      FROM mod_chat_conversations c
      WHERE c.site_id = ${siteId}::uuid AND c.created_at >= ${since} AND NOT c.is_offline
        AND (c.resolved_at IS NOT NULL OR c.closed_at IS NOT NULL)
      ORDER BY ended_at DESC
      LIMIT ${HISTORY_SAMPLES}
    ) c
    CROSS JOIN LATERAL (
      SELECT m.created_at FROM mod_chat_messages m
      WHERE m.conversation_id = c.id AND m.message_type = 'system' AND m.metadata->>'event' = 'assigned'
      ORDER BY m.seq LIMIT 1
    ) a`
  const [reply] = await tx.$queryRaw<{ n: number; median: number | null }[]>`
    SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS median
    FROM (
      SELECT extract(epoch FROM c.first_response_at - c.first_message_at) AS s
      FROM mod_chat_conversations c
      WHERE c.site_id = ${siteId}::uuid AND c.created_at >= ${since} AND NOT c.is_offline
        AND c.first_response_at IS NOT NULL AND c.first_message_at IS NOT NULL
      ORDER BY c.created_at DESC
      LIMIT ${HISTORY_SAMPLES}
    ) r`
  return {
    handlingSeconds: handlingTime(handled.map((h) => h.s)),
    typicalReplySeconds: reply && reply.n >= MIN_SAMPLES && reply.median !== null ? Math.max(0, Math.round(reply.median)) : null,
  }
}
