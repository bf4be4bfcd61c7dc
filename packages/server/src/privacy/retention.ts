// Retention: a site's policy (site settings, off by default) acts on its conversations whose last
// activity is more than `days` days old (REST.md, "Retention", says it for people):
// - `delete`: each such conversation is deleted with everything of theirs (forget.ts; analytics
//   keep its anonymous figures);
// - `anonymise`: each such conversation is kept, with its counts, times, status, tags and rating
//   (so analytics and the agents' figures stay as they were), but its texts and files go: every
//   message but the system lines loses its text, attachments (the files' bytes), rich content,
//   earlier texts and, for the visitor's, the sender's name, and shows as removed; the conversation
//   loses its subject and its rating's comment; webhook deliveries and outbox events about it go
//   (forget.ts). Its visitor's profile is anonymised too (name, email, phone, company, the host's user id,
//   address, browser, location, pages, details, consents, files uploaded but never sent, and the
//   team's notes and attribute values on them) once
//   none of their conversations is newer and they were not seen since either: a returning
//   visitor keeps what they told the site.
// In both modes a visitor who never started a conversation and was not seen for `days` days is
// deleted (they hold nothing but personal data: address, browser, pages).
//
// The job runs every RETENTION_INTERVAL_MS on every process; each site's work is one transaction
// holding a transaction-level advisory lock of that site (pg_try_advisory_xact_lock, as the
// analytics job does for its run): another process that is at it already makes this one skip the
// site, so two processes never act twice. Every step picks only what is still due (a conversation
// anonymised since its last activity is not due again), so running again changes nothing, and a
// run that fails changes nothing either. A site with more than BATCH due conversations is done
// over several runs (the job runs again at once). Each run that did something on a site writes one
// `retention.applied` event to the agency's audit log, with its counts.
import { Prisma } from '../generated/prisma/client.js'
import type { Tx } from '../shared/db/index.js'
import type { Context } from '../shared/context.js'
import { Periodic } from '../shared/periodic.js'
import type { AuditService } from '../audit/service.js'
import { deleteConversations, forgetCopies } from './forget.js'

/** Arbitrary constant: the first key of each site's retention lock (the second is the site's). */
export const RETENTION_LOCK = 1_182_026
/** Conversations (and visitors) acted on per site per run. */
export const BATCH = 500

export const DEFAULT_RETENTION_INTERVAL_MS = 3_600_000

export interface RetentionOptions {
  /** How often each process applies the sites' policies (RETENTION_INTERVAL_MS; default 1 hour; 0 = never on its own). */
  intervalMs?: number
}

/** What one run did on one site (the audit event's data). */
export interface RetentionCounts {
  mode: 'delete' | 'anonymise'
  days: number
  conversations: number
  messages: number
  files: number
  visitorsDeleted: number
  visitorsAnonymised: number
}

interface PolicySite {
  id: string
  agencyId: string
  retentionMode: string
  retentionDays: number | null
}

export class Retention {
  private readonly timer: Periodic

  constructor(
    private readonly ctx: Context,
    private readonly audit: AuditService,
    opts: RetentionOptions = {},
  ) {
    this.timer = new Periodic('retention', opts.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS, () => this.run(), ctx.log)
  }

  start(): void {
    this.timer.start()
  }

  stop(): Promise<void> {
    return this.timer.stop()
  }

  /** Applies every site's policy once; returns what this call did, by site (sites where nothing was done, or another process was at it, are left out). */
  async run(): Promise<Map<string, RetentionCounts>> {
    const sites = await this.ctx.db.prisma.site.findMany({
      where: { retentionMode: { in: ['delete', 'anonymise'] }, retentionDays: { not: null } },
      select: { id: true, agencyId: true, retentionMode: true, retentionDays: true },
      orderBy: { id: 'asc' },
    })
    const done = new Map<string, RetentionCounts>()
    let more = false
    for (const site of sites) {
      try {
        const counts = await this.site(site)
        if (!counts) continue
        done.set(site.id, counts)
        if (counts.conversations >= BATCH || counts.visitorsDeleted + counts.visitorsAnonymised >= BATCH) more = true
      } catch (e) {
        this.ctx.log.warn({ err: e, siteId: site.id }, 'retention failed; the next run tries again')
      }
    }
    if (more) this.timer.kick()
    return done
  }

  /** One site's run, in one transaction; null when another process holds the site's lock, or nothing was due. */
  private site(site: PolicySite): Promise<RetentionCounts | null> {
    const mode = site.retentionMode as RetentionCounts['mode']
    const days = site.retentionDays!
    return this.ctx.db.scoped({ siteId: site.id, agencyId: site.agencyId }, async (tx) => {
      const [lock] = await tx.$queryRaw<{ got: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}::int, hashtext(${site.id})) AS got`
      if (!lock?.got) return null
      // By the database's clock (one clock for every process).
      const [{ cutoff }] = await tx.$queryRaw<[{ cutoff: Date }]>`SELECT now() - make_interval(days => ${days}::int) AS cutoff`
      const counts = mode === 'delete' ? await deleteOld(tx, site.id, cutoff) : await anonymiseOld(tx, site.id, cutoff)
      const idle = await deleteIdleVisitors(tx, site.id, cutoff)
      const result: RetentionCounts = { mode, days, ...counts, files: counts.files + idle.files, visitorsDeleted: idle.visitors }
      if (result.conversations + result.messages + result.files + result.visitorsDeleted + result.visitorsAnonymised === 0) return null
      await this.audit.recordIn(tx, {
        agencyId: site.agencyId,
        siteId: site.id,
        action: 'retention.applied',
        actor: { type: 'system', id: null, label: 'retention' },
        target: { type: 'site', id: site.id },
        data: { ...result },
      })
      this.ctx.log.info({ siteId: site.id, ...result }, 'retention applied')
      return result
    })
  }
}

type Counts = Omit<RetentionCounts, 'mode' | 'days'>

/**
 * The site's conversations last active before `cutoff` and still due, locked, oldest first (at most
 * BATCH; one locked elsewhere, by a message being sent or an erasure, waits for the next run). For
 * anonymising, one anonymised since its last activity is not due.
 */
async function dueConversations(tx: Tx, siteId: string, cutoff: Date, anonymise: boolean): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM mod_chat_conversation_activity a
    JOIN mod_chat_conversations c ON c.site_id = a.site_id AND c.id = a.conversation_id
    WHERE a.site_id = ${siteId}::uuid AND a.last_activity_at < ${cutoff} AND c.last_activity_at < ${cutoff}
      ${anonymise ? Prisma.sql`AND (c.anonymised_at IS NULL OR c.anonymised_at < c.last_activity_at)` : Prisma.empty}
    ORDER BY a.last_activity_at, c.id
    LIMIT ${BATCH}
    FOR UPDATE OF c SKIP LOCKED`
  return rows.map((r) => r.id)
}

async function deleteOld(tx: Tx, siteId: string, cutoff: Date): Promise<Counts> {
  const removed = await deleteConversations(tx, siteId, await dueConversations(tx, siteId, cutoff, false))
  return { ...removed, visitorsDeleted: 0, visitorsAnonymised: 0 }
}

async function anonymiseOld(tx: Tx, siteId: string, cutoff: Date): Promise<Counts> {
  const ids = await dueConversations(tx, siteId, cutoff, true)
  let messages = 0
  let files = 0
  if (ids.length > 0) {
    await forgetCopies(tx, siteId, ids)
    files += await tx.$executeRaw`
      DELETE FROM mod_chat_uploads u USING mod_chat_messages m
      WHERE u.site_id = ${siteId}::uuid AND m.id = u.message_id AND m.conversation_id = ANY (${ids}::uuid[])`
    await tx.$executeRaw`
      DELETE FROM mod_chat_message_edits e USING mod_chat_messages m
      WHERE e.site_id = ${siteId}::uuid AND m.id = e.message_id AND m.conversation_id = ANY (${ids}::uuid[])`
    // (system lines hold only who assigned, resolved or closed: they stay as they are)
    messages = await tx.$executeRaw`
      UPDATE mod_chat_messages SET content = NULL, attachments = '[]'::jsonb, metadata = '{}'::jsonb, edited_at = NULL,
        sender_name = CASE WHEN sender_type = 'visitor' THEN NULL ELSE sender_name END, deleted_at = coalesce(deleted_at, now())
      WHERE site_id = ${siteId}::uuid AND conversation_id = ANY (${ids}::uuid[]) AND message_type <> 'system'
        AND (content IS NOT NULL OR attachments <> '[]'::jsonb OR metadata <> '{}'::jsonb OR edited_at IS NOT NULL OR deleted_at IS NULL
             OR (sender_type = 'visitor' AND sender_name IS NOT NULL))`
    await tx.$executeRaw`
      UPDATE mod_chat_conversations SET subject = NULL, rating_feedback = NULL, anonymised_at = now()
      WHERE site_id = ${siteId}::uuid AND id = ANY (${ids}::uuid[])`
  }
  // Visitors none of whose conversations is newer, not seen since either (nor since their last anonymisation).
  const visitors = await tx.$queryRaw<{ id: string }[]>`
    WITH due AS (
      SELECT v.id FROM mod_chat_visitors v
      WHERE v.site_id = ${siteId}::uuid AND v.last_seen_at < ${cutoff} AND (v.anonymised_at IS NULL OR v.anonymised_at < v.last_seen_at)
        AND EXISTS (SELECT 1 FROM mod_chat_conversations c WHERE c.site_id = v.site_id AND c.visitor_id = v.id)
        AND NOT EXISTS (SELECT 1 FROM mod_chat_conversations c WHERE c.site_id = v.site_id AND c.visitor_id = v.id AND c.last_activity_at >= ${cutoff})
      ORDER BY v.last_seen_at, v.id
      LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE mod_chat_visitors v SET name = NULL, email = NULL, phone = NULL, company = NULL, external_id = NULL, verified = false,
      current_url = NULL, current_title = NULL, referrer_url = NULL, user_agent = NULL, ip_address = NULL, country_code = NULL, city = NULL,
      custom_data = '{}'::jsonb, pages = '[]'::jsonb, consents = '[]'::jsonb, anonymised_at = now()
    FROM due WHERE v.id = due.id
    RETURNING v.id`
  const anonymised = visitors.map((v) => v.id)
  if (anonymised.length > 0) {
    files += await tx.$executeRaw`
      DELETE FROM mod_chat_uploads WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${anonymised}::uuid[]) AND message_id IS NULL`
    // What the team kept about them as a contact: notes and attribute values.
    await tx.$executeRaw`DELETE FROM mod_chat_contact_notes WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${anonymised}::uuid[])`
    await tx.$executeRaw`DELETE FROM mod_chat_contact_attribute_values WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${anonymised}::uuid[])`
  }
  return { conversations: ids.length, messages, files, visitorsDeleted: 0, visitorsAnonymised: anonymised.length }
}

/** Deletes the visitors who have no conversation and were not seen since `cutoff`, with the files they uploaded; returns how many. */
async function deleteIdleVisitors(tx: Tx, siteId: string, cutoff: Date): Promise<{ visitors: number; files: number }> {
  const due = await tx.$queryRaw<{ id: string }[]>`
    SELECT v.id FROM mod_chat_visitors v
    WHERE v.site_id = ${siteId}::uuid AND v.last_seen_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM mod_chat_conversations c WHERE c.site_id = v.site_id AND c.visitor_id = v.id)
    ORDER BY v.last_seen_at, v.id
    LIMIT ${BATCH}
    FOR UPDATE SKIP LOCKED`
  const ids = due.map((v) => v.id)
  if (ids.length === 0) return { visitors: 0, files: 0 }
  const [held] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM mod_chat_uploads WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${ids}::uuid[])`
  await tx.$executeRaw`DELETE FROM mod_chat_connections WHERE site_id = ${siteId}::uuid AND visitor_id = ANY (${ids}::uuid[])`
  const visitors = await tx.$executeRaw`DELETE FROM mod_chat_visitors WHERE site_id = ${siteId}::uuid AND id = ANY (${ids}::uuid[])`
  return { visitors, files: held!.n }
}
